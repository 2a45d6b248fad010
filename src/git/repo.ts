/** Questions about the repository: where it is, whether it has commits, whether it is shallow. */
import { statSync } from 'node:fs';
import { NotionGuardError } from '../errors.js';
import { git, gitText } from './exec.js';

export interface Repo {
  /** Directory git commands run in (the user's cwd or --repo). */
  cwd: string;
  top: string;
  /** HEAD's commit as `openRepo` found it; undefined before the first commit (or from other openers). */
  head?: string;
}

/** The folder git is to run in, checked first: spawning in a missing one reads as "git not found". */
export function assertFolder(cwd: string): void {
  let st;
  try {
    st = statSync(cwd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotionGuardError('usage', code === 'ENOENT' ? `no such folder: ${cwd}` : `cannot open the folder ${cwd} (${code ?? 'error'})`);
  }
  if (!st.isDirectory()) throw new NotionGuardError('usage', `not a folder: ${cwd}`);
}

/** A work tree's repository, and its HEAD commit in the same git call (the hook's time is mostly spawns). */
export async function openRepo(cwd: string): Promise<Repo> {
  assertFolder(cwd);
  // Exit 1 with the top printed: no commit yet (`--verify -q` prints nothing for an unborn HEAD).
  const r = await git(['rev-parse', '--show-toplevel', '--verify', '-q', 'HEAD^{commit}'], { cwd, okCodes: [1, 128] }).catch((e: unknown) => {
    if (e instanceof NotionGuardError && /not found on PATH/.test(e.message)) throw e;
    throw new NotionGuardError('git', `not a git repository: ${cwd}`);
  });
  if (r.code === 128) throw new NotionGuardError('git', `not a git repository (or any parent up to /): ${cwd}`);
  // The top is a path and may hold any byte but NUL, newlines included: HEAD is the last line.
  const out = r.stdout.toString('utf8').replace(/\n$/, '');
  const head = r.code === 0 ? /\n([0-9a-f]{40,64})$/.exec(out)?.[1] : undefined;
  if (r.code === 0 && !head) throw new NotionGuardError('git', `git rev-parse gave an unexpected answer in ${cwd}`);
  const top = head ? out.slice(0, out.length - head.length - 1) : out;
  if (top === '') throw new NotionGuardError('git', `not inside a work tree: ${cwd} (a bare repository? use "history")`);
  return { cwd, top, ...(head ? { head } : {}) };
}

/** Open for history scans, which also work in bare repositories. */
export async function openRepoForHistory(cwd: string): Promise<Repo> {
  assertFolder(cwd);
  const r = await git(['rev-parse', '--git-dir'], { cwd, okCodes: [128] });
  if (r.code !== 0) throw new NotionGuardError('git', `not a git repository (or any parent up to /): ${cwd}`);
  return { cwd, top: cwd };
}

/** The work tree's top, which git paths are relative to; a bare repository's own folder. */
export async function workTreeTop(repo: Repo): Promise<string> {
  const r = await git(['rev-parse', '--show-toplevel'], { cwd: repo.cwd, okCodes: [128] });
  const top = r.code === 0 ? r.stdout.toString('utf8').trim() : '';
  return top || repo.cwd;
}

export async function isShallow(repo: Repo): Promise<boolean> {
  return (await gitText(['rev-parse', '--is-shallow-repository'], { cwd: repo.cwd })) === 'true';
}

/**
 * A boolean from git config (`git config --type=bool`), false when unset. On a server this is the
 * admin's config (system, global, the repository's own): nothing a push carries can set it.
 */
export async function configFlag(repo: Repo, key: string): Promise<boolean> {
  const r = await git(['config', '--type=bool', '--get', key], { cwd: repo.cwd, okCodes: [1] });
  return r.code === 0 && r.stdout.toString('utf8').trim() === 'true';
}
