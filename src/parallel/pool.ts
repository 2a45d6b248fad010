/**
 * Scanning files on disk with a pool of workers, one per core: the main thread walks and hands out
 * batches, workers read and scan. Used by `dir` once a tree is big enough to repay starting them.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../paths.js';
import type { Finding, ScanStats } from '../types.js';
import type { WorkerInit, WorkerResult } from './protocol.js';
import { NotionGuardError } from '../errors.js';
import { noteUnreadable } from '../scan.js';

const BATCH = 64;

function workerFile(): string {
  // The bundled CLI ships its own copy of the worker, the GitHub Action's bundle another (a checkout
  // with no dist/); the library uses tsc's.
  const candidates = [join(PACKAGE_ROOT, 'dist', 'bin', 'parallel', 'scan-worker.js'), join(PACKAGE_ROOT, 'action', 'scan-worker.mjs')];
  return candidates.find((f) => existsSync(f)) ?? join(PACKAGE_ROOT, 'dist', 'parallel', 'scan-worker.js');
}

export function workerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Scan `files` ([display, path]) with workers; returns findings, adds to stats, reports warnings. */
export async function scanFilesInWorkers(
  files: Iterator<[string, string | Buffer]>,
  init: WorkerInit,
  stats: ScanStats,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let nextId = 0;
  const take = (): [string, string | Buffer][] => {
    const batch: [string, string | Buffer][] = [];
    for (let r = files.next(); !r.done; r = files.next()) {
      batch.push(r.value);
      if (batch.length >= BATCH) break;
    }
    return batch;
  };
  const workers = Array.from({ length: workerCount() }, () => new Worker(workerFile(), { workerData: init }));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              const batch = take();
              if (batch.length === 0) return resolve();
              w.postMessage({ id: nextId++, files: batch });
            };
            w.on('message', (r: WorkerResult) => {
              if (r.error) return reject(new NotionGuardError('internal', r.error));
              findings.push(...r.findings);
              stats.files += r.files;
              stats.bytes += r.bytes;
              if (r.binaryFiles) stats.binaryFiles = (stats.binaryFiles ?? 0) + r.binaryFiles;
              if (r.members) stats.archiveMembers = (stats.archiveMembers ?? 0) + r.members;
              // Named by the runner after the scan (the config's allowlist may accept them).
              for (const m of r.unreadable) noteUnreadable(stats, m);
              feed();
            });
            w.on('error', reject);
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new NotionGuardError('internal', `a scan worker exited with ${code}`))));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return findings;
}
