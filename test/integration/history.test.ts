import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory, b64 } from '../helpers/tokens.js';

const f = new TokenFactory(31);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const repos: TestRepo[] = [];
function repo(opts?: { bare?: boolean }): TestRepo {
  const r = new TestRepo(opts);
  repos.push(r);
  return r;
}
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

type F = { file: string; line: number; secret: string; encoding?: string; commit: { sha: string; message: string; author: string; email: string; date: string }; occurrences: { commits: number; paths: number } };
function history(r: TestRepo, args: string[] = [], cwd = r.path) {
  const res = runCli(['history', '--format', 'json', '--show-secrets', ...args], { cwd });
  return { ...res, findings: res.stdout ? ((JSON.parse(res.stdout) as { findings: F[]; stats: { commits: number } }).findings) : [], stats: res.stdout ? JSON.parse(res.stdout).stats : undefined };
}

describe('notion-guard history', () => {
  it('attributes a token to the commit that introduced it, once, counting later versions', () => {
    const r = repo();
    r.commit('init', { 'README.md': '# x\n' });
    const t = f.ntn();
    const leak = r.commit('add config', { 'config/.env': `A=1\nNOTION_TOKEN=${t}\n` });
    for (let i = 0; i < 5; i++) r.commit(`tweak ${i}`, { 'config/.env': `A=${i + 2}\nNOTION_TOKEN=${t}\n` });
    const h = history(r);
    expect(h.code).toBe(1);
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0]).toMatchObject({ file: 'config/.env', line: 2, secret: t, commit: { sha: leak, message: 'add config', author: 'Test Person', email: 'test@example.com' }, occurrences: { commits: 6, paths: 1 } });
    expect(h.findings[0]!.commit.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(h.stats.commits).toBe(7);
  });

  it('finds tokens removed later, on other branches, and on deleted branches still referenced', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const removed = f.ntn();
    r.commit('oops', { 'a.txt': `x\n${removed}\n` });
    r.commit('fix', { 'a.txt': 'x\n' });
    r.git('checkout', '-q', '-b', 'feature');
    const onBranch = f.legacy();
    r.commit('feature', { 'b.yml': `key: ${onBranch}\n` });
    r.git('checkout', '-q', 'main');
    r.git('tag', 'keep', 'feature');
    r.git('branch', '-D', 'feature');
    const secrets = history(r).findings.map((x) => x.secret).sort();
    expect(secrets).toEqual([removed, onBranch].sort());
  });

  it('scans only the given range, and --since-commit', () => {
    const r = repo();
    const old = f.ntn();
    const base = r.commit('old', { 'old.env': `T=${old}\n` });
    const fresh = f.ntn();
    r.commit('new', { 'new.env': `T=${fresh}\n` });
    expect(history(r, [`${base}..HEAD`]).findings.map((x) => x.secret)).toEqual([fresh]);
    expect(history(r, ['--since-commit', base]).findings.map((x) => x.secret)).toEqual([fresh]);
    expect(history(r, ['HEAD~1']).findings.map((x) => x.secret)).toEqual([old]);
  });

  it('reports the same blob once with its other paths counted, and encoded tokens', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('one', { 'a/secret.yaml': `data:\n  TOKEN: ${b64(t)}\n` });
    r.commit('copy', { 'b/secret.yaml': `data:\n  TOKEN: ${b64(t)}\n` });
    const h = history(r);
    expect(h.findings).toHaveLength(1);
    expect(h.findings[0]).toMatchObject({ file: 'a/secret.yaml', encoding: 'base64', occurrences: { paths: 2 } });
  });

  it('is clean (exit 0) on an empty repo and a clean one; exit 2 on a bad range or outside a repo', () => {
    const r = repo();
    expect(history(r).code).toBe(0);
    r.commit('init', { 'a.txt': 'x\n' });
    expect(history(r).code).toBe(0);
    const bad = runCli(['history', 'nosuchref..HEAD'], { cwd: r.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const outside = runCli(['history'], { cwd: '/' });
    expect(outside.code).toBe(2);
  });

  it('warns on a shallow clone instead of passing silently', () => {
    const r = repo();
    r.commit('one', { 'a.env': `T=${f.ntn()}\n` });
    r.commit('two', { 'a.env': 'T=\n' }); // the token is only in the commit the clone cuts off
    const clone = repo();
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${r.path}`, `${clone.path}/c`]);
    const res = runCli(['history'], { cwd: `${clone.path}/c` });
    expect(res.stderr).toMatch(/shallow clone/);
    expect(res.code).toBe(0);
  });

  it('reports exact paths whatever their characters (newline, quotes, unicode, leading dash)', () => {
    const r = repo();
    const names = ['new\nline.env', 'quo"te.env', 'ünï.env', '-dash.env', 'sp ace/x.env'];
    const files: Record<string, string> = {};
    for (const n of names) files[n] = `T=${f.ntn()}\n`;
    r.commit('odd names', files);
    expect(history(r).findings.map((x) => x.file).sort()).toEqual([...names].sort());
  });

  it('tells to treat committed tokens as compromised, rotate first, then purge', () => {
    const r = repo();
    r.commit('leak', { 'x.env': `T=${f.ntn()}\n` });
    const out = runCli(['history'], { cwd: r.path }).stdout;
    expect(out).toMatch(/in git history: treat them as compromised/);
    expect(out.indexOf('Rotate')).toBeLessThan(out.indexOf('filter-repo'));
    expect(out).not.toMatch(/--no-verify/);
  });

  it('works in a bare repository and leaves the repository untouched', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('leak', { 'x.env': `T=${t}\n` });
    const before = r.state();
    expect(history(r).findings.map((x) => x.secret)).toEqual([t]);
    expect(r.state()).toBe(before);
    const bare = repo();
    execFileSync('git', ['clone', '-q', '--bare', r.path, `${bare.path}/b.git`]);
    expect(history(r, [], `${bare.path}/b.git`).findings.map((x) => x.secret)).toEqual([t]);
  });
});

describe('history with scan workers (NOTION_GUARD_WORKERS)', () => {
  it('finds and attributes the same tokens as the main thread alone, big blobs and archives included', () => {
    const r = repo();
    const tokens: string[] = [];
    // The oldest commits hold the tokens: rev-list lists the newest first, so by the time their
    // blobs come the worker has started (the 3,000 files after them keep the main thread busy).
    for (let k = 0; k < 12; k++) {
      const t = k % 3 === 0 ? f.legacy() : f.ntn();
      tokens.push(t);
      const big = k === 4 ? 'x = 1;\n'.repeat(800_000) : ''; // past the batch limit: scanned in place
      r.commit(`change ${k}`, { [`src/m${k * 7}.js`]: `${big}// change ${k}\nconst key = "${k % 2 ? b64(t) : t}";\n` });
    }
    const files: Record<string, string | Buffer> = {};
    for (let i = 0; i < 3000; i++) files[`lib/m${i}.js`] = `// module ${i}\n${'export const value = 12345;\n'.repeat(60)}`;
    r.commit('many files', files);
    const one = history(r, [], r.path);
    const withWorker = runCli(['history', '--format', 'json', '--show-secrets'], { cwd: r.path, env: { NOTION_GUARD_WORKERS: '1' } });
    const without = runCli(['history', '--format', 'json', '--show-secrets'], { cwd: r.path, env: { NOTION_GUARD_WORKERS: '0' } });
    expect(withWorker.code).toBe(1);
    const a = JSON.parse(withWorker.stdout);
    const b = JSON.parse(without.stdout);
    expect(a.findings.map((x: F) => x.secret).sort()).toEqual([...tokens].sort());
    expect(a.findings).toEqual(b.findings);
    expect(a.findings).toEqual(JSON.parse(one.stdout).findings);
    expect({ ...a.stats, durationMs: 0 }).toEqual({ ...b.stats, durationMs: 0 });
  });
});

describe('history progress', () => {
  it('draws a progress line on a TTY stderr, and nothing on stderr otherwise', () => {
    const r = repo();
    for (let i = 0; i < 5; i++) r.commit(`c${i}`, { [`f${i}.txt`]: `content ${i}\n` });
    const cli = `${process.execPath} ${join(ROOT, 'dist/bin/cli.js')} history --no-color`;
    // `script` gives the command a real pseudo-terminal.
    const tty = spawnSync('script', ['-qec', cli, '/dev/null'], { cwd: r.path, encoding: 'utf8' });
    expect(tty.stdout).toMatch(/notion-guard: 5 commits, \d+ blobs, [\d.]+ MB \([\d.]+ MB\/s\)/);
    const plain = runCli(['history'], { cwd: r.path });
    expect(plain.stderr).toBe('');
  });
});
