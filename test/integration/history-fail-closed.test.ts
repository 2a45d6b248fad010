/**
 * `history` reports every token reachable from the refs, in files and in messages, whatever the
 * repository does to hide commits, and names what it could not read (issue: fail closed in git,
 * items 7-10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS; its default export is the class.
const Ajv = (require('ajv-draft-04') as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] } } }).default;

const f = new TokenFactory(1213);
const cleanups: (() => void)[] = [];
function repo(): TestRepo {
  const r = new TestRepo();
  cleanups.push(r.cleanup);
  return r;
}
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

type F = { file: string; line: number; column: number; secret: string; commit?: { sha: string; message: string } };
function history(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  const res = runCli(['history', '--format', 'json', '--show-secrets', ...args], { cwd, env });
  const findings = res.stdout ? (JSON.parse(res.stdout) as { findings: F[] }).findings : [];
  return { ...res, findings, secrets: findings.map((x) => x.secret).sort() };
}

describe('history: nothing hides a commit', () => {
  it('replace refs do not swap a leaking commit for a clean one', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const t = f.ntn();
    const leak = r.commit('leak', { 'cfg.env': `T=${t}\n` });
    r.git('rm', '-q', 'cfg.env');
    r.commit('remove');
    const clean = r.git('commit-tree', `${leak}^{tree}`.replace(leak, 'HEAD'), '-p', 'HEAD~2', '-m', 'clean').trim();
    r.git('replace', leak, clean);
    expect(r.git('log', '--format=%s', 'HEAD~1', '-1').trim()).toBe('clean'); // git itself is fooled
    expect(history(r.path)).toMatchObject({ code: 1, secrets: [t] });
  });

  it('a grafts file does not cut history short', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('leak', { 'cfg.env': `T=${t}\n` });
    r.git('rm', '-q', 'cfg.env');
    const head = r.commit('remove');
    writeFileSync(join(r.path, '.git/info/grafts'), `${head}\n`);
    expect(r.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    expect(history(r.path)).toMatchObject({ code: 1, secrets: [t] });
  });
});

describe('history: commit and tag messages are scanned', () => {
  it('a token pasted in a commit message body', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const t = f.ntn();
    const sha = r.commit(`Fix the sync job\n\nUsed NOTION_TOKEN=${t} to test`);
    const h = history(r.path);
    expect(h.code).toBe(1);
    expect(h.findings).toEqual([expect.objectContaining({ file: '(commit message)', line: 3, column: 19, secret: t, commit: expect.objectContaining({ sha, message: 'Fix the sync job' }) })]);
  });

  it('a token in a commit subject is redacted in every format without --show-secrets', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('init', { 'a.txt': 'a\n' });
    r.commit(`rotate ${t} later`);
    for (const format of ['text', 'json', 'sarif']) {
      const res = runCli(['history', '--format', format], { cwd: r.path });
      expect(res.code).toBe(1);
      expect(res.stdout + res.stderr).not.toContain(t);
      expect(res.stdout).toContain(`${t.slice(0, 8)}…`);
    }
  });

  it('a token in an annotated tag message, attributed to the tagged commit', () => {
    const r = repo();
    const sha = r.commit('init', { 'a.txt': 'a\n' });
    const t = f.legacy();
    r.git('tag', '-a', 'v1.0', '-m', `Release\n\nsmoke test key ${t}`);
    const h = history(r.path);
    expect(h.code).toBe(1);
    expect(h.findings).toEqual([expect.objectContaining({ file: '(tag message)', line: 3, column: 16, secret: t, commit: expect.objectContaining({ sha }) })]);
  });
});

describe('history: what cannot be read is named, the rest still scanned', () => {
  it('one missing blob: the token elsewhere is reported, the missing one is named with its path, exit 1', () => {
    const r = repo();
    const t = f.ntn();
    r.commit('c', { 'lost.txt': `lost ${'q'.repeat(300)}\n`, 'cfg.env': `T=${t}\n` });
    const blob = r.git('rev-parse', 'HEAD:lost.txt').trim();
    rmSync(join(r.path, '.git/objects', blob.slice(0, 2), blob.slice(2)));
    const h = history(r.path);
    expect(h.code).toBe(1);
    expect(h.secrets).toEqual([t]);
    expect(h.stderr).toMatch(new RegExp(`cannot read lost\\.txt \\(blob ${blob}\\): the object is missing`));
    // A path is repository content: a token in a missing file's name is redacted when it is named.
    const named = repo();
    const inName = f.ntn();
    named.commit('c', { [`keys/${inName}.txt`]: `lost ${'e'.repeat(300)}\n` });
    const b3 = named.git('rev-parse', `HEAD:keys/${inName}.txt`).trim();
    rmSync(join(named.path, '.git/objects', b3.slice(0, 2), b3.slice(2)));
    const n = runCli(['history'], { cwd: named.path });
    expect(n.code).toBe(2);
    expect(n.stderr).toContain(`keys/${inName.slice(0, 8)}…`);
    expect(n.stderr).not.toContain(inName);
    // Without findings the same scan exits 2, never 0.
    r.git('rm', '-q', '--cached', 'cfg.env');
    const only = repo();
    only.commit('c', { 'lost.txt': `lost ${'w'.repeat(300)}\n` });
    const b2 = only.git('rev-parse', 'HEAD:lost.txt').trim();
    rmSync(join(only.path, '.git/objects', b2.slice(0, 2), b2.slice(2)));
    const h2 = history(only.path);
    expect(h2.code).toBe(2);
    expect(JSON.parse(h2.stdout).stats.unreadable).toBe(1);
    // SARIF says the run did not succeed, and names the object, still valid SARIF 2.1.0.
    const s = runCli(['history', '--format', 'sarif'], { cwd: only.path });
    expect(s.code).toBe(2);
    const sarif = JSON.parse(s.stdout);
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: expect.stringContaining(`lost.txt (blob ${b2})`) } }] });
  });

  it('a blobless partial clone: missing blobs fetched in one batch, never one fetch per blob', () => {
    const src = repo();
    src.git('config', 'uploadpack.allowFilter', 'true');
    src.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    const tokens: string[] = [];
    for (let i = 0; i < 30; i++) {
      const files: Record<string, string> = { [`notes/n${i}.md`]: `note ${i}\n` };
      if (i % 10 === 3) {
        const t = f.ntn();
        tokens.push(t);
        files[`cfg/c${i}.env`] = `T=${t}\n`;
      }
      src.commit(`c${i}`, files);
    }
    const d = tempDir('ng-partial-');
    cleanups.push(d.cleanup);
    const clone = join(d.path, 'clone');
    execFileSync('git', ['clone', '-q', '--no-checkout', '--filter=blob:none', `file://${src.path}`, clone]);
    // A git that logs every call: the scan must fetch once, not per blob.
    const log = join(d.path, 'calls.log');
    const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(d.path, 'git'), `#!/bin/sh\necho "$*" >> "${log}"\nexec "${real}" "$@"\n`);
    chmodSync(join(d.path, 'git'), 0o755);
    const env = { PATH: `${d.path}:${process.env.PATH}` };

    const noFetch = history(clone, ['--no-fetch'], env);
    expect(noFetch.code).toBe(2);
    expect(noFetch.stderr).toMatch(/not scanned: cfg\/c3\.env \(blob [0-9a-f]{40}\): not in this partial clone \(--no-fetch\)/);
    expect(readFileSync(log, 'utf8')).not.toMatch(/fetch/);

    const h = history(clone, [], env);
    expect(h.code).toBe(1);
    expect(h.secrets).toEqual([...tokens].sort());
    expect(h.findings.map((x) => x.file).sort()).toEqual(['cfg/c13.env', 'cfg/c23.env', 'cfg/c3.env']);
    expect(h.stderr).toMatch(/partial clone: fetching \d+ missing blobs from "origin" in one batch/);
    // Each call as git saw it, without our leading "--no-pager -c key=value" overrides.
    const calls = readFileSync(log, 'utf8').split('\n').map((l) => l.replace(/^(--no-pager )?(-c \S+ )*/, ''));
    expect(calls.filter((c) => c.startsWith('fetch '))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('cat-file '))).toHaveLength(3); // --no-fetch: one; then the local ones, and the fetched
    // Everything is local now: a second scan fetches nothing and finds the same.
    expect(history(clone, ['--no-fetch']).secrets).toEqual([...tokens].sort());
  });
});

