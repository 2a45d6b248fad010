/**
 * The `history` scan: every unique blob reachable from the given revisions (default: all refs),
 * each scanned once however many commits carry it (the approach of Nosey Parker and Kingfisher),
 * then every commit message and annotated tag message. Objects are listed by git/rev-list.ts and
 * read through one git/cat-file.ts reader; provenance is attached afterwards (git/attribute.ts).
 *
 * A missing object is named and the rest still scanned. In a partial clone the missing blobs are
 * fetched in one batch first (or, with `noFetch`, named as not scanned).
 */
import type { Detector } from '../engine/detect.js';
import { CatFile, type ObjectSink } from '../git/cat-file.js';
import { fetchObjects, promisorRemote } from '../git/partial-clone.js';
import { listCommits, listObjects, missingObjects } from '../git/rev-list.js';
import type { Repo } from '../git/repo.js';
import { noteUnreadable, recordResult, tokensInName } from '../scan.js';
import type { Finding, ScanStats } from '../types.js';
import type { ItemResult } from '../scan.js';
import { fileSink, messageSink } from './object-scan.js';
import { BlobOffload, historyWorkerCount } from '../parallel/blob-offload.js';
import type { WorkerInit } from '../parallel/protocol.js';

export interface HistoryScanOptions {
  onBlob?: () => void;
  /** Partial clone: do not fetch missing blobs; scan the local ones and name the rest. */
  noFetch?: boolean;
  /** Told each thing that could not be scanned (also in stats.unreadable). */
  unreadable?: (message: string) => void;
  /** Told what the scan does besides reading (a batch fetch). */
  notice?: (message: string) => void;
  /** Add the commits listed to stats.commits (when the caller has not counted them already). */
  countCommits?: boolean;
  /** Scan blobs in worker threads too, once there are enough of them (see parallel/blob-offload.ts). */
  workerInit?: WorkerInit;
}

/** Blobs read before workers are started: a small push or history is done faster without them. */
const OFFLOAD_AFTER = 200;

export interface HistoryScan {
  findings: Finding[];
  /** Blobs that were missing and not scanned (named afterwards, with their paths, by the caller). */
  missing: string[];
  /** The promisor remote when this is a partial clone and blobs were missing. */
  promisor?: string;
}

export function scanHistory(repo: Repo, revs: readonly string[], detector: Detector, stats: ScanStats, opts: HistoryScanOptions = {}): Promise<HistoryScan> {
  return scanRevSets(repo, [revs], detector, stats, opts);
}

/**
 * The union of several rev-list argument sets (a push: one per ref), each object scanned once. The
 * sets are listed one after the other, never merged into one command line: a `^x` of one would
 * exclude from all.
 */
export async function scanRevSets(repo: Repo, sets: readonly (readonly string[])[], detector: Detector, stats: ScanStats, opts: HistoryScanOptions = {}): Promise<HistoryScan> {
  const findings: Finding[] = [];
  const missing: string[] = [];
  const fileDone = (r: ItemResult): void => {
    recordResult(stats, r);
    findings.push(...r.findings);
    opts.onBlob?.();
  };
  let offload: BlobOffload | undefined;
  let blobs = 0;
  const cat = new CatFile(repo.cwd);
  const objectSink = (id: string, path: string): ObjectSink => {
    // What rev-list lists with a path is a blob, or an annotated tag (listed under its name).
    let inner: ObjectSink | undefined;
    return {
      start: (type, size) => {
        if (type === 'blob') {
          if (opts.workerInit && ++blobs === OFFLOAD_AFTER && historyWorkerCount() > 0) offload = new BlobOffload(opts.workerInit, stats, findings, { pause: () => cat.pause(), resume: () => cat.resume(), ...(opts.onBlob ? { onBlob: opts.onBlob } : {}) });
          inner = offload?.sink(path, id, size) ?? fileSink(path, id, detector, fileDone, () => missing.push(id));
        } else inner = messageSink(detector, (r, tagged) => messageDone(r, tagged ?? id), () => missing.push(id));
        inner.start(type, size);
      },
      data: (p) => inner!.data(p),
      end: () => inner!.end(),
      missing: () => missing.push(id),
    };
  };
  const messageDone = (r: ItemResult, commit: string): void => {
    stats.bytes += r.bytes;
    for (const f of r.findings) findings.push({ ...f, messageOf: commit });
  };

  // Runs alongside the scan: which reachable objects are missing, trees included.
  const lost = (async () => {
    const out = new Set<string>();
    for (const revs of sets) for (const id of await missingObjects(repo, revs)) out.add(id);
    return out;
  })();
  lost.catch(() => undefined);
  const absent = new Set<string>();
  const seen = new Set<string>();
  // A file or folder name is content too: `ntn_….txt` committed is a leak in every listing.
  const namesSeen = new Set<string>();
  const namedToken = (id: string, path: string): void => {
    if (namesSeen.has(path)) return;
    namesSeen.add(path);
    for (const f of tokensInName(detector, path)) findings.push({ ...f, blob: id });
  };
  for (const revs of sets) {
    for await (const batch of listObjects(repo, revs)) {
      const requests: { id: string; sink: ObjectSink }[] = [];
      for (const o of batch) {
        if (o.missing) {
          absent.add(o.id);
          continue;
        }
        namedToken(o.id, o.path);
        if (seen.has(o.id)) continue;
        seen.add(o.id);
        requests.push({ id: o.id, sink: objectSink(o.id, o.path) });
      }
      if (!cat.requestAll(requests)) await cat.writable();
    }
  }
  for (const revs of sets) {
    for await (const batch of listCommits(repo, revs)) {
      const requests: { id: string; sink: ObjectSink }[] = [];
      for (const c of batch) {
        if (seen.has(c)) continue;
        seen.add(c);
        if (opts.countCommits) stats.commits++;
        requests.push({ id: c, sink: messageSink(detector, (r) => messageDone(r, c), () => noteUnreadable(stats, `cannot read commit ${c}: missing object`, opts.unreadable)) });
      }
      if (!cat.requestAll(requests)) await cat.writable();
    }
  }
  try {
    await cat.end();
  } catch (e) {
    await offload?.close();
    throw e;
  }
  await offload?.finish();

  for (const id of await lost) {
    if (!absent.has(id)) noteUnreadable(stats, `cannot read object ${id} (a tree or commit): missing from the repository, so the files under it were not scanned`, opts.unreadable);
  }
  let remote: string | undefined;
  if (absent.size > 0) {
    remote = await promisorRemote(repo);
    if (remote && !opts.noFetch) {
      opts.notice?.(`this is a partial clone: fetching ${absent.size} missing ${absent.size === 1 ? 'blob' : 'blobs'} from "${remote}" in one batch (--no-fetch to skip them)`);
      await fetchObjects(repo, remote, [...absent]);
      const again = new CatFile(repo.cwd);
      for (const id of absent) {
        // Paths are attached afterwards from the commits that hold the blob (git/attribute.ts).
        if (!again.request(id, fileSink(id, id, detector, fileDone, () => missing.push(id)))) await again.writable();
      }
      await again.end();
    } else missing.push(...absent);
  }
  return { findings, missing, ...(remote ? { promisor: remote } : {}) };
}
