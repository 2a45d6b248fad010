/**
 * Reading a whole small file that a user or a scanned repository supplies (config, rule files,
 * baselines, reports to merge). A committed `.notion-guard.toml` can be a symlink to /dev/zero or a
 * fifo: the file is opened without blocking, checked to be a regular file under a size cap before a
 * byte is read, and the cap holds during the read too (a file can grow).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { NotionGuardError, type ErrorCode } from './errors.js';
import { describeFsError } from './fs-errors.js';

export const MIB = 1024 * 1024;

export interface RegularFileOptions {
  /** What the file is, for messages: "config file", "rule file", "baseline". */
  what: string;
  maxBytes: number;
  code?: ErrorCode;
}

/** The kind of a non-regular file, in words. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a fifo (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function readRegularFile(file: string, opts: RegularFileOptions): string {
  const code = opts.code ?? 'config';
  let fd: number;
  try {
    // O_NONBLOCK: opening a fifo for reading would otherwise wait for a writer, forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new NotionGuardError(code, `cannot read ${opts.what} ${file}: ${describeFsError(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotionGuardError(code, `${opts.what} ${file} is ${fileKind(st)}, not a regular file; refusing to read it`);
    if (st.size > opts.maxBytes) throw new NotionGuardError(code, `${opts.what} ${file} is too big (${st.size} bytes; at most ${opts.maxBytes})`);
    let buf = Buffer.allocUnsafe(Math.min(opts.maxBytes + 1, Math.max(st.size + 1, 64 * 1024)));
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        // The file grew since fstat: keep reading, but never past the cap.
        if (got > opts.maxBytes) throw new NotionGuardError(code, `${opts.what} ${file} is too big (over ${opts.maxBytes} bytes)`);
        const bigger = Buffer.allocUnsafe(Math.min(opts.maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > opts.maxBytes) throw new NotionGuardError(code, `${opts.what} ${file} is too big (over ${opts.maxBytes} bytes)`);
    return buf.toString('utf8', 0, got);
  } catch (e) {
    if (e instanceof NotionGuardError) throw e;
    throw new NotionGuardError(code, `cannot read ${opts.what} ${file}: ${describeFsError(e)}`);
  } finally {
    closeSync(fd);
  }
}
