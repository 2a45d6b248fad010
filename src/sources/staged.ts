/**
 * The `staged` scan: the index version of each added or modified file, with only the lines the
 * commit adds counting. Honours GIT_INDEX_FILE (git hands hooks a temporary index for `commit -a`
 * and `commit PATH`) simply by passing the environment through to git.
 */
import type { Detector } from '../engine/detect.js';
import { BlobScanner } from '../git/blob-scan.js';
import { lineFilterFor, type StagedEntry } from '../git/diff.js';
import type { Repo } from '../git/repo.js';
import type { Finding, ScanStats } from '../types.js';

export async function scanStaged(repo: Repo, listed: Promise<StagedEntry[]>, detector: Detector, stats: ScanStats): Promise<Finding[]> {
  // Submodules (mode 160000) have no content here; entries with no added line cannot add a token.
  const entries = (await listed).filter((e) => e.added.length > 0 && e.mode !== '160000');
  if (entries.length === 0) return [];
  const blobs = new BlobScanner(repo, detector, stats);
  const requests = entries.map((e) => [e.blob, { path: e.path, lineFilter: lineFilterFor(e.added) }] as [string, { path: string; lineFilter: (l: number) => boolean }]);
  // Write in slices, honouring backpressure: thousands of staged files must not buffer unbounded.
  for (let i = 0; i < requests.length; i += 256) {
    if (!blobs.request(requests.slice(i, i + 256))) await new Promise<void>((r) => blobs.drain(r));
  }
  blobs.end();
  return blobs.done;
}
