import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempRepos, type TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(21);
const repo = tempRepos();

type J = { findings: { file: string; line: number; column: number; secret: string }[] };
function staged(r: TestRepo, extra: string[] = [], env: Record<string, string> = {}) {
  const res = runCli(['staged', '--format', 'json', '--show-secrets', ...extra], { cwd: r.path, env });
  return { ...res, json: res.stdout ? (JSON.parse(res.stdout) as J) : undefined };
}

describe('notion-guard staged', () => {
  it('blocks a token on an added line, with the staged line number', () => {
    const r = repo();
    r.commit('init', { 'app.env': 'A=1\nB=2\n' });
    const t = f.ntn();
    r.write('app.env', `A=1\nNOTION_TOKEN=${t}\nB=2\n`).git('add', 'app.env');
    const s = staged(r);
    expect(s.code).toBe(1);
    expect(s.json!.findings.map((x) => [x.file, x.line, x.column, x.secret])).toEqual([['app.env', 2, 14, t]]);
  });

  it('does not block a token already committed on an unchanged line', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('old leak', { 'a.env': `T=${t}\nX=1\n` });
    r.write('a.env', `T=${t}\nX=2\n`).git('add', 'a.env');
    expect(staged(r).code).toBe(0);
  });

  it('ignores unstaged tokens in the work tree, and blocks staged ones since removed from it', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    r.write('a.txt', `x\n${f.ntn()}\n`);
    expect(staged(r).code).toBe(0);
    const t = f.legacy();
    r.write('b.txt', `key: ${t}\n`).git('add', 'b.txt');
    rmSync(join(r.path, 'b.txt'));
    expect(staged(r).json!.findings.map((x) => x.secret)).toEqual([t]);
  });

  it('works on the first commit of a repository (no HEAD)', () => {
    const r = repo();
    const t = f.ntn();
    r.write('cfg.json', `{"token": "${t}"}`).git('add', '-A');
    expect(staged(r).json!.findings.map((x) => [x.file, x.line, x.column])).toEqual([['cfg.json', 1, 12]]);
  });

  it('exits 0 with nothing staged, and on an empty repository', () => {
    const r = repo();
    expect(staged(r).code).toBe(0);
    r.commit('init', { 'a.txt': 'x\n' });
    expect(staged(r).code).toBe(0);
  });

  it('honours GIT_INDEX_FILE (git commit -a / git commit PATH use a temporary index)', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    const t = f.ntn();
    r.write('a.txt', `x\n${t}\n`);
    const idx = join(r.path, '.git', 'tmp-index');
    execFileSync('cp', [join(r.path, '.git', 'index'), idx]);
    execFileSync('git', ['add', 'a.txt'], { cwd: r.path, env: { ...process.env, GIT_INDEX_FILE: idx } });
    expect(staged(r).code).toBe(0); // the real index has nothing staged
    expect(staged(r, [], { GIT_INDEX_FILE: idx }).json!.findings.map((x) => x.secret)).toEqual([t]);
  });

  it('handles renames (only added lines count), deletions and binary files', () => {
    const r = repo();
    const old = f.ntn();
    r.commit('init', { 'old.env': `T=${old}\n`, 'gone.txt': 'bye\n' });
    r.git('mv', 'old.env', 'new.env');
    r.git('rm', '-q', 'gone.txt');
    const bin = f.ntn();
    r.write('img.bin', Buffer.concat([Buffer.from([0, 1, 2, 0]), Buffer.from(bin)]));
    r.git('add', '-A');
    // The rename brings no new line; the binary file's token is new and found as binary.
    const s = staged(r);
    expect(s.code).toBe(1);
    expect(s.json!.findings.map((x) => [x.file, (x as { binary?: boolean }).binary, (x as { offset?: number }).offset])).toEqual([['img.bin', true, 4]]);
  });

  it('handles file names with spaces, unicode, quotes, newlines and a leading dash', () => {
    const r = repo();
    r.commit('init');
    const names = ['with space.env', 'ünïcødé.env', 'quo"te\'s.env', 'new\nline.env', '-dash.env'];
    const tokens = names.map(() => f.ntn());
    names.forEach((n, i) => r.write(n, `T=${tokens[i]}\n`));
    r.git('add', '-A');
    const s = staged(r);
    expect(s.json!.findings.map((x) => x.file).sort()).toEqual([...names].sort());
  });

  it('skips submodules and finds tokens in CRLF files with the right line', () => {
    const r = repo();
    const sub = repo();
    sub.commit('sub', { 's.txt': `${f.ntn()}\n` });
    r.commit('init');
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.path, 'vendor/sub');
    const t = f.ntn();
    r.write('w.env', `A=1\r\nT=${t}\r\n`).git('add', '-A');
    expect(staged(r).json!.findings.map((x) => [x.file, x.line, x.column])).toEqual([['w.env', 2, 3]]);
  });

  it('works during a merge in progress', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'base\n' });
    r.git('checkout', '-q', '-b', 'feature');
    r.commit('feature', { 'a.txt': 'feature\n' });
    r.git('checkout', '-q', 'main');
    r.commit('main', { 'a.txt': 'main\n' });
    spawnSync('git', ['merge', 'feature'], { cwd: r.path });
    const t = f.ntn();
    r.write('a.txt', `resolved ${t}\n`).git('add', 'a.txt');
    expect(staged(r).json!.findings.map((x) => x.secret)).toEqual([t]);
  });

  it('works from a subfolder of the repo, in a worktree, and with --repo', () => {
    const r = repo();
    r.commit('init', { 'pkg/a.txt': 'x\n' });
    const t = f.ntn();
    r.write('pkg/b.env', `T=${t}\n`).git('add', '-A');
    const sub = runCli(['staged', '--format', 'json'], { cwd: join(r.path, 'pkg') });
    expect(JSON.parse(sub.stdout).findings[0].file).toBe('pkg/b.env');
    const parent = join(r.path, '..');
    const viaRepo = runCli(['staged', '--format', 'json', '--repo', r.path], { cwd: parent });
    expect(viaRepo.code).toBe(1);
    const wt = join(r.path, '..', `${r.path.split('/').pop()}-wt`);
    r.git('worktree', 'add', '-q', wt);
    try {
      writeFileSync(join(wt, 'w.env'), `T=${f.ntn()}\n`);
      execFileSync('git', ['add', 'w.env'], { cwd: wt });
      expect(runCli(['staged', '--format', 'json'], { cwd: wt }).code).toBe(1);
    } finally {
      rmSync(wt, { recursive: true, force: true });
    }
  });

  it('fails with exit 2 and one line outside a repository', () => {
    const r = repo();
    const plain = join(r.path, '..', `plain-${process.pid}`);
    mkdirSync(plain, { recursive: true });
    try {
      const s = runCli(['staged'], { cwd: plain });
      expect(s.code).toBe(2);
      expect(s.stderr.trim().split('\n')).toHaveLength(1);
      expect(s.stderr).toMatch(/not a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('redacts by default, names file:line and tells how to unstage and rotate', () => {
    const r = repo();
    const t = f.ntn();
    r.write('.env', `NOTION_TOKEN=${t}\n`).git('add', '-A');
    const s = runCli(['staged'], { cwd: r.path });
    expect(s.code).toBe(1);
    expect(s.stdout + s.stderr).not.toContain(t);
    expect(s.stdout).toContain('.env:1:14');
    // No commit yet: `git restore --staged` needs a HEAD, `git rm --cached` does not.
    expect(s.stdout).toMatch(/or unstage everything named above: git rm --cached \.env$/m);
    expect(s.stdout).toMatch(/Rotate/);
    r.write('README.md', 'x\n').git('add', 'README.md');
    r.git('commit', '-qm', 'first', '--no-verify', '--', 'README.md');
    expect(runCli(['staged'], { cwd: r.path }).stdout).toMatch(/or unstage everything named above: git restore --staged \.env$/m);
  });

  it('remediation shows the env idiom of the file\'s language and mentions --no-verify once, last', () => {
    const r = repo();
    r.write('src/client.py', `notion = Client(auth="${f.ntn()}")\n`).write('index.ts', `const t = "${f.ntn()}";\n`).git('add', '-A');
    const out = runCli(['staged'], { cwd: r.path }).stdout;
    expect(out).toContain('src/client.py: os.environ["NOTION_TOKEN"]');
    expect(out).toContain('index.ts: process.env.NOTION_TOKEN');
    // No .env here: advice about .env files would not fit.
    expect(out).not.toMatch(/Keep \.env files/);
    expect(out.match(/--no-verify/g)).toHaveLength(1);
    expect(out.trim().split('\n').pop()).toMatch(/--no-verify/);
  });

  it('handles many modified files (paths passed to git in several batches) and literal pathspec names', () => {
    const r = repo();
    const dir = 'd'.repeat(120);
    const files: Record<string, string> = {};
    for (let i = 0; i < 700; i++) files[`${dir}/file-${String(i).padStart(4, '0')}.txt`] = 'a\nb\n';
    files['*.env'] = 'x\n';
    r.commit('many', files);
    const planted: string[] = [];
    for (let i = 0; i < 700; i++) {
      const t = i % 150 === 7 ? f.ntn() : '';
      if (t) planted.push(t);
      r.write(`${dir}/file-${String(i).padStart(4, '0')}.txt`, `a\n${t || 'changed'}\nb\n`);
    }
    const star = f.legacy();
    r.write('*.env', `x\nT=${star}\n`);
    r.git('add', '-A');
    const s = staged(r);
    expect(s.json!.findings.map((x) => x.secret).sort()).toEqual([...planted, star].sort());
    expect(s.json!.findings.every((x) => x.line === 2)).toBe(true);
  });

  it('leaves index, work tree, refs and config untouched', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'x\n' });
    r.write('b.env', `T=${f.ntn()}\n`).git('add', '-A');
    r.write('c.txt', 'untracked\n');
    const before = r.state();
    staged(r);
    expect(r.state()).toBe(before);
  });
});
