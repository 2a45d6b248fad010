/** Writing a report to a file atomically: a reader never sees half a report, and SIGINT leaves none. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { NotionGuardError } from './errors.js';
import { describeFsError } from './fs-errors.js';

/** Temporary files being written, removed if the process is interrupted. */
const pending = new Set<string>();

export function writeAtomic(file: string, content: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  pending.add(tmp);
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NotionGuardError('io', `cannot write ${file}: ${describeFsError(e)}`);
  } finally {
    pending.delete(tmp);
  }
}

/** On SIGINT/SIGTERM: leave no partial report behind. */
export function removePendingOutputs(): void {
  for (const tmp of pending) rmSync(tmp, { force: true });
  pending.clear();
}
