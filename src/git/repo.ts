/** Questions about the repository: where it is, whether it has commits, whether it is shallow. */
import { statSync } from 'node:fs';
import { NotionGuardError } from '../errors.js';
import { git, gitText } from './exec.js';

export interface Repo {
  /** Directory git commands run in (the user's cwd or --repo). */
  cwd: string;
  top: string;
}

/** The folder git is to run in, checked first: spawning in a missing one reads as "git not found". */
function assertFolder(cwd: string): void {
  let st;
  try {
    st = statSync(cwd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotionGuardError('usage', code === 'ENOENT' ? `no such folder: ${cwd}` : `cannot open the folder ${cwd} (${code ?? 'error'})`);
  }
  if (!st.isDirectory()) throw new NotionGuardError('usage', `not a folder: ${cwd}`);
}

export async function openRepo(cwd: string): Promise<Repo> {
  assertFolder(cwd);
  const r = await git(['rev-parse', '--show-toplevel'], { cwd, okCodes: [128] }).catch((e: unknown) => {
    if (e instanceof NotionGuardError && /not found on PATH/.test(e.message)) throw e;
    throw new NotionGuardError('git', `not a git repository: ${cwd}`);
  });
  if (r.code !== 0) throw new NotionGuardError('git', `not a git repository (or any parent up to /): ${cwd}`);
  const top = r.stdout.toString('utf8').trim();
  if (top === '') throw new NotionGuardError('git', `not inside a work tree: ${cwd} (a bare repository? use "history")`);
  return { cwd, top };
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

export async function hasHead(repo: Repo): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], { cwd: repo.cwd, okCodes: [1] })).code === 0;
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
