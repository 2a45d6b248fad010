// A floor for `dir` that only Node can have: walk the tree, then read every file, each into one
// reused buffer, with two worker threads (as many as notion-guard's dir starts on 2 cores), and
// scan nothing. What notion-guard spends above this is its own; what this spends above ripgrep is
// Node's (start-up, a worker's start-up, a syscall from JavaScript per open, read and close).
//
// Usage: node bench/read-floor.mjs DIR
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const WORKERS = 2;

if (isMainThread) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.isFile()) files.push(join(dir, e.name));
    }
  };
  walk(process.argv[2] ?? '.');
  // Batches of 64 files dealt in turn, as notion-guard's pool deals them.
  for (let w = 0; w < WORKERS; w++) new Worker(new URL(import.meta.url), { workerData: files.filter((_, i) => Math.floor(i / 64) % WORKERS === w) });
} else {
  const buf = Buffer.allocUnsafe(1024 * 1024);
  for (const f of workerData) {
    const fd = openSync(f, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  }
  parentPort.close();
}
