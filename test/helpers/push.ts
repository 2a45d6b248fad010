/** A bare server repository with a real hook, and clients that push to it with a real `git push`. */
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from './cli.js';
import type { TestRepo } from './git-repo.js';

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Write an executable hook that runs the built CLI with these arguments. */
export function installHook(gitDir: string, name: 'pre-receive' | 'pre-push', args: readonly string[] = []): void {
  const file = join(gitDir, 'hooks', name);
  const pass = name === 'pre-push' ? ' "$@"' : '';
  writeFileSync(file, `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(CLI)} ${name}${pass} ${args.map(sh).join(' ')}\n`);
  chmodSync(file, 0o755);
}

export interface PushResult {
  code: number;
  out: string;
}

export function push(client: TestRepo, ...args: string[]): PushResult {
  const r = spawnSync('git', ['push', ...args], { cwd: client.path, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1' } });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Whether the repository's object store holds this object (quarantine drops a refused push's objects). */
export function hasObject(repo: TestRepo, id: string): boolean {
  return spawnSync('git', ['cat-file', '-e', id], { cwd: repo.path }).status === 0;
}
