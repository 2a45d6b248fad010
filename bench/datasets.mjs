// Builds the benchmark's inputs deterministically under .bench/ (reused across runs):
//  - tree/: real npm packages (installed from the registry at pinned versions) with planted tokens;
//  - history/: a git repository whose commits are successive published versions of npm packages,
//    committed file batch by file batch, with tokens added and removed along the way;
//  - staged-small/ and staged-large/: repositories with a small and a large staged change.
// Tokens come from a seeded generator at run time; none is stored in this file.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomToken, seededRandom } from '../dist/rules/examples.js';

export const ROOT = fileURLToPath(new URL('../.bench/', import.meta.url));
const sh = (cmd, args, cwd, opts = {}) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30, ...opts });

// The same seeded generator as the tests (src/rules/examples.ts, built into dist/).
export const rng = seededRandom;
export function token(r, legacy = false) {
  return legacy ? randomToken({ prefix: ['sec', 'ret_'].join(''), bodyLength: 43 }, r) : randomToken({ prefix: ['nt', 'n_'].join(''), bodyLength: 46 }, r);
}

const TREE_PACKAGES = ['typescript@5.6.3', 'eslint@9.14.0', '@babel/core@7.26.0', 'webpack@5.96.1', 'rxjs@7.8.1', 'lodash@4.17.21', 'date-fns@4.1.0', 'three@0.170.0', 'prettier@3.3.3', 'react-dom@18.3.1', 'moment@2.30.1', 'core-js@3.39.0', 'esbuild-wasm@0.24.0', 'pdfjs-dist@4.8.69', 'monaco-editor@0.52.0'];

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Plant tokens in some files of a tree; returns the planted tokens. */
function plant(dir, r, count) {
  const files = walk(dir).filter((f) => /\.(js|ts|json|md)$/.test(f)).sort();
  const planted = [];
  for (let i = 0; i < count; i++) {
    const f = files[Math.floor(r() * files.length)];
    const t = token(r, i % 4 === 3);
    const style = i % 3;
    const line = style === 0 ? `\nconst NOTION_TOKEN = "${t}";\n` : style === 1 ? `\n// notion: ${t}\n` : `\nNOTION_B64=${Buffer.from(t).toString('base64')}\n`;
    appendFileSync(f, line);
    planted.push(t);
  }
  return planted;
}

