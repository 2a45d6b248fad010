/**
 * History scans on more than one core: the main thread reads `git cat-file` and hands blobs, in
 * batches, to a worker that scans them. Scanning on the main thread stalled git: the pipe holds
 * only a few dozen KB, so while a blob was being scanned git could not write the next one, and the
 * two took turns instead of running side by side (measured: the main thread idle 40% of a history
 * run, waiting on git, with git waiting on it).
 *
 * Memory stays bounded: a batch is at most a few MB, few batches are in flight, and while the
 * workers are behind, git's output is paused (`pause`/`resume`). Blobs too big for a batch are
 * scanned where they are, streaming, by the caller.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { NotionGuardError } from '../errors.js';
import type { ObjectSink } from '../git/cat-file.js';
import type { Finding, ScanStats } from '../types.js';
import { recordWorkerResult, startWorker, workersFromEnv } from './pool.js';
import type { WorkerInit, WorkerResult } from './protocol.js';

/** Blobs larger than this are not batched (the caller streams them). */
export const OFFLOAD_MAX = 4 * 1024 * 1024;
const BATCH_BYTES = 2 * 1024 * 1024;
const BATCH_BLOBS = 512;
/** Batches queued per worker before git's output is paused. */
const IN_FLIGHT = 2;

/**
 * One core is git's (cat-file inflates, resolves deltas and fills the pipe), one the main thread's
 * (it reads that pipe, which on a VM costs as much as git's own work); workers get the rest. On two
 * cores there is no rest: measured on the bench's history, one worker there gained nothing and cost
 * 50 MB. NOTION_GUARD_WORKERS sets the count (0: none), for machines that know better and for tests.
 */
export function historyWorkerCount(): number {
  return workersFromEnv() ?? Math.max(0, Math.min(3, availableParallelism() - 2));
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inFlight: number;
}

export class BlobOffload {
  private readonly slots: Slot[];
  private batch: { buffer: ArrayBuffer; data: Uint8Array; used: number; blobs: [string, string, number, number][] } | undefined;
  private nextId = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private settle: (() => void) | undefined;
  private closing = false;

  constructor(
    init: WorkerInit,
    private readonly stats: ScanStats,
    private readonly found: Finding[],
    private readonly flow: { pause: () => void; resume: () => void; onBlob?: () => void },
    count = historyWorkerCount(),
  ) {
    this.slots = Array.from({ length: count }, () => {
      const slot: Slot = { worker: startWorker(init), ready: false, inFlight: 0 };
      slot.worker.on('message', (m: WorkerResult | { ready: true }) => {
        if ('ready' in m) slot.ready = true;
        else this.done(slot, m);
      });
      slot.worker.on('error', (e) => this.fail(e));
      // Any exit not asked for is a failure, exit 0 included: batches it held were never answered.
      slot.worker.on('exit', (code) => {
        if (!this.closing) this.fail(new NotionGuardError('internal', `a scan worker stopped (exit ${code}) before the scan was done`));
      });
      return slot;
    });
  }

  /** Can a worker take blobs yet? Until then the caller scans them itself. */
  get ready(): boolean {
    return this.slots.some((s) => s.ready);
  }

  /** A sink that batches this blob for a worker, or undefined: not ready, or too big to batch. */
  sink(path: string, blob: string, size: number): ObjectSink | undefined {
    if (!this.ready || size > OFFLOAD_MAX || this.failure) return undefined;
    if (this.batch && this.batch.used + size > this.batch.data.length) this.flush();
    if (!this.batch) {
      const buffer = new ArrayBuffer(Math.max(BATCH_BYTES, size));
      this.batch = { buffer, data: new Uint8Array(buffer), used: 0, blobs: [] };
    }
    const b = this.batch;
    const start = b.used;
    return {
      start: () => undefined,
      data: (piece) => {
        b.data.set(piece, b.used);
        b.used += piece.length;
      },
      end: () => {
        b.blobs.push([path, blob, start, b.used]);
        if (b.blobs.length >= BATCH_BLOBS || b.used >= BATCH_BYTES) this.flush();
      },
      // Answered before any byte: the caller's own sink reports it (never reached: `start` came first).
      missing: () => undefined,
    };
  }

  private flush(): void {
    const b = this.batch;
    this.batch = undefined;
    if (!b || b.blobs.length === 0) return;
    const slot = this.slots.filter((s) => s.ready).sort((x, y) => x.inFlight - y.inFlight)[0]!;
    slot.inFlight++;
    this.inFlight++;
    // Transferred, not copied: the worker owns these bytes now.
    slot.worker.postMessage({ id: this.nextId++, blobs: b.blobs, data: b.buffer }, [b.buffer]);
    if (this.inFlight >= this.limit()) this.flow.pause();
  }

  private limit(): number {
    return IN_FLIGHT * this.slots.filter((s) => s.ready).length;
  }

  private done(slot: Slot, r: WorkerResult): void {
    slot.inFlight--;
    this.inFlight--;
    if (r.error) return this.fail(new NotionGuardError('internal', r.error));
    recordWorkerResult(this.stats, this.found, r);
    for (let i = 0; i < r.files; i++) this.flow.onBlob?.();
    if (this.inFlight < this.limit()) this.flow.resume();
    if (this.inFlight === 0) this.settle?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.flow.resume();
    this.settle?.();
  }

  /** Every batch scanned and counted; rejects if a worker failed (the scan is then fatal, exit 2). */
  async finish(): Promise<void> {
    try {
      this.flush();
      if (this.inFlight > 0 && !this.failure) await new Promise<void>((resolve) => (this.settle = resolve));
      if (this.failure) throw this.failure instanceof NotionGuardError ? this.failure : new NotionGuardError('internal', `a scan worker failed: ${this.failure.message}`);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
