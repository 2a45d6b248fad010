/**
 * The `dir` scan: the head of the walk on the main thread (a small tree is done before workers could
 * even start), the rest across worker threads. Workers are started as soon as the tree is known not
 * to be tiny, and take over once they are ready: their start-up overlaps the main thread's work.
 */
import { directoryFiles, diskItem, type DirectoryOptions } from '../sources/directory.js';
import type { PushScan } from '../run.js';
import { noteUnreadable, scanItems, sortFindings, tokensInName } from '../scan.js';
import type { Finding } from '../types.js';
import { WorkerPool } from './pool.js';

/** Files walked before workers are started: below this, a tree is done faster without them. */
const START_WORKERS_AT = 200;

export function dirScan(operands: readonly string[], opts: DirectoryOptions & { parallel: boolean }): PushScan {
  return async (detector, stats, onItem, ctx) => {
    // A folder the walk cannot read is in scope and unread: the one unreadable channel, exit 2.
    const walked = directoryFiles(operands, { ...opts, warn: (m) => noteUnreadable(stats, m, ctx.unreadable) });
    const inNames: Finding[] = [];
    let count = 0;
    const files = (async function* () {
      for await (const f of walked) {
        inNames.push(...tokensInName(detector, f.display));
        count++;
        yield f;
      }
    })();
    let pool: WorkerPool | undefined;
    let exhausted = false;
    // The head of the walk, scanned here until the workers can take over.
    async function* head() {
      for (let n = 1; ; n++) {
        if (opts.parallel && count >= START_WORKERS_AT) pool ??= new WorkerPool(ctx.workerInit);
        // The walk may be far ahead and reads are synchronous: let the workers' "ready" in now and then.
        if (pool && !pool.ready && n % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
        if (pool?.ready) return;
        const r = await files.next();
        if (r.done) {
          exhausted = true;
          return;
        }
        yield diskItem(r.value);
      }
    }
    try {
      // What cannot be read is recorded in stats and named by the runner afterwards (its allowlist may accept it).
      const findings = await scanItems(head(), detector, stats, { warn: ctx.warn, unreadable: () => undefined, onItem, concurrency: 1 });
      if (exhausted || !pool) return sortFindings([...findings, ...inNames]);
      const rest = (async function* () {
        for await (const f of files) yield [f.display, f.file] as [string, string | Buffer];
      })();
      const started = pool;
      pool = undefined;
      findings.push(...(await started.scan(rest, stats)), ...inNames);
      return sortFindings(findings);
    } finally {
      await pool?.close();
    }
  };
}
