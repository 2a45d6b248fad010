/**
 * Who introduced a blob: walk the commits of the scanned revisions once (`git log --raw`, no
 * content diffs) and, for the blobs that had findings, keep the oldest commit and path that added
 * them, and count the other commits and paths that carry them. Runs only when there are findings,
 * so a clean history scan never pays for the tree diffs.
 */
import type { CommitInfo } from '../types.js';
import { git, gitError, spawnGit } from './exec.js';
import { separatedBatches } from './separated-batches.js';
import type { Repo } from './repo.js';

export interface Provenance {
  commit: string;
  path: string;
  commits: number;
  paths: Set<string>;
  /** Position of the introducing commit in topological order, newest first (higher is older). */
  age: number;
}

/**
 * For each blob: the oldest commit, in topological order (parents always after children, whatever
 * the commit dates say), that added it, preferring a commit that is not a merge: a token made on a
 * branch is blamed on the branch's commit, not on the merge that brought it in.
 */
export async function findProvenance(repo: Repo, revs: readonly string[], blobs: ReadonlySet<string>): Promise<Map<string, Provenance>> {
  const out = new Map<string, Provenance>();
  const byMerge = new Map<string, Provenance>();
  // -m: a merge's changes against each parent; log.showRoot is forced on in exec.ts (root commits).
  const args = ['log', ...revs, '--topo-order', '--raw', '-z', '--no-abbrev', '-m', '--no-renames', '--format=%x01%H %P', '--'];
  const child = spawnGit(args, repo.cwd);
  let stderr = '';
  child.on('error', () => undefined); // a spawn failure surfaces as a non-zero close below
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let commit = '';
  let merge = false;
  let age = 0;
  // After a raw entry's meta field comes its path; `wanted` says whether that entry matters.
  let expectPath = false;
  let wanted: string | undefined;
  const seenInCommit = new Set<string>();
  const sighting = (map: Map<string, Provenance>, blob: string, path: string, counts: boolean): void => {
    const p = map.get(blob);
    if (!p) map.set(blob, { commit, path, commits: 1, paths: new Set([path]), age });
    else {
      // Newest first: each later sighting is older.
      p.commit = commit;
      p.age = age;
      p.path = path;
      p.paths.add(path);
      if (counts) p.commits++;
    }
  };
  for await (const fields of separatedBatches(child.stdout, '\0')) {
    for (let field of fields) {
      if (expectPath) {
        expectPath = false;
        const blob = wanted;
        if (blob === undefined) continue;
        const key = `${commit}\0${blob}`;
        const counts = !seenInCommit.has(key);
        seenInCommit.add(key);
        if (merge) sighting(byMerge, blob, field, counts);
        else sighting(out, blob, field, counts);
        continue;
      }
      if (field.startsWith('\n')) field = field.slice(1);
      if (field.startsWith('\x01')) {
        const [sha = '', ...parents] = field.slice(1).trim().split(' ');
        if (sha !== commit) {
          seenInCommit.clear();
          age++;
        }
        commit = sha;
        merge = parents.length > 1;
      } else if (field.startsWith(':')) {
        const parts = field.split(' ');
        const blob = parts[3];
        wanted = blob && blobs.has(blob) && parts[4] !== 'D' ? blob : undefined;
        expectPath = true;
      }
    }
  }
  const code: number = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (c) => resolve(c ?? 128))));
  if (code !== 0) throw gitError(args, stderr, `exit ${code}`);
  // Only a merge added it (an "evil merge", or a conflict resolution): blame the merge.
  for (const [blob, p] of byMerge) {
    const q = out.get(blob);
    if (!q) out.set(blob, p);
    else {
      q.commits += p.commits;
      for (const x of p.paths) q.paths.add(x);
    }
  }
  return out;
}

/** Author, email, date and subject of the given commits, in one git call. */
export async function commitInfo(repo: Repo, shas: readonly string[]): Promise<Map<string, CommitInfo>> {
  const out = new Map<string, CommitInfo>();
  if (shas.length === 0) return out;
  const r = await git(['log', '--no-walk=unsorted', '--stdin', '-z', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s'], { cwd: repo.cwd, input: `${shas.join('\n')}\n` });
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const [sha, author, email, date, message] = rec.replace(/^\n/, '').split('\x1f');
    if (sha && author !== undefined) out.set(sha, { sha, author, email: email ?? '', date: date ?? '', message: message ?? '' });
  }
  return out;
}
