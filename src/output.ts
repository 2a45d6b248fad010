/** Writing a report to a file atomically: a reader never sees half a report, and SIGINT leaves none. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { NotionGuardError } from './errors.js';
import { describeFsError } from './fs-errors.js';

export function writeAtomic(file: string, content: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NotionGuardError('io', `cannot write ${file}: ${describeFsError(e)}`);
  }
}
