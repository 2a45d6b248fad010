/**
 * A scan worker: reads and scans batches of files with its own detector, so a `dir` scan uses every
 * core. Files are read synchronously (small ones whole, big ones in pieces): in a worker that blocks
 * nothing else.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { describeFsError } from '../fs-errors.js';
import { buildDetector } from '../rules/compile.js';
import { loadRules } from '../rules/load.js';
import { isFsError, ItemScanner, type ItemResult } from '../scan.js';
import { PIECE_SIZE, readSmallFileSync } from '../sources/read-file.js';
import type { WorkerBatch, WorkerBlobBatch, WorkerInit, WorkerResult } from './protocol.js';

const init = workerData as WorkerInit;
const detector = buildDetector(loadRules(init.ruleFiles, init.disabledRules), init.detect);
const big = Buffer.allocUnsafe(PIECE_SIZE);
const REUSE_MIN = 512 * 1024;

function addResult(out: WorkerResult, r: ItemResult): void {
  out.bytes += r.bytes;
  out.files++;
  if (r.binary) out.binaryFiles++;
  out.members += r.members ?? 0;
  out.unreadable.push(...(r.unreadable ?? []));
  out.findings.push(...r.findings);
}

function scanFile(display: string, sent: string | Uint8Array, out: WorkerResult): void {
  // A byte path arrives as a plain Uint8Array (structured clone); fs wants a Buffer.
  const file = typeof sent === 'string' ? sent : Buffer.from(sent.buffer, sent.byteOffset, sent.byteLength);
  const small = readSmallFileSync(file);
  // A small file is scanned whole before the next read reuses its buffer; a big one arrives in pieces.
  const s = new ItemScanner({ path: display }, detector, { stablePieces: small !== undefined });
  if (small) s.push(small);
  else {
    const fd = openSync(file, 'r');
    try {
      for (;;) {
        const n = readSync(fd, big, 0, big.length, null);
        if (n === 0) break;
        // A piece this big is scanned inside push() and only copies of it are kept (ItemScanner's
        // probe needs 8000 bytes, a window 258 KiB), so the read buffer can be reused; a short read
        // would be held until the next one, so it gets its own copy. (A fresh MiB per piece grew a
        // worker's memory by tens of MB before the collector caught up.)
        const piece = n >= REUSE_MIN ? big.subarray(0, n) : Buffer.from(big.subarray(0, n));
        if (!s.push(piece)) break;
      }
    } finally {
      closeSync(fd);
    }
  }
  addResult(out, s.end());
}

function scanBlobs(batch: WorkerBlobBatch, out: WorkerResult): void {
  for (const [path, blob, start, end] of batch.blobs) {
    const s = new ItemScanner({ path, blob }, detector, { stablePieces: true });
    s.push(Buffer.from(batch.data, start, end - start));
    addResult(out, s.end());
  }
}

parentPort!.on('message', (batch: WorkerBatch | WorkerBlobBatch) => {
  const out: WorkerResult = { id: batch.id, findings: [], files: 0, bytes: 0, binaryFiles: 0, members: 0, unreadable: [] };
  if ('blobs' in batch) {
    try {
      scanBlobs(batch, out);
    } catch (e) {
      out.error = `scan of a history batch failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    return parentPort!.postMessage(out);
  }
  for (const [display, file] of batch.files) {
    try {
      scanFile(display, file, out);
    } catch (e) {
      if (isFsError(e)) out.unreadable.push(`cannot read ${display}: ${describeFsError(e)}`);
      else {
        out.error = `scan of ${display} failed: ${e instanceof Error ? e.message : String(e)}`;
        break;
      }
    }
  }
  parentPort!.postMessage(out);
});

// The detector is built: the pool may hand out work.
parentPort!.postMessage({ ready: true });
