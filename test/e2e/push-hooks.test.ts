/**
 * pre-receive and pre-push through real `git push` into real bare repositories, with the hooks
 * installed as a server admin or `notion-guard install` would install them.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli.js';
import { tempRepos, type TestRepo } from '../helpers/git-repo.js';
import { hasObject, installHook, push } from '../helpers/push.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(1616);
const repo = tempRepos();
const HUSKY = fileURLToPath(new URL('../../node_modules/husky', import.meta.url));

/** A server and a client whose origin it is, with a first clean commit already on the server. */
function setup(): { server: TestRepo; client: TestRepo } {
  const server = repo({ bare: true });
  const client = repo();
  client.git('remote', 'add', 'origin', server.path);
  client.commit('init', { 'README.md': 'hello\n' });
  expect(push(client, '-q', 'origin', 'main').code).toBe(0);
  return { server, client };
}

const refs = (r: TestRepo): string => r.git('for-each-ref');
const ANSI = /\x1b\[/;

describe('pre-receive on a bare server', () => {
  it('refuses the whole push when only the second ref brings a token; server refs and objects unchanged', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    client.git('checkout', '-q', '-b', 'a');
    client.commit('clean', { 'a.txt': 'a\n' });
    client.git('checkout', '-q', '-b', 'b', 'main');
    const t = f.ntn();
    client.commit('leak', { 'config/.env': `NOTION_TOKEN=${t}\n` });
    const blob = client.git('rev-parse', 'HEAD:config/.env').trim();
    const before = refs(server);
    const r = push(client, 'origin', 'a', 'b');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: push refused: 1 Notion token/);
    expect(r.out).toMatch(new RegExp(`remote: notion-guard: refs/heads/b ${client.git('rev-parse', 'HEAD').trim().slice(0, 12)} config/.env:1 notion-api-token ntn_`));
    expect(r.out).not.toContain(t);
    expect(r.out).not.toMatch(ANSI);
    expect(refs(server)).toBe(before);
    expect(hasObject(server, blob)).toBe(false);
  });

  it('accepts a clean push and says so in one line', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    client.commit('more', { 'b.txt': 'b\n' });
    const r = push(client, 'origin', 'main');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: no Notion tokens in this push \(1 commit, 1 file version scanned\)/);
  });

  it('accepts a new branch whose older history, already on the server, holds a token; and a deletion; and a force-push that removes a leak', () => {
    const { server, client } = setup();
    client.commit('old leak', { '.env': `T=${f.ntn()}\n` });
    client.commit('fix', { '.env': 'T=\n' });
    expect(push(client, '-q', 'origin', 'main').code).toBe(0); // before the hook: the past
    installHook(server.path, 'pre-receive');
    client.git('checkout', '-q', '-b', 'feature');
    client.commit('work', { 'w.txt': 'w\n' });
    const r = push(client, 'origin', 'feature');
    expect(r.code, r.out).toBe(0);
    expect(push(client, 'origin', ':feature').code).toBe(0);
    expect(refs(server)).not.toContain('refs/heads/feature');
    // Rewrite main without the leak: nothing new brings a token.
    client.git('checkout', '-q', 'main');
    client.git('reset', '-q', '--hard', 'HEAD~2');
    client.commit('redo', { 'ok.txt': 'ok\n' });
    const forced = push(client, '--force', 'origin', 'main');
    expect(forced.code, forced.out).toBe(0);
  });

  it('refuses a force-push that brings a token, keeping the old tip', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    const tip = server.git('rev-parse', 'main').trim();
    client.git('commit', '-q', '--amend', '-m', 'init again');
    client.commit('leak', { 'x.py': `TOKEN = "${f.legacy()}"\n` });
    expect(push(client, '--force', 'origin', 'main').code).not.toBe(0);
    expect(server.git('rev-parse', 'main').trim()).toBe(tip);
  });

  it('tags: a lightweight tag on a token commit, and an annotated tag with a token in its message, are refused', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    client.git('checkout', '-q', '-b', 'side');
    client.commit('leak', { 'k.env': `K=${f.ntn()}\n` });
    client.git('tag', 'light');
    client.git('checkout', '-q', 'main');
    const light = push(client, 'origin', 'light');
    expect(light.code).not.toBe(0);
    expect(light.out).toMatch(/remote: notion-guard: refs\/tags\/light [0-9a-f]{12} k\.env:1 /);
    const t = f.ntn();
    client.git('tag', '-a', 'v1', '-m', `release\n\ntoken ${t}`);
    const ann = push(client, 'origin', 'v1');
    expect(ann.code).not.toBe(0);
    expect(ann.out).toMatch(/remote: notion-guard: refs\/tags\/v1 [0-9a-f]{12} \(tag message\):3 /);
    expect(ann.out).not.toContain(t);
    expect(refs(server)).not.toContain('refs/tags/');
  });

  it('a time budget that runs out refuses by default and allows with --on-timeout allow (loudly)', () => {
    const { server, client } = setup();
    client.commit('more', { 'b.txt': 'b\n' });
    installHook(server.path, 'pre-receive', ['--budget', '0.001']);
    const refused = push(client, 'origin', 'main');
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/remote: notion-guard: push refused: the scan did not finish within its time budget of 0\.001 s/);
    installHook(server.path, 'pre-receive', ['--budget', '0.001', '--on-timeout', 'allow']);
    const allowed = push(client, 'origin', 'main');
    expect(allowed.code, allowed.out).toBe(0);
    expect(allowed.out).toMatch(/remote: notion-guard: WARNING: time budget of 0\.001 s ran out: push ACCEPTED WITHOUT A COMPLETE SCAN/);
  });

  it('push option notion-guard.skip bypasses only when the server allows it, and is always logged', () => {
    const { server, client } = setup();
    server.git('config', 'receive.advertisePushOptions', 'true');
    installHook(server.path, 'pre-receive');
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    const denied = push(client, '-o', 'notion-guard.skip', 'origin', 'main');
    expect(denied.code).not.toBe(0);
    expect(denied.out).toMatch(/remote: notion-guard: push option notion-guard.skip ignored: this server does not allow skipping/);
    // A token-bearing commit cannot enable the bypass with a config file of its own.
    client.commit('try', { '.notion-guard.toml': '[allowlist]\npaths = ["**"]\n' });
    expect(push(client, '-o', 'notion-guard.skip', 'origin', 'main').code).not.toBe(0);
    server.git('config', 'notion-guard.allowSkip', 'true');
    const skipped = push(client, '-o', 'notion-guard.skip=incident 42', 'origin', 'main');
    expect(skipped.code, skipped.out).toBe(0);
    expect(skipped.out).toMatch(/remote: notion-guard: SKIPPED: push option notion-guard.skip from .* \(reason: incident 42\): 1 ref accepted without a scan \(refs\/heads\/main\)/);
  });

  it('--allow-skip on the hook line enables the bypass too', () => {
    const { server, client } = setup();
    server.git('config', 'receive.advertisePushOptions', 'true');
    installHook(server.path, 'pre-receive', ['--allow-skip']);
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    expect(push(client, 'origin', 'main').code).not.toBe(0);
    const r = push(client, '-o', 'notion-guard.skip', 'origin', 'main');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SKIPPED/);
  });

  it('run by hand on a bare repository, --format json names the ref of each finding, redacted', () => {
    const { server, client } = setup();
    const base = client.git('rev-parse', 'HEAD').trim();
    const t = f.ntn();
    const tip = client.commit('leak', { 'x.env': `T=${t}\n` });
    // The objects are on the server but on no ref: what a hook sees inside git's quarantine.
    expect(push(client, '-q', 'origin', 'HEAD:refs/heads/tmp').code).toBe(0);
    server.git('update-ref', '-d', 'refs/heads/tmp');
    const r = runCli(['pre-receive', '--format', 'json'], { cwd: server.path, input: `${base} ${tip} refs/heads/main\n` });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: { ref: string; file: string; secret: string; commit: { sha: string } }[] };
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ref: 'refs/heads/main', file: 'x.env', commit: { sha: tip } });
    expect(r.stdout).not.toContain(t);
  });

  it('bad hook input and a bad --budget are one-line usage errors (exit 2); empty input passes', () => {
    const { server } = setup();
    const sha = server.git('rev-parse', 'main').trim();
    for (const input of ['garbage\n', `${sha} --all refs/heads/x\n`, `${sha} ${'0'.repeat(40)}\n`, `-${sha.slice(1)} ${sha} refs/heads/x\n`]) {
      const r = runCli(['pre-receive'], { cwd: server.path, input });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^notion-guard: error: hook input line 1: [^\n]*\n$/);
    }
    const missing = runCli(['pre-receive'], { cwd: server.path, input: `${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/x\n` });
    expect(missing.code).toBe(2);
    for (const b of ['0', '-1', 'abc', '4000', '1e3']) {
      const r = runCli(['pre-receive', '--budget', b], { cwd: server.path, input: '' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^notion-guard: error: --budget must be/);
    }
    expect(runCli(['pre-receive', '--budget', 'ghes'], { cwd: server.path, input: '' }).code).toBe(0);
    expect(runCli(['pre-receive'], { cwd: server.path, input: `${sha} ${'0'.repeat(40)} refs/heads/gone\n` }).code).toBe(0);
  });
});