describe('history: found by a hostile tester', () => {
  it('a missing tree (treeless clone, lost subtree) is named, never a silent pass', () => {
    const r = repo();
    r.commit('c', { 'd/s.txt': `k=${f.ntn()}\n`, 'a.txt': 'a\n' });
    const tree = r.git('rev-parse', 'HEAD:d').trim();
    rmSync(join(r.path, '.git/objects', tree.slice(0, 2), tree.slice(2)));
    const h = history(r.path);
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(new RegExp(`cannot read object ${tree} \\(a tree or commit\\)`));
  });

  it('a NUL byte in a commit message does not make it unscanned', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    const t = f.ntn();
    const tree = r.git('rev-parse', 'HEAD^{tree}').trim();
    const raw = `tree ${tree}\nauthor T <t@e> 1700000000 +0000\ncommitter T <t@e> 1700000000 +0000\n\nmsg\0 k=${t}\n`;
    const sha = execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], { cwd: r.path, input: raw, encoding: 'utf8' }).trim();
    r.git('update-ref', 'refs/heads/main', sha);
    expect(history(r.path)).toMatchObject({ code: 1, secrets: [t] });
  });

  it('a UTF-16 file whose BOM is cut by a pipe boundary is still transcoded', async () => {
    const { ItemScanner } = await import('../../src/scan.js');
    const { buildDetector } = await import('../../src/rules/compile.js');
    const { loadRules } = await import('../../src/rules/load.js');
    const t = f.ntn();
    const data = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`key=${t}\n`, 'utf16le')]);
    const s = new ItemScanner({ path: 'b.txt' }, buildDetector(loadRules()));
    s.push(data.subarray(0, 1));
    s.push(data.subarray(1, 5));
    s.push(data.subarray(5));
    expect(s.end().findings.map((x) => x.secret)).toEqual([t]);
  });

  it('the batch fetch does not run the remote\'s configured upload-pack program', () => {
    const src = repo();
    src.git('config', 'uploadpack.allowFilter', 'true');
    src.commit('c', { 'cfg.env': `T=${f.ntn()}\n` });
    const d = tempDir('ng-partial-');
    cleanups.push(d.cleanup);
    const clone = join(d.path, 'clone');
    execFileSync('git', ['clone', '-q', '--no-checkout', '--filter=blob:none', `file://${src.path}`, clone]);
    const mark = join(d.path, 'MARK');
    execFileSync('git', ['config', 'remote.origin.uploadpack', `touch ${mark}; git-upload-pack`], { cwd: clone });
    expect(history(clone).code).toBe(1);
    expect(existsSync(mark)).toBe(false);
  });
});

