/** A real `git commit` running the hook that `notion-guard install` wrote, plain and with husky. */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, runCli } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(41);
const HUSKY = fileURLToPath(new URL('../../node_modules/husky', import.meta.url));
const repos: TestRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.cleanup();
});

/** A project that depends on notion-guard, as npm would lay it out. */
function project(): TestRepo {
  const r = new TestRepo();
  repos.push(r);
  r.write('package.json', '{"name":"app","version":"1.0.0","private":true}\n');
  mkdirSync(join(r.path, 'node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, join(r.path, 'node_modules/.bin/notion-guard'));
  r.write('.gitignore', 'node_modules/\n');
  r.commit('init');
  return r;
}

function commit(r: TestRepo, ...args: string[]) {
  return spawnSync('git', ['commit', '-m', 'change', ...args], { cwd: r.path, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('pre-commit hook through a real git commit', () => {
  it('install writes .git/hooks/pre-commit; a token is refused, a clean commit passes', () => {
    const r = project();
    const inst = runCli(['install'], { cwd: r.path });
    expect(inst.code).toBe(0);
    expect(readFileSync(join(r.path, '.git/hooks/pre-commit'), 'utf8')).toContain('notion-guard staged');
    const t = f.ntn();
    r.write('.env', `NOTION_TOKEN=${t}\n`).git('add', '.env');
    const refused = commit(r);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('.env:1:14');
    expect(refused.stdout + refused.stderr).not.toContain(t);
    expect(r.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    r.git('rm', '-q', '--cached', '.env');
    r.write('ok.txt', 'fine\n').git('add', 'ok.txt');
    expect(commit(r).status).toBe(0);
  });

  it('blocks git commit -a and git commit PATH (temporary index)', () => {
    const r = project();
    runCli(['install'], { cwd: r.path });
    r.commit('tracked', { 'app.cfg': 'a=1\n' });
    r.write('app.cfg', `a=1\ntoken=${f.ntn()}\n`);
    expect(commit(r, '-a').status).not.toBe(0);
    expect(commit(r, 'app.cfg').status).not.toBe(0);
  });

  it('is idempotent and appends to an existing hook without breaking it', () => {
    const r = project();
    const hook = join(r.path, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho existing-hook-ran\n');
    chmodSync(hook, 0o755);
    expect(runCli(['install'], { cwd: r.path }).code).toBe(0);
    expect(runCli(['install'], { cwd: r.path }).stdout).toMatch(/already installed/);
    const text = readFileSync(hook, 'utf8');
    expect(text.match(/notion-guard staged/g)).toHaveLength(1);
    expect(text.startsWith('#!/bin/sh\necho existing-hook-ran\n')).toBe(true);
    r.write('a.txt', 'x\n').git('add', 'a.txt');
    const ok = commit(r);
    expect(ok.status).toBe(0);
    expect(ok.stdout + ok.stderr).toContain('existing-hook-ran');
  });

  it('writes the hook where core.hooksPath says (no husky)', () => {
    const r = project();
    r.git('config', 'core.hooksPath', 'tools/git-hooks');
    expect(runCli(['install'], { cwd: r.path }).code).toBe(0);
    expect(readFileSync(join(r.path, 'tools/git-hooks/pre-commit'), 'utf8')).toMatch(/^#!\/bin\/sh\nnpx --no-install notion-guard staged\n$/);
    expect(existsSync(join(r.path, '.git/hooks/pre-commit'))).toBe(false);
    r.write('k.env', `K=${f.legacy()}\n`).git('add', 'k.env');
    expect(commit(r).status).not.toBe(0);
  });

  it('refuses to edit a hook it could not safely extend', () => {
    const r = project();
    const hook = join(r.path, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/usr/bin/env python3\nprint("hi")\n');
    const res = runCli(['install'], { cwd: r.path });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not a shell script/);
    expect(readFileSync(hook, 'utf8')).toBe('#!/usr/bin/env python3\nprint("hi")\n');
    writeFileSync(hook, '#!/bin/sh\nexec other-tool "$@"\n');
    expect(runCli(['install'], { cwd: r.path }).code).toBe(2);
  });

  it('with husky: adds the line to .husky/pre-commit and the husky hook blocks the commit', () => {
    const r = project();
    symlinkSync(HUSKY, join(r.path, 'node_modules/husky'));
    const h = spawnSync(process.execPath, [join(HUSKY, 'bin.js')], { cwd: r.path, encoding: 'utf8' });
    expect(h.status, h.stderr).toBe(0);
    expect(r.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    expect(runCli(['install'], { cwd: r.path }).code).toBe(0);
    expect(readFileSync(join(r.path, '.husky/pre-commit'), 'utf8')).toContain('notion-guard staged');
    expect(existsSync(join(r.path, '.git/hooks/pre-commit'))).toBe(false);
    r.write('src/config.ts', `export const token = "${f.ntn()}";\n`).git('add', '-A');
    const refused = commit(r);
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('src/config.ts:1:23');
  });
});
