/**
 * Writing a report to a file atomically: a reader never sees half a report. The write is synchronous
 * from the temporary file to the rename, so a signal handler cannot run in the middle of it.
 */
import { lstatSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { NotionGuardError } from './errors.js';
import { describeFsError } from './fs-errors.js';
import { fileKind } from './read-regular.js';

/**
 * Where a report may go: a new file, or an existing regular file (through a symlink, its target).
 * Never over a device, a fifo, a socket or a directory: the rename would replace /dev/null itself.
 */
function reportTarget(file: string): string {
  let link;
  try {
    link = lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw new NotionGuardError('io', `cannot write ${file}: ${describeFsError(e)}`);
  }
  if (!link.isSymbolicLink()) {
    if (!link.isFile()) throw new NotionGuardError('usage', `cannot write the report to ${file}: it is ${fileKind(link)}; --output takes a regular file`);
    return file;
  }
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    throw new NotionGuardError('usage', `cannot write the report to ${file}: a symlink whose target cannot be used (${describeFsError(e)})`);
  }
  if (!st.isFile()) throw new NotionGuardError('usage', `cannot write the report to ${file}: it links to ${fileKind(st)}; --output takes a regular file`);
  return realpathSync(file);
}

/**
 * Checked before the run starts: a report that cannot be written must fail at once, not after an
 * hour's scan, and never after tokens were already sent to Notion for verification.
 */
export function checkOutput(requested: string): void {
  const file = reportTarget(requested);
  let dir;
  try {
    dir = statSync(dirname(file));
  } catch (e) {
    throw new NotionGuardError('io', `cannot write ${requested}: its folder ${dirname(file)} cannot be used (${describeFsError(e)})`);
  }
  if (!dir.isDirectory()) throw new NotionGuardError('io', `cannot write ${requested}: ${dirname(file)} is not a folder`);
}

export function writeAtomic(requested: string, content: string): void {
  const file = reportTarget(requested);
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    // Exclusive create: a link planted at the temporary name is not followed.
    rmSync(tmp, { force: true });
    writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NotionGuardError('io', `cannot write ${requested}: ${describeFsError(e)}`);
  }
}