describe('history: attribution follows ancestry', () => {
  it('a token made on a branch whose clock runs ahead is blamed on the branch commit, not the merge', () => {
    const r = repo();
    r.commit('init', { 'a.txt': 'a\n' });
    r.git('checkout', '-q', '-b', 'feature');
    const t = f.ntn();
    const future = { GIT_AUTHOR_DATE: '2031-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2031-01-01T00:00:00Z' };
    r.write('cfg.env', `T=${t}\n`).git('add', '-A');
    execFileSync('git', ['commit', '-q', '-m', 'feature work'], { cwd: r.path, env: { ...process.env, ...future } });
    const featureSha = r.git('rev-parse', 'HEAD').trim();
    r.git('checkout', '-q', 'main');
    r.commit('main work', { 'b.txt': 'b\n' });
    execFileSync('git', ['merge', '-q', '--no-ff', '-m', 'merge feature', 'feature'], { cwd: r.path, env: { ...process.env, GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' } });
    const h = history(r.path);
    expect(h.findings).toEqual([expect.objectContaining({ secret: t, commit: expect.objectContaining({ sha: featureSha, message: 'feature work' }) })]);
  });

  it('with log.showRoot = false, a token in the root commit keeps its commit', () => {
    const r = repo();
    const t = f.ntn();
    const root = r.commit('root', { 'cfg.env': `T=${t}\n` });
    r.commit('more', { 'a.txt': 'a\n' });
    r.git('config', 'log.showRoot', 'false');
    expect(history(r.path).findings).toEqual([expect.objectContaining({ secret: t, commit: expect.objectContaining({ sha: root }) })]);
  });
});
