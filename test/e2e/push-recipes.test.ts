/**
 * The README's push-hook recipes, run as written: each `<!-- recipe: NAME -->` block becomes a real
 * hook, with `notion-guard` (the built CLI) and a stand-in `git-lfs` on PATH, driven by a real `git push`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLI, tempDir } from '../helpers/cli.js';
import { tempRepos, type TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const ROOT = resolve(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const f = new TokenFactory(1617);
const repo = tempRepos();
const dirs: (() => void)[] = [];
afterEach(() => {
  while (dirs.length) dirs.pop()!();
});

function recipe(name: string): string {
  const m = new RegExp(`<!-- recipe: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!m) throw new Error(`README has no recipe ${name}`);
  return m[1]!;
}

/** A PATH with notion-guard on it, and a git-lfs that records the refs it was given. */
function binDir(): { path: string; lfsLog: string } {
  const d = tempDir('ng-bin-');
  dirs.push(d.cleanup);
  const lfsLog = join(d.path, 'lfs-stdin.txt');
  symlinkSync(CLI, join(d.path, 'notion-guard'));
  writeFileSync(join(d.path, 'git-lfs'), `#!/bin/sh\ncat > '${lfsLog}'\n`);
  chmodSync(join(d.path, 'git-lfs'), 0o755);
  return { path: d.path, lfsLog };
}

function hook(dir: string, name: string, text: string): void {
  const file = join(dir, 'hooks', name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

function pushWith(bin: string, client: TestRepo, ...args: string[]): { code: number; out: string } {
  const r = spawnSync('git', ['push', ...args], { cwd: client.path, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function setup(): { server: TestRepo; client: TestRepo; bin: ReturnType<typeof binDir> } {
  const server = repo({ bare: true });
  const client = repo();
  client.git('remote', 'add', 'origin', server.path);
  client.commit('init', { 'README.md': 'hi\n' });
  const bin = binDir();
  expect(pushWith(bin.path, client, '-q', 'origin', 'main').code).toBe(0);
  return { server, client, bin };
}

describe('README push-hook recipes, as written', () => {
  for (const name of ['pre-receive', 'pre-receive-ghes']) {
    it(`${name}: refuses a token, accepts a clean push`, () => {
      const { server, client, bin } = setup();
      hook(server.path, 'pre-receive', recipe(name));
      client.commit('leak', { '.env': `T=${f.ntn()}\n` });
      const refused = pushWith(bin.path, client, 'origin', 'main');
      expect(refused.code).not.toBe(0);
      expect(refused.out).toMatch(/remote: notion-guard: push refused/);
      client.git('reset', '-q', '--hard', 'HEAD~1');
      client.commit('fine', { 'ok.txt': 'ok\n' });
      const ok = pushWith(bin.path, client, 'origin', 'main');
      expect(ok.code, ok.out).toBe(0);
    });
  }

  it('pre-push-combined: notion-guard and the next command both get git’s refs', () => {
    const { client, bin } = setup();
    mkdirSync(join(client.path, 'node_modules/.bin'), { recursive: true });
    symlinkSync(CLI, join(client.path, 'node_modules/.bin/notion-guard'));
    client.write('.gitignore', 'node_modules/\n');
    hook(join(client.path, '.git'), 'pre-push', recipe('pre-push-combined'));
    client.commit('leak', { '.env': `T=${f.ntn()}\n` });
    const refused = pushWith(bin.path, client, 'origin', 'main');
    expect(refused.code).not.toBe(0);
    expect(refused.out).toContain('.env:1:3');
    client.git('reset', '-q', '--hard', 'HEAD~1');
    const tip = client.commit('fine', { 'ok.txt': 'ok\n' });
    const ok = pushWith(bin.path, client, 'origin', 'main');
    expect(ok.code, ok.out).toBe(0);
    expect(readFileSync(bin.lfsLog, 'utf8')).toMatch(new RegExp(`^refs/heads/main ${tip} refs/heads/main [0-9a-f]{40}\\n$`));
  });
});
