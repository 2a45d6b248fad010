/** `notion-guard merge REPORT…`: one JSON report from many runs. */
import { NotionGuardError } from '../errors.js';
import { MIB, readRegularFile } from '../read-regular.js';
import { mergeReports, parseReport } from '../report/merge.js';
import { writeAtomic } from '../output.js';
import type { RunIO } from '../run.js';

export function runMerge(files: readonly string[], opts: { output?: string; quiet: boolean; showSecrets?: boolean }, io: RunIO): number {
  if (files.length === 0) throw new NotionGuardError('usage', 'merge: give the JSON reports to merge');
  const reports = files.map((f) => parseReport(readRegularFile(f, { what: 'report', maxBytes: 256 * MIB, code: 'io' }), f));
  const out = mergeReports(reports, { showSecrets: opts.showSecrets === true });
  if (opts.output) writeAtomic(opts.output, out);
  else if (!opts.quiet) io.stdout(out);
  return (JSON.parse(out) as { findings: unknown[] }).findings.length > 0 ? 1 : 0;
}