export function buildTree() {
  const dir = join(ROOT, 'tree');
  const marker = join(ROOT, 'tree.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"bench-tree","private":true}\n');
  console.error('bench: installing real packages for the directory tree…');
  sh('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...TREE_PACKAGES], dir);
  const planted = plant(dir, rng(101), 40);
  const bytes = walk(dir).reduce((n, f) => n + statSync(f).size, 0);
  const info = { dir, planted, bytes };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

const HISTORY_PACKAGES = [
  ['lodash', 12], ['express', 20], ['axios', 30], ['react-dom', 10], ['vue', 20], ['rxjs', 10], ['moment', 15], ['typescript', 6], ['date-fns', 4], ['chalk', 15], ['commander', 20],
];

export function buildHistory() {
  const dir = join(ROOT, 'history');
  const marker = join(ROOT, 'history.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  const tarballs = join(ROOT, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const git = (...a) => sh('git', a, dir);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'commit.gpgsign', 'false');
  const r = rng(202);
  const planted = [];
  let commits = 0;
  const commitAll = (msg) => {
    git('add', '-A');
    sh('git', ['commit', '-q', '--allow-empty', '-m', msg], dir, { env: { ...process.env, GIT_AUTHOR_DATE: `@${1700000000 + commits * 60} +0000`, GIT_COMMITTER_DATE: `@${1700000000 + commits * 60} +0000` } });
    commits++;
  };
  console.error('bench: fetching successive package versions for the history repository…');
  for (const [pkg, n] of HISTORY_PACKAGES) {
    const versions = JSON.parse(sh('npm', ['view', pkg, 'versions', '--json']).toString()).filter((v) => /^\d+\.\d+\.\d+$/.test(v)).slice(-n);
    const specs = versions.map((v) => `${pkg}@${v}`).filter((s) => !existsSync(join(tarballs, `${s.replace('/', '-').replace('@', '-')}.tgz`)));
    if (specs.length) sh('npm', ['pack', '--silent', '--pack-destination', tarballs, ...specs], ROOT);
    for (const v of versions) {
      const tgz = readdirSync(tarballs).find((f) => f === `${pkg.replace('@', '').replace('/', '-')}-${v}.tgz`);
      if (!tgz) continue;
      const target = join(dir, 'packages', pkg);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      sh('tar', ['xzf', join(tarballs, tgz), '-C', target, '--strip-components=1']);
      // Commit the version in batches of files, as a project's history accumulates.
      const files = walk(target).map((f) => relative(dir, f)).sort();
      const batch = Math.max(1, Math.ceil(files.length / 12));
      for (let i = 0; i < files.length; i += batch) {
        sh('git', ['add', '-A', '--', ...files.slice(i, i + batch)], dir);
        git('add', '-A', '--', join('packages', pkg)); // deletions of the previous version
        commitAll(`${pkg} ${v} (${i / batch + 1})`);
      }
      if (r() < 0.25) {
        const t = token(r, r() < 0.3);
        planted.push(t);
        writeFileSync(join(dir, 'config.env'), `NOTION_TOKEN=${t}\n`);
        commitAll('add config');
        writeFileSync(join(dir, 'config.env'), 'NOTION_TOKEN=\n');
        commitAll('remove token');
      }
    }
  }
  git('gc', '-q');
  const count = Number(git('rev-list', '--count', '--all').toString().trim());
  const blobBytes = sh('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectsize)'], dir)
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('blob '))
    .reduce((n, l) => n + Number(l.split(' ')[1]), 0);
  const info = { dir, planted, commits: count, blobBytes };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

/** A repository with a staged change: `small` (a handful of files, a few hundred lines) or large. */
export function buildStaged(kind, treeDir) {
  const dir = join(ROOT, `staged-${kind}`);
  const marker = join(ROOT, `staged-${kind}.json`);
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const git = (...a) => sh('git', a, dir);
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  writeFileSync(join(dir, 'README.md'), '# bench\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  const r = rng(kind === 'small' ? 303 : 404);
  const source = walk(join(treeDir, 'node_modules')).filter((f) => /\.(js|ts|json)$/.test(f)).sort();
  const n = kind === 'small' ? 6 : 3000;
  const planted = [];
  for (let i = 0; i < n; i++) {
    const src = source[Math.floor(r() * source.length)];
    let text = readFileSync(src, 'utf8');
    if (kind === 'small') text = text.split('\n').slice(0, 60).join('\n');
    const target = join(dir, 'src', `f${i}`, src.split('/').pop());
    mkdirSync(join(target, '..'), { recursive: true });
    if (i % (kind === 'small' ? 3 : 500) === 0) {
      const t = token(r);
      planted.push(t);
      text += `\nexport const notionToken = "${t}";\n`;
    }
    writeFileSync(target, text);
  }
  git('add', '-A');
  const info = { dir, planted, files: n };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}

/**
 * A push of `n` small commits into a bare server (default 10,000): the server's refs hold only the
 * base commit; the pushed commits' objects are in its object store but on no ref, which is what a
 * pre-receive hook sees inside git's quarantine (`<new> --not --all`). Built with one
 * `git fast-import` (seconds, not the minutes of 10,000 `git commit`s). `leakTip` is one more commit,
 * on top, that adds a token: the recall check.
 */
export function buildPush(n = 10_000) {
  const dir = join(ROOT, `push-${n}.git`);
  const marker = join(ROOT, `push-${n}.json`);
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  sh('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  const r = rng(606);
  const leak = token(r);
  const parts = [];
  const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  const commit = (ref, mark, from, file, content, msg) => {
    parts.push(`commit ${ref}\nmark :${mark}\ncommitter Bench <bench@example.com> ${1700000000 + mark * 60} +0000\n${data(msg)}`);
    if (from) parts.push(`from :${from}\n`);
    parts.push(`M 100644 inline ${file}\n${data(content)}`);
  };
  commit('refs/heads/main', 1, 0, 'README.md', '# push bench\n', 'base');
  for (let i = 1; i <= n; i++) {
    const body = `// module ${i % 400}, revision ${i}\nexport const value${i} = ${Math.floor(r() * 1e9)};\n${'// filler line for a realistic small source file\n'.repeat(4)}`;
    commit('refs/heads/incoming', i + 1, i, `src/m${i % 400}.js`, body, `change ${i}`);
  }
  commit('refs/heads/leak', n + 2, n + 1, 'config.env', `NOTION_TOKEN=${leak}\n`, 'add config');
  sh('git', ['fast-import', '--quiet'], dir, { input: parts.join(''), stdio: ['pipe', 'pipe', 'inherit'] });
  const base = sh('git', ['rev-parse', 'refs/heads/main'], dir).toString().trim();
  const tip = sh('git', ['rev-parse', 'refs/heads/incoming'], dir).toString().trim();
  const leakTip = sh('git', ['rev-parse', 'refs/heads/leak'], dir).toString().trim();
  sh('git', ['update-ref', '-d', 'refs/heads/incoming'], dir);
  sh('git', ['update-ref', '-d', 'refs/heads/leak'], dir);
  const info = { dir, base, tip, leakTip, commits: n, planted: [leak] };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}
