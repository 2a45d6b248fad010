// `npm run bench`: notion-guard against floors (git's own output, ripgrep, cat) on the same inputs,
// several runs each, medians and ratios, MB/s, commits/s, peak RSS; and a recall check (a fast
// scanner that misses is not fast). Not part of `npm test`: nothing there depends on wall-clock time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// `npm run bench -- pre-receive history`: only those targets (default: all).
const TARGETS = ['dir', 'history', 'staged', 'big', 'pre-receive'];
const only = process.argv.slice(2);
for (const t of only) if (!TARGETS.includes(t)) throw new Error(`bench: unknown target ${t} (targets: ${TARGETS.join(', ')})`);
const want = (t) => only.length === 0 || only.includes(t);
const NODE = process.execPath;

function ensureRipgrep() {
  if (spawnSync('rg', ['--version']).status === 0) return;
  console.error('bench: installing ripgrep from apt (the dir floor)…');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', 'ripgrep'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cannot install ripgrep');
}

/**
 * Run a shell command under GNU time for its peak RSS (KB); wall time from a monotonic clock around
 * it (GNU time's %e has 10 ms steps, too coarse for a 100 ms hook run).
 */
function measure(cmd, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'sh', '-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [coarse, kb] = last.split(' ').map(Number);
  if (!(coarse >= 0)) throw new Error(`cannot time: ${cmd}\n${r.stderr}`);
  return { secs, kb };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Several commands on the same input, their runs interleaved (a, b, c, a, b, c…): the machine's
 * slow and fast spells then fall on all of them alike, and their ratio is steadier than the times.
 */
function paired(cwd, ...specs) {
  const runs = specs.map(() => []);
  for (let i = 0; i < RUNS; i++) specs.forEach(([, cmd], k) => runs[k].push(measure(cmd, cwd)));
  return specs.map(([label], k) => ({ label, secs: median(runs[k].map((r) => r.secs)), kb: Math.max(...runs[k].map((r) => r.kb)) }));
}

function foundAll(args, cwd, planted) {
  const r = spawnSync(NODE, [CLI, ...args, '--format', 'json', '--show-secrets', '--no-config'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 1 && r.status !== 0) throw new Error(`notion-guard failed: ${r.stderr}`);
  const found = new Set(JSON.parse(r.stdout).findings.map((f) => f.secret));
  const missed = planted.filter((t) => !found.has(t));
  return { planted: planted.length, found: planted.length - missed.length, missed: missed.length };
}

const rows = [];
const checks = [];
function row(group, ng, floor, extra = '') {
  rows.push({ group, ng, floor, ratio: ng.secs / floor.secs, extra });
}

if (want('dir')) ensureRipgrep();
if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
// Loaded after the build: the datasets use the tests' token generator from dist/.
const { ROOT, buildHistory, buildPush, buildStaged, buildTree, rng, token } = await import('./datasets.mjs');
mkdirSync(ROOT, { recursive: true });

// dir
const tree = want('dir') || want('staged') ? buildTree() : undefined;
if (want('dir')) {
const mb = tree.bytes / 1e6;
const READ_FLOOR = fileURLToPath(new URL('./read-floor.mjs', import.meta.url));
const [ngDir, rg, rgBin, cat, nodeRead] = paired(
  tree.dir,
  ['notion-guard dir', `${NODE} ${CLI} dir --no-config . > /dev/null`],
  ["rg -uu 'ntn_…|secret_…'", `rg -uu --no-messages -e 'ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43}' . > /dev/null`],
  // -uuu also searches binary files, as notion-guard does (binary content and archive members).
  ["rg -uuu 'ntn_…|secret_…'", `rg -uuu --no-messages -e 'ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43}' . > /dev/null`],
  ['cat every file', `find . -type f -print0 | xargs -0 cat > /dev/null`],
  ['node: 2 workers read every file', `${NODE} ${READ_FLOOR} .`],
);
row(`dir (${mb.toFixed(0)} MB tree)`, ngDir, rg, `${(mb / ngDir.secs).toFixed(0)} MB/s`);
row(`dir (${mb.toFixed(0)} MB tree)`, ngDir, rgBin);
row(`dir (${mb.toFixed(0)} MB tree)`, ngDir, cat);
row(`dir (${mb.toFixed(0)} MB tree)`, ngDir, nodeRead);
checks.push(['dir', foundAll(['dir', '.'], tree.dir, tree.planted)]);
}

// history
if (want('history')) {
const hist = buildHistory();
const hmb = hist.blobBytes / 1e6;
const [ngHist, gitlog, catfile] = paired(
  hist.dir,
  ['notion-guard history', `${NODE} ${CLI} history --no-config > /dev/null`],
  ['git log -p --all', 'git log -p --all > /dev/null'],
  ['git cat-file --batch-all-objects --batch', 'git cat-file --batch-all-objects --batch > /dev/null'],
);
row(`history (${hist.commits} commits, ${hmb.toFixed(0)} MB blobs)`, ngHist, gitlog, `${(hmb / ngHist.secs).toFixed(0)} MB/s, ${(hist.commits / ngHist.secs).toFixed(0)} commits/s`);
row(`history (${hist.commits} commits, ${hmb.toFixed(0)} MB blobs)`, ngHist, catfile);
checks.push(['history', foundAll(['history'], hist.dir, hist.planted)]);
}

// staged
if (want('staged')) for (const kind of ['small', 'large']) {
  const st = buildStaged(kind, tree.dir);
  const [ng, floor] = paired(
    st.dir,
    ['notion-guard staged', `${NODE} ${CLI} staged --no-config > /dev/null`],
    kind === 'small'
      ? ['node -e 0; git diff --cached', `${NODE} -e 0; git diff --cached > /dev/null`]
      : ['git diff --cached + staged blobs', `git diff --cached > /dev/null; git ls-files -s | awk '{print $2}' | git cat-file --batch > /dev/null`],
  );
  row(`staged (${kind}: ${st.files} files)`, ng, floor);
  checks.push([`staged ${kind}`, foundAll(['staged'], st.dir, st.planted)]);
}

// pre-receive: a 10,000-commit push, fed to the hook as git would feed it
if (want('pre-receive')) {
  const p = buildPush();
  const line = (tip) => `${p.base} ${tip} refs/heads/main`;
  const [ng, floor] = paired(
    p.dir,
    ['notion-guard pre-receive', `echo '${line(p.tip)}' | ${NODE} ${CLI} pre-receive --no-config > /dev/null`],
    ['git rev-list --objects + cat-file --batch', `git rev-list --objects ${p.tip} --not --all | cut -d' ' -f1 | git cat-file --batch > /dev/null`],
  );
  row(`pre-receive (${p.commits.toLocaleString('en-US')}-commit push)`, ng, floor, `${(p.commits / ng.secs).toFixed(0)} commits/s; ghes budget 4 s: ${ng.secs < 4 ? 'within' : 'OVER'}`);
  const clean = spawnSync('sh', ['-c', `echo '${line(p.tip)}' | ${NODE} ${CLI} pre-receive --no-config --budget ghes`], { cwd: p.dir, encoding: 'utf8' });
  if (clean.status !== 0) throw new Error(`pre-receive refused the clean push: ${clean.stdout}${clean.stderr}`);
  const r = spawnSync('sh', ['-c', `echo '${line(p.leakTip)}' | ${NODE} ${CLI} pre-receive --no-config --format json --show-secrets`], { cwd: p.dir, encoding: 'utf8' });
  if (r.status !== 1) throw new Error(`pre-receive did not refuse the leak: ${r.stderr}`);
  const found = new Set(JSON.parse(r.stdout).findings.map((f) => f.secret));
  const missed = p.planted.filter((t) => !found.has(t)).length;
  checks.push(['pre-receive', { planted: p.planted.length, found: p.planted.length - missed, missed }]);
}

// memory on huge inputs
let hugeRun, lineRun;
if (want('big')) {
const big = join(ROOT, 'big');
mkdirSync(big, { recursive: true });
const r = rng(505);
const hugeFile = join(big, 'huge.log');
const longLine = join(big, 'one-line.min.js');
const hugeToken = token(r);
const lineToken = token(r);
if (!existsSync(hugeFile) || statSync(hugeFile).size < 1e9) {
  const fd = openSync(hugeFile, 'w');
  const block = Buffer.from('2026-01-01T00:00:00Z INFO request handled in 12ms path=/api/v1/items?id=42\n'.repeat(13_000));
  for (let written = 0; written < 1e9; written += block.length) writeSync(fd, block);
  closeSync(fd);
  const fd2 = openSync(longLine, 'w');
  const chunk = Buffer.from('function(e){return e&&e.__esModule?e:{default:e}};'.repeat(20_000));
  for (let written = 0; written < 1e8; written += chunk.length) writeSync(fd2, chunk);
  closeSync(fd2);
}
execFileSync('sh', ['-c', `printf '\\nNOTION_TOKEN=%s\\n' '${hugeToken}' >> huge.log; printf 'var t="%s";' '${lineToken}' >> one-line.min.js`], { cwd: big });
hugeRun = measure(`${NODE} ${CLI} dir --no-config huge.log > /dev/null`, big);
lineRun = measure(`${NODE} ${CLI} dir --no-config one-line.min.js > /dev/null`, big);
checks.push(['1 GB file', foundAll(['dir', 'huge.log'], big, [hugeToken])]);
checks.push(['100 MB single line', foundAll(['dir', 'one-line.min.js'], big, [lineToken])]);
}

const fmt = (m) => `${m.secs.toFixed(m.secs < 1 ? 3 : 2)} s, ${(m.kb / 1024).toFixed(0)} MB`;
console.log(`\nnotion-guard benchmark — ${RUNS} runs each, interleaved with their floors' runs; medians (wall time, peak RSS); ratio = notion-guard / floor\n`);
console.log('| input | notion-guard | floor | floor time | ratio | throughput |');
console.log('|---|---|---|---|---|---|');
for (const x of rows) console.log(`| ${x.group} | ${fmt(x.ng)} | ${x.floor.label} | ${fmt(x.floor)} | ${x.ratio.toFixed(2)}x | ${x.extra} |`);
if (hugeRun) console.log(`| 1 GB file | ${fmt(hugeRun)} | | | | ${(1000 / hugeRun.secs).toFixed(0)} MB/s |`);
if (lineRun) console.log(`| 100 MB single line | ${fmt(lineRun)} | | | | ${(100 / lineRun.secs).toFixed(0)} MB/s |`);
console.log('\nrecall on planted tokens:');
for (const [name, c] of checks) console.log(`  ${name}: ${c.found}/${c.planted} found${c.missed ? `  (MISSED ${c.missed})` : ''}`);
if (checks.some(([, c]) => c.missed)) process.exitCode = 1;
