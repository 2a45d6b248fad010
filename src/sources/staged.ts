/**
 * The `staged` source: the index version of each added or modified file, with only the lines the
 * commit adds counting. Honours GIT_INDEX_FILE (git hands hooks a temporary index for `commit -a`
 * and `commit PATH`) simply by passing the environment through to git.
 */
import type { SourceItem } from '../types.js';
import { CatFile } from '../git/cat-file.js';
import { lineFilterFor, stagedEntries, type StagedEntry } from '../git/diff.js';
import type { Repo } from '../git/repo.js';

export async function* stagedSource(repo: Repo, listed?: Promise<StagedEntry[]>): AsyncIterable<SourceItem> {
  const entries = (await (listed ?? stagedEntries(repo))).filter((e) => e.added.length > 0 && e.mode !== '160000');
  if (entries.length === 0) return;
  const cat = new CatFile(repo);
  try {
    const writing = (async () => {
      for (const e of entries) await cat.request(e.blob);
      cat.endRequests();
    })();
    for (const e of entries) {
      const header = await cat.next();
      yield { path: e.path, blob: e.blob, lineFilter: lineFilterFor(e.added), read: () => cat.content(header.size) };
    }
    await writing;
  } finally {
    cat.close();
  }
}