describe('pre-receive with hostile and large pushes', () => {
  it('option-like ref names (--all, -x) are only printed, never read as options: the token is still found', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    const r = push(client, 'origin', 'HEAD:refs/heads/--all', 'HEAD:refs/heads/-x');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: refs\/heads\/--all [0-9a-f]{12} \.env:1 /);
    expect(refs(server)).not.toMatch(/--all|-x/);
  });

  it('a token used as a ref name is redacted in the remote: lines too', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    const inName = f.ntn();
    client.commit('leak', { 'a.env': `T=${f.ntn()}\n` });
    const r = push(client, 'origin', `HEAD:refs/heads/${inName}`);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: refs\/heads\/ntn_\w{4}… [0-9a-f]{12} a\.env:1 /);
    expect(r.out.split('\n').filter((l) => l.startsWith('remote:')).join('\n')).not.toContain(inName);
  });

  it('a pushed .notion-guard.toml in a non-bare server’s work tree cannot allowlist the next push', () => {
    const server = repo();
    server.commit('init', { 'README.md': 'x\n' });
    server.git('config', 'receive.denyCurrentBranch', 'updateInstead');
    installHook(join(server.path, '.git'), 'pre-receive');
    const client = repo();
    client.git('remote', 'add', 'origin', server.path);
    client.git('fetch', '-q', 'origin');
    client.git('checkout', '-q', '-B', 'main', 'origin/main');
    client.commit('config', { '.notion-guard.toml': '[allowlist]\npaths = ["**"]\n' });
    expect(push(client, 'origin', 'main').code).toBe(0);
    expect(readFileSync(join(server.path, '.notion-guard.toml'), 'utf8')).toContain('allowlist');
    client.commit('leak', { 'app.env': `T=${f.ntn()}\n` });
    const r = push(client, 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: refs\/heads\/main [0-9a-f]{12} app\.env:1 /);
  });

  it('a 10,000-commit push (git fast-import) is scanned and accepted within the default budget', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    const parts: string[] = [];
    const data = (x: string): string => `data ${Buffer.byteLength(x)}\n${x}\n`;
    for (let i = 1; i <= 10_000; i++) {
      parts.push(`commit refs/heads/main\ncommitter T <t@example.com> ${1700000000 + i} +0000\n${data(`c${i}`)}`);
      if (i === 1) parts.push('from refs/heads/main^0\n');
      parts.push(`M 100644 inline f${i % 100}.txt\n${data(`line ${i}\n`)}`);
    }
    const fi = spawnSync('git', ['fast-import', '--quiet'], { cwd: client.path, input: parts.join(''), encoding: 'utf8' });
    expect(fi.status, fi.stderr).toBe(0);
    const r = push(client, 'origin', 'main');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: notion-guard: no Notion tokens in this push \(10000 commits, 10000 file versions scanned\)/);
  });
});

