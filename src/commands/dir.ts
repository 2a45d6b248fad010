/** `notion-guard dir [PATH…]` and `notion-guard stdin`. */
import { dirScan } from '../parallel/dir-scan.js';
import { stdinSource } from '../sources/stdin.js';
import { scanAndReport, type CommonOptions, type DirOptions, type RunIO } from '../run.js';

export function runDir(paths: readonly string[], opts: DirOptions & { parallel?: boolean }, io: RunIO): Promise<number> {
  const items = dirScan(paths, {
    parallel: opts.parallel ?? process.env.NOTION_GUARD_WORKERS !== '0',
    ...(opts.include ? { include: opts.include } : {}),
    ...(opts.exclude ? { exclude: opts.exclude } : {}),
  });
  return scanAndReport('dir', items, opts, io);
}

export function runStdin(opts: CommonOptions, io: RunIO): Promise<number> {
  return scanAndReport('stdin', stdinSource(io.stdin), opts, io);
}
