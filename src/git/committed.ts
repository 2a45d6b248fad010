/**
 * Whether a token found in the index is already in history: committed with --no-verify, then its
 * line edited and staged again. The advice differs (rotate now; amend or rebase if unpushed; purge
 * after rotating if pushed), so the block message must not say "not committed yet" when it is.
 *
 * The token never goes on a command line (no `git log -S`, `git grep -e`): command lines are
 * visible to every user of the machine. The path's past versions are read and searched here.
 */
import { git, gitText } from './exec.js';
import type { Repo } from './repo.js';
import type { Committed } from '../types.js';

/** How far back a path's history is searched; a blocked commit is no place for a long wait. */
const MAX_VERSIONS = 50;
const MAX_BLOB = 16 * 1024 * 1024;

async function blobHas(repo: Repo, spec: string, secret: string): Promise<boolean> {
  const size = await git(['cat-file', '-s', spec], { cwd: repo.cwd, okCodes: [128] });
  if (size.code !== 0 || Number(size.stdout.toString('utf8')) > MAX_BLOB) return false;
  const blob = await git(['cat-file', 'blob', spec], { cwd: repo.cwd, okCodes: [128] });
  return blob.code === 0 && blob.stdout.includes(secret);
}

async function introducedIn(repo: Repo, path: string, secret: string): Promise<string | undefined> {
  // Index paths are from the top and literal: a name like `:(exclude)x` is a file, not pathspec magic.
  const log = await git(['rev-list', `--max-count=${MAX_VERSIONS}`, 'HEAD', '--', `:(top,literal)${path}`], { cwd: repo.cwd, okCodes: [128] });
  if (log.code !== 0) return undefined;
  const commits = log.stdout.toString('utf8').split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  let oldest: string | undefined;
  // Newest first: HEAD's version is the newest commit's; walk back while the token is still there.
  for (const c of commits) {
    if (!(await blobHas(repo, `${c}:${path}`, secret))) break;
    oldest = c;
  }
  return oldest;
}

/** For each token (by secret) already committed at one of its paths, where. Never throws: advice only. */
export async function findCommitted(repo: Repo, found: readonly { file: string; secret: string }[], knownHead?: string): Promise<Map<string, Committed>> {
  const out = new Map<string, Committed>();
  if (found.length === 0) return out;
  try {
    const head = knownHead ?? (await gitText(['rev-parse', 'HEAD'], { cwd: repo.cwd }));
    for (const f of found) {
      if (out.has(f.secret)) continue;
      const sha = await introducedIn(repo, f.file, f.secret);
      if (!sha) continue;
      const remote = await gitText(['for-each-ref', '--count=1', '--contains', sha, '--format=%(refname:short)', 'refs/remotes'], { cwd: repo.cwd, okCodes: [129] });
      const short = (await gitText(['rev-parse', '--short', sha], { cwd: repo.cwd })) || sha.slice(0, 7);
      // A root commit has no parent to rebase onto (`SHA~1` would not exist): --root then.
      const isRoot = (await gitText(['rev-list', '--parents', '-n', '1', sha], { cwd: repo.cwd })).trim().split(' ').length === 1;
      out.set(f.secret, { sha: short, ...(remote ? { pushedTo: remote } : {}), ...(sha === head ? { isHead: true } : {}), ...(isRoot ? { isRoot: true } : {}) });
    }
  } catch {
    // Whatever git says here, the commit is blocked all the same; the advice just stays general.
  }
  return out;
}