describe('what is not file content: commit headers, file names, ref names', () => {
  it('pre-receive refuses a token in an extra commit header, a tagger line, a file name and a ref name', () => {
    const { server, client } = setup();
    installHook(server.path, 'pre-receive');
    const t = f.ntn();
    // An extra header, written with git itself (hash-object), as any tool may.
    const tree = client.git('rev-parse', 'HEAD^{tree}').trim();
    const parent = client.git('rev-parse', 'HEAD').trim();
    const body = `tree ${tree}\nparent ${parent}\nauthor a <a@e> 1700000000 +0000\ncommitter a <a@e> 1700000000 +0000\nx-note ${t}\n\nplain message\n`;
    const odd = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: client.path, input: body, encoding: 'utf8' }).stdout.trim();
    client.git('update-ref', 'refs/heads/hdr', odd);
    const a = push(client, 'origin', 'hdr');
    expect(a.code).not.toBe(0);
    expect(a.out).toContain('(commit header)');
    client.git('-c', `user.email=${f.ntn()}@x`, 'tag', '-a', 'v9', '-m', 'clean', 'main');
    expect(push(client, 'origin', 'v9').code).not.toBe(0);
    client.git('checkout', '-q', '-b', 'names', 'main');
    const named = f.ntn();
    client.commit('f', { [`${named}.txt`]: 'x\n' });
    const b = push(client, 'origin', 'names');
    expect(b.code).not.toBe(0);
    expect(b.out).not.toContain(named);
    const c = push(client, 'origin', `main:refs/heads/${f.ntn()}`);
    expect(c.code).not.toBe(0);
    expect(c.out).toContain('(ref name)');
    expect(server.git('for-each-ref', '--format=%(refname)').trim()).toBe('refs/heads/main');
  });

  it('history, staged and dir find a token in a file name', () => {
    const r = repo();
    r.commit('init', { 'README.md': 'x\n' });
    const t = f.ntn();
    r.write(`keys/${t}.txt`, 'a key file\n').git('add', '-A');
    const s = runCli(['staged', '--format', 'json'], { cwd: r.path });
    expect(s.code, s.stdout + s.stderr + r.git('status', '--porcelain')).toBe(1);
    expect(JSON.parse(s.stdout).findings.map((x: { inName?: boolean }) => x.inName)).toEqual([true]);
    r.git('commit', '-qm', 'named', '--no-verify');
    const h = runCli(['history'], { cwd: r.path });
    expect(h.code).toBe(1);
    expect(h.stdout).toContain('(in the file name)');
    expect(h.stdout + h.stderr).not.toContain(t);
    const d = runCli(['dir', 'keys', '--format', 'json'], { cwd: r.path });
    expect(JSON.parse(d.stdout).findings.map((x: { file: string; inName?: boolean }) => [x.file.startsWith('keys/'), x.inName])).toEqual([[true, true]]);
    expect(d.stdout).not.toContain(t);
  });
});

