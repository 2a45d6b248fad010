/**
 * The README's lint-staged recipe, run as written with the real lint-staged from a real `git commit`:
 * lint-staged appends the staged file names to the command, which `staged` accepts and ignores (the
 * whole index is scanned, so a task glob that matches only *.js cannot let a .env through).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';

const REPO = resolve(__dirname, '../..');
const f = new TokenFactory(93);

function project(glob: string): TestRepo {
  const r = new TestRepo();
  r.write('package.json', JSON.stringify({ name: 'app', private: true, 'lint-staged': { [glob]: 'notion-guard staged --quiet' } }, null, 2));
  r.write('.gitignore', 'node_modules/\n');
  mkdirSync(join(r.path, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(REPO, 'dist/bin/cli.js'), join(r.path, 'node_modules', '.bin', 'notion-guard'));
  symlinkSync(join(REPO, 'node_modules/lint-staged'), join(r.path, 'node_modules', 'lint-staged'));
  const hook = join(r.path, '.git', 'hooks', 'pre-commit');
  writeFileSync(hook, '#!/bin/sh\nexec node node_modules/lint-staged/bin/lint-staged.js\n');
  chmodSync(hook, 0o755);
  return r;
}

const commit = (r: TestRepo) =>
  spawnSync('git', ['commit', '-m', 'change'], {
    cwd: r.path,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(r.path, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, GIT_CONFIG_NOSYSTEM: '1', CI: '1' },
  });

describe('lint-staged recipe', () => {
  it('a clean commit goes through: the appended file names are accepted', () => {
    const r = project('*');
    try {
      r.write('a.js', 'export const x = 1;\n').git('add', '-A');
      const c = commit(r);
      expect(c.status, c.stdout + c.stderr).toBe(0);
      expect(r.git('log', '--oneline').trim().split('\n')).toHaveLength(1);
    } finally {
      r.cleanup();
    }
  });

  it('a token blocks the commit, even in a file the task glob does not match', () => {
    const r = project('*.js');
    try {
      const t = f.ntn();
      r.write('a.js', 'export const x = 1;\n').write('.env', `NOTION_TOKEN=${t}\n`).git('add', '-A');
      const c = commit(r);
      expect(c.status).not.toBe(0);
      // lint-staged names the task that failed: ours.
      expect(c.stdout + c.stderr).toMatch(/notion-guard staged --quiet.*failed|✖ notion-guard staged/s);
      expect(c.stdout + c.stderr).not.toContain(t);
      expect(r.git('rev-list', '--all').trim()).toBe('');
    } finally {
      r.cleanup();
    }
  });
});
