/**
 * The `dir` scan: the first files on the main thread (a small tree is done before workers could
 * even start), the rest, if any, across worker threads.
 */
import { directoryFiles, diskItem, type DirectoryOptions } from '../sources/directory.js';
import type { PushScan } from '../run.js';
import { noteUnreadable, scanItems, sortFindings, tokensInName } from '../scan.js';
import type { Finding } from '../types.js';
import { scanFilesInWorkers } from './pool.js';

const MAIN_THREAD_FILES = 400;
const MAIN_THREAD_BYTES = 24 * 1024 * 1024;

export function dirScan(operands: readonly string[], opts: DirectoryOptions & { parallel: boolean }): PushScan {
  return async (detector, stats, onItem, ctx) => {
    // A folder the walk cannot read is in scope and unread: the one unreadable channel, exit 2.
    const walked = directoryFiles(operands, { ...opts, warn: (m) => noteUnreadable(stats, m, ctx.unreadable) });
    const inNames: Finding[] = [];
    const files = (function* () {
      for (const f of walked) {
        inNames.push(...tokensInName(detector, f.display));
        yield f;
      }
    })();
    let count = 0;
    let exhausted = false;
    // The head of the walk, scanned here; stops early once the tree is known to be big.
    async function* head() {
      for (;;) {
        if (opts.parallel && (count >= MAIN_THREAD_FILES || stats.bytes >= MAIN_THREAD_BYTES)) return;
        const r = files.next();
        if (r.done) {
          exhausted = true;
          return;
        }
        count++;
        yield diskItem(r.value);
      }
    }
    // What cannot be read is recorded in stats and named by the runner afterwards (its allowlist may accept it).
    const findings = await scanItems(head(), detector, stats, { warn: ctx.warn, unreadable: () => undefined, onItem, concurrency: 1 });
    if (exhausted || !opts.parallel) return sortFindings([...findings, ...inNames]);
    const rest = (function* () {
      for (const f of files) yield [f.display, f.file] as [string, string | Buffer];
    })();
    findings.push(...(await scanFilesInWorkers(rest, ctx.workerInit, stats)), ...inNames);
    return sortFindings(findings);
  };
}
