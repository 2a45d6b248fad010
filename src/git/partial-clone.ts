/**
 * Partial clones (`--filter=blob:none`, common in CI) lack most blobs; git would fetch each one
 * lazily as it is read, one process per blob (minutes for a real project). Instead the blobs a
 * scan needs are fetched in one batch, the way git's own promisor code asks for many at once.
 */
import { git, gitText } from './exec.js';
import type { Repo } from './repo.js';

/** The promisor remote's name, when this repository is a partial clone. */
export async function promisorRemote(repo: Repo): Promise<string | undefined> {
  const r = await git(['config', '--get', 'extensions.partialClone'], { cwd: repo.cwd, okCodes: [1] });
  const name = r.stdout.toString('utf8').trim();
  if (r.code === 0 && name !== '') return name;
  const any = await gitText(['config', '--get-regexp', '^remote\\..*\\.promisor$'], { cwd: repo.cwd, okCodes: [1] });
  const m = /^remote\.(.+)\.promisor true$/m.exec(any);
  return m ? m[1] : undefined;
}

/** Fetch these objects from the promisor remote in one request. */
export async function fetchObjects(repo: Repo, remote: string, ids: readonly string[]): Promise<void> {
  await git(
    [
      // exec.ts's overrides keep ssh, proxy, askpass and credential helpers the repository names
      // from running; a noop negotiation asks for exactly these objects.
      '-c', 'fetch.negotiationAlgorithm=noop',
      // remote.<name>.uploadpack is a command the repository names (and its first value wins over
      // -c): the explicit option replaces it.
      'fetch', '--upload-pack=git-upload-pack', remote, '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', '--no-auto-gc', '--no-write-commit-graph', '--stdin',
    ],
    { cwd: repo.cwd, input: `${ids.join('\n')}\n` },
  );
}
