/**
 * What a history scan reads, as async iterators over `git rev-list`: the objects (blobs and
 * annotated tags, with the path they were listed under) and the commits of the given revisions.
 * Missing objects are yielded, not fatal (`--missing=print`), so one lost blob is named while
 * everything else is still scanned; and in a partial clone rev-list then never fetches lazily.
 */
import { NotionGuardError } from '../errors.js';
import { GIT_MISSING, gitError, gitMissing, spawnGit } from './exec.js';
import { separatedBatches } from './separated-batches.js';
import type { Repo } from './repo.js';

export type ListedObject = { id: string; path: string; missing?: false } | { id: string; missing: true };

/**
 * A git command's output as batches of whole lines, one batch per chunk read: a history lists an
 * object per line, and one await per line (with a write to cat-file per line) was a fifth of the
 * main thread's time in a history scan. Throws git's own error if it fails (after the last line).
 */
export async function* gitLineBatches(repo: Repo, args: readonly string[]): AsyncGenerator<string[]> {
  const child = spawnGit(args, repo.cwd);
  child.stdin.end();
  let stderr = '';
  let spawnError: Error | undefined;
  child.on('error', (e) => (spawnError = e));
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 128)));
  try {
    yield* separatedBatches(child.stdout, '\n');
    const code = await closed;
    if (spawnError) throw new NotionGuardError('git', gitMissing(spawnError) ? GIT_MISSING : `cannot run git: ${spawnError.message}`);
    if (code !== 0) throw gitError(args, stderr, `exit ${code}`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** The lines of a git command's output, one by one (see gitLineBatches). */
export async function* gitLines(repo: Repo, args: readonly string[]): AsyncGenerator<string> {
  for await (const lines of gitLineBatches(repo, args)) yield* lines;
}

/**
 * Blobs and tag objects reachable from `revs` (trees are not needed: rev-list walks them), in
 * batches as rev-list writes them.
 */
export async function* listObjects(repo: Repo, revs: readonly string[]): AsyncGenerator<ListedObject[]> {
  let last: { id: string; path: string } | undefined;
  for await (const lines of gitLineBatches(repo, ['rev-list', '--objects', '--missing=print', '--filter=object:type=blob', ...revs, '--'])) {
    const batch: ListedObject[] = [];
    for (const line of lines) {
      const m = /^([0-9a-f]{40,64}) (.*)$/.exec(line);
      if (m) {
        if (last) batch.push(last);
        last = { id: m[1]!, path: m[2]! };
      } else if (/^\?[0-9a-f]{40,64}$/.test(line)) {
        batch.push({ id: line.slice(1), missing: true });
      } else if (!/^[0-9a-f]{40,64}$/.test(line) && last) {
        // rev-list does not quote paths: a newline inside a name continues the previous line.
        last.path += `\n${line}`;
      }
    }
    // The newest object is held back until the next line shows its path is complete.
    if (batch.length > 0) yield batch;
  }
  if (last) yield [last];
}

/**
 * Every missing object reachable from `revs`, trees included. The blob listing above cannot say:
 * with `--filter=object:type=blob` rev-list drops the `?` lines of missing trees, and the blobs
 * under a missing tree are then simply never listed (a treeless clone, a lost subtree).
 */
export async function missingObjects(repo: Repo, revs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const lines of gitLineBatches(repo, ['rev-list', '--objects', '--missing=print', ...revs, '--'])) {
    for (const line of lines) if (line.startsWith('?')) out.push(line.slice(1));
  }
  return out;
}

/** The commits of `revs` (for their messages), in batches. */
export async function* listCommits(repo: Repo, revs: readonly string[]): AsyncGenerator<string[]> {
  for await (const lines of gitLineBatches(repo, ['rev-list', ...revs, '--'])) yield lines.filter((l) => l !== '');
}
