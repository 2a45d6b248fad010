/**
 * Scanning files on disk with a pool of workers, one per core: the main thread walks and hands out
 * batches, workers read and scan. Used by `dir` once a tree is big enough to repay starting them.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../paths.js';
import type { Finding, ScanStats } from '../types.js';
import type { WorkerInit, WorkerResult } from './protocol.js';
import { NotionGuardError } from '../errors.js';
import { noteUnreadable } from '../scan.js';

const BATCH = 64;

export function workerFile(): string {
  // The bundled CLI ships its own copy of the worker, the GitHub Action's bundle another (a checkout
  // with no dist/); the library uses tsc's.
  const candidates = [join(PACKAGE_ROOT, 'dist', 'bin', 'parallel', 'scan-worker.js'), join(PACKAGE_ROOT, 'action', 'scan-worker.mjs')];
  return candidates.find((f) => existsSync(f)) ?? join(PACKAGE_ROOT, 'dist', 'parallel', 'scan-worker.js');
}

let workerThreads: typeof import('node:worker_threads') | undefined;

/**
 * A scan worker (parallel/scan-worker.ts). worker_threads is loaded here, on first use, not by an
 * import: the pre-commit hook never starts a worker, and loading it cost the hook ~2 ms of start-up.
 */
export function startWorker(init: WorkerInit): Worker {
  workerThreads ??= createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  return new workerThreads.Worker(workerFile(), { workerData: init, resourceLimits: WORKER_LIMITS });
}

/** NOTION_GUARD_WORKERS=N, when set to a number (at most 8): the count of scan workers. */
export function workersFromEnv(): number | undefined {
  const set = process.env.NOTION_GUARD_WORKERS;
  return set !== undefined && /^\d+$/.test(set) ? Math.min(8, Number(set)) : undefined;
}

/** One per core, at most 4, or NOTION_GUARD_WORKERS (0 turns them off: see commands/dir.ts). */
export function workerCount(): number {
  return Math.max(1, workersFromEnv() ?? Math.min(4, availableParallelism()));
}

/** Add what a worker reports for a batch to the scan's findings and stats. */
export function recordWorkerResult(stats: ScanStats, findings: Finding[], r: WorkerResult): void {
  findings.push(...r.findings);
  stats.files += r.files;
  stats.bytes += r.bytes;
  if (r.binaryFiles) stats.binaryFiles = (stats.binaryFiles ?? 0) + r.binaryFiles;
  if (r.members) stats.archiveMembers = (stats.archiveMembers ?? 0) + r.members;
  // Named by the runner after the scan (the config's allowlist may accept them).
  for (const m of r.unreadable) noteUnreadable(stats, m);
}

type FileRef = [display: string, file: string | Buffer];

/**
 * A small young generation: a worker's garbage is short-lived windows and results, and the default
 * (up to 3 x 16 MB per isolate) only raised peak RSS. Measured on the bench tree: peak RSS of `dir`
 * 163-202 MiB -> 152-199 MiB over 8 runs, wall time unchanged.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * Workers started ahead of need: they load and build their detector while the main thread is
 * still walking and scanning the head of the tree; `ready` says when the first can take work.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private readonly booted: Promise<void>[];
  ready = false;
  /** A worker that failed to start or died: reported by `scan` (the scan fails, exit 2). */
  private failure: Error | undefined;

  constructor(init: WorkerInit) {
    this.workers = Array.from({ length: workerCount() }, () => startWorker(init));
    this.booted = this.workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          const onMessage = (m: { ready?: boolean }): void => {
            if (!m.ready) return;
            this.ready = true;
            w.off('message', onMessage);
            resolve();
          };
          w.on('message', onMessage);
          w.once('error', (e) => {
            this.failure ??= e;
            resolve();
          });
          // Gone before it was ready (an exit without an error event): never wait for it.
          w.once('exit', (code) => {
            if (!this.ready) this.failure ??= new NotionGuardError('internal', `a scan worker stopped (exit ${code}) before it was ready`);
            resolve();
          });
        }),
    );
  }

  /** Scan `files` with the workers; returns findings, adds to stats. */
  async scan(files: AsyncIterator<FileRef>, stats: ScanStats): Promise<Finding[]> {
    const findings: Finding[] = [];
    let nextId = 0;
    let exhausted = false;
    // One reader of the walk at a time: batches are taken in turn.
    let taking: Promise<unknown> = Promise.resolve();
    const take = (): Promise<FileRef[]> => {
      const got = taking.then(async () => {
        const batch: FileRef[] = [];
        while (!exhausted && batch.length < BATCH) {
          const r = await files.next();
          if (r.done) exhausted = true;
          else batch.push(r.value);
        }
        return batch;
      });
      taking = got.catch(() => undefined);
      return got;
    };
    try {
      await Promise.all(
        this.workers.map(async (w, k) => {
          await this.booted[k];
          if (this.failure) throw this.failure;
          await new Promise<void>((resolve, reject) => {
            w.on('error', reject);
            // Any exit before the work is done is a failure, exit 0 included: its batches were never
            // answered, so the files in them were not scanned (a pass would be a lie).
            w.on('exit', (code) => reject(new NotionGuardError('internal', `a scan worker stopped (exit ${code}) before the scan was done`)));
            // Two batches queued per worker: the next is there when one is done, instead of a round
            // trip through the main thread (measured: workers idle 15% of a run waiting for work).
            let pending = 0;
            const feedOne = (): void => {
              pending++;
              take().then((batch) => {
                if (batch.length === 0) {
                  if (--pending === 0) resolve();
                  return;
                }
                w.postMessage({ id: nextId++, files: batch });
              }, reject);
            };
            w.on('message', (r: WorkerResult) => {
              pending--;
              if (r.error) return reject(new NotionGuardError('internal', r.error));
              recordWorkerResult(stats, findings, r);
              feedOne();
            });
            feedOne();
            feedOne();
          });
        }),
      );
    } finally {
      await this.close();
    }
    return findings;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