describe('pre-push on the developer’s machine', () => {
  it('catches a --no-verify commit that the pre-commit hook never saw; git push --no-verify skips it too', () => {
    const { server, client } = setup();
    client.write('.gitignore', 'node_modules/\n');
    installHook(join(client.path, '.git'), 'pre-push');
    const t = f.ntn();
    client.write('.env', `NOTION_TOKEN=${t}\n`).git('add', '.env');
    client.git('commit', '-q', '--no-verify', '-m', 'oops');
    const before = refs(server);
    const r = push(client, 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('.env:1:14');
    expect(r.out).toContain('The push was stopped: the token is committed but not pushed yet.');
    expect(r.out).toContain('git commit --amend');
    expect(r.out).not.toContain(t);
    expect(refs(server)).toBe(before);
    expect(push(client, '--no-verify', 'origin', 'main').code).toBe(0);
  });

  it('scans every ref: the token only on the second; advice names git rebase -i for an older commit', () => {
    const { client } = setup();
    installHook(join(client.path, '.git'), 'pre-push');
    client.git('checkout', '-q', '-b', 'one');
    client.commit('clean', { 'a.txt': 'a\n' });
    client.git('checkout', '-q', '-b', 'two', 'main');
    const leak = client.commit('leak', { 'app.ts': `const t = "${f.ntn()}";\n` });
    client.commit('later', { 'later.txt': 'x\n' });
    const r = push(client, 'origin', 'one', 'two');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('ref     refs/heads/two');
    expect(r.out).toContain(`git rebase -i ${leak.slice(0, 12)}~1`);
    expect(r.out).not.toContain('refs/heads/one');
  });

  it('a push to a pushurl other than the fetch URL, or to a remote whose name prefixes another’s, scans what that server lacks', () => {
    const { client } = setup();
    const t = f.ntn();
    client.git('checkout', '-q', '-b', 'feat');
    client.commit('leak', { e: `k=${t}\n` });
    expect(push(client, '-q', '--no-verify', 'origin', 'feat').code).toBe(0);
    installHook(join(client.path, '.git'), 'pre-push');
    // Pushes go elsewhere now: origin's tracking refs say nothing about that server.
    const pub = repo({ bare: true });
    const other = repo({ bare: true });
    {
      client.git('remote', 'set-url', '--push', 'origin', pub.path);
      client.git('checkout', '-q', '-b', 'feat2');
      client.commit('more', { y: 'y\n' });
      const r = push(client, 'origin', 'feat2');
      expect(r.code).not.toBe(0);
      expect(pub.git('for-each-ref')).toBe('');
      // A remote "a" and a remote "a/b": a/b's tracking refs are not a's.
      client.git('remote', 'set-url', '--delete', '--push', 'origin', pub.path);
      client.git('remote', 'add', 'a', other.path);
      client.git('remote', 'add', 'a/b', pub.path);
      expect(push(client, '-q', '--no-verify', 'a/b', 'feat').code).toBe(0);
      expect(push(client, 'a', 'feat').code).not.toBe(0);
      expect(other.git('for-each-ref')).toBe('');
    }
  });

  it('a new branch whose older history is on the remote (tracking refs) passes; a deletion passes', () => {
    const { client } = setup();
    client.commit('old leak', { '.env': `T=${f.ntn()}\n` });
    client.commit('fix', { '.env': 'T=\n' });
    expect(push(client, '-q', 'origin', 'main').code).toBe(0);
    installHook(join(client.path, '.git'), 'pre-push');
    client.git('checkout', '-q', '-b', 'feature');
    client.commit('work', { 'w.txt': 'w\n' });
    const r = push(client, 'origin', 'feature');
    expect(r.code, r.out).toBe(0);
    expect(push(client, 'origin', ':feature').code).toBe(0);
  });

  it('a force-push over a remote commit this clone never fetched is scanned as a new ref', () => {
    const { server, client } = setup();
    const other = repo();
    other.git('remote', 'add', 'origin', server.path);
    other.git('fetch', '-q', 'origin');
    other.git('checkout', '-q', '-b', 'main', 'origin/main');
    other.commit('theirs', { 'o.txt': 'o\n' });
    expect(push(other, '-q', 'origin', 'main').code).toBe(0);
    installHook(join(client.path, '.git'), 'pre-push');
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    const r = push(client, '--force', 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('.env:1:3');
  });

  it('pushing to a URL (no remote name, no tracking refs): all history of what is pushed is scanned', () => {
    const { client } = setup();
    client.commit('old leak', { '.env': `T=${f.ntn()}\n` });
    client.commit('fix', { '.env': 'T=\n' });
    expect(push(client, '-q', 'origin', 'main').code).toBe(0);
    installHook(join(client.path, '.git'), 'pre-push');
    const mirror = repo({ bare: true });
    const r = push(client, `file://${mirror.path}`, 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/has no remote-tracking refs here: scanning all history/);
  });

  it('empty stdin passes; a malformed line is a one-line error', () => {
    const { client } = setup();
    expect(runCli(['pre-push', 'origin', 'x'], { cwd: client.path, input: '' }).code).toBe(0);
    const bad = runCli(['pre-push', 'origin', 'x'], { cwd: client.path, input: 'refs/heads/main HEAD refs/heads/main 0\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^notion-guard: error: hook input line 1: the local sha is not a 40- or 64-digit hex object name\n$/);
  });

  it('history accepts ^sha exclusions', () => {
    const { client } = setup();
    const base = client.git('rev-parse', 'HEAD').trim();
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    const r = runCli(['history', 'HEAD', `^${base}`, '--format', 'json'], { cwd: client.path });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { stats: { commits: number } }).stats.commits).toBe(1);
    expect(runCli(['history', 'HEAD', `^HEAD`], { cwd: client.path }).code).toBe(0);
  });
});

describe('install --hook pre-push', () => {
  function project(): { server: TestRepo; client: TestRepo } {
    const s = setup();
    s.client.write('package.json', '{"name":"app","version":"1.0.0","private":true}\n');
    mkdirSync(join(s.client.path, 'node_modules/.bin'), { recursive: true });
    symlinkSync(CLI, join(s.client.path, 'node_modules/.bin/notion-guard'));
    s.client.write('.gitignore', 'node_modules/\n');
    s.client.commit('project');
    return s;
  }

  it('writes .git/hooks/pre-push that passes git’s arguments and stdin; the push is refused', () => {
    const { client } = project();
    const inst = runCli(['install', '--hook', 'pre-push'], { cwd: client.path });
    expect(inst.code, inst.stderr).toBe(0);
    expect(readFileSync(join(client.path, '.git/hooks/pre-push'), 'utf8')).toBe('#!/bin/sh\n./node_modules/.bin/notion-guard pre-push "$@" || exit $?\n');
    expect(runCli(['install', '--hook', 'pre-push'], { cwd: client.path }).stdout).toMatch(/already installed/);
    client.commit('leak', { 'src/c.ts': `export const t = "${f.ntn()}";\n` });
    const r = push(client, 'origin', 'main');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('src/c.ts:1:');
  });

  it('with husky: .husky/pre-push, run by husky on a real push', () => {
    const { client } = project();
    symlinkSync(HUSKY, join(client.path, 'node_modules/husky'));
    const h = spawnSync(process.execPath, [join(HUSKY, 'bin.js')], { cwd: client.path, encoding: 'utf8' });
    expect(h.status, h.stderr).toBe(0);
    expect(runCli(['install', '--hook', 'pre-push'], { cwd: client.path }).code).toBe(0);
    expect(readFileSync(join(client.path, '.husky/pre-push'), 'utf8')).toBe('./node_modules/.bin/notion-guard pre-push "$@" || exit $?\n');
    expect(existsSync(join(client.path, '.git/hooks/pre-push'))).toBe(false);
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    expect(push(client, 'origin', 'main').code).not.toBe(0);
    client.git('reset', '-q', '--hard', 'HEAD~1');
    client.commit('fine', { 'ok.txt': 'ok\n' });
    const ok = push(client, 'origin', 'main');
    expect(ok.code, ok.out).toBe(0);
  });

  it('leaves an existing pre-push hook that runs other commands alone (only one can read stdin)', () => {
    const { client } = project();
    const hook = join(client.path, '.git/hooks/pre-push');
    writeFileSync(hook, '#!/bin/sh\ngit lfs pre-push "$@"\n');
    chmodSync(hook, 0o755);
    const r = runCli(['install', '--hook', 'pre-push'], { cwd: client.path });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already runs other commands.*the hook was not changed\n$/);
    expect(readFileSync(hook, 'utf8')).toBe('#!/bin/sh\ngit lfs pre-push "$@"\n');
  });
});
