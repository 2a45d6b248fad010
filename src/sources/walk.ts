/**
 * Walking a directory tree. Not fast-glob: its `**` matching (picomatch) never matches a name with a
 * newline in it, so a file called "a\nb.env" would be silently skipped, a hole in a security scan.
 * This walk lists everything with readdir and applies the user's globs itself. `.git` is skipped;
 * symlinks are not followed (a target inside the tree is scanned on its own; one outside must not be
 * reached, and a link loop cannot trap the walk).
 *
 * File names are bytes on Linux. Node decodes them as UTF-8 and replaces what is not UTF-8 with
 * U+FFFD, and that lossy name opens nothing: such a file would be unreadable and its folder unwalkable.
 * A directory holding such a name is listed again as bytes, and the entry is opened by its bytes,
 * reported with the bad bytes written `\xNN`.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { describeFsError } from '../fs-errors.js';

export interface WalkOptions {
  /** True for a directory (relative path) that must not be entered. */
  skipDir?: (rel: string) => boolean;
  /** Told each directory that could not be listed (it is in scope and unread). */
  warn?: (message: string) => void;
}

export interface WalkEntry {
  /** Relative path with `/`, as shown and matched by globs (bytes that are not UTF-8 as `\xNN`). */
  rel: string;
  /** What to open: a string, or the exact bytes when a name on the way is not UTF-8. */
  path: string | Buffer;
}

/** A file name for display: UTF-8 decoded, every byte of an invalid sequence as `\xNN`. */
export function displayName(name: Buffer): string {
  let out = '';
  let start = 0;
  let i = 0;
  while (i < name.length) {
    const n = utf8SequenceLength(name, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += name.toString('utf8', start, i) + `\\x${name[i]!.toString(16).padStart(2, '0')}`;
    i++;
    start = i;
  }
  return out + name.toString('utf8', start);
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) [n, min] = [2, 0x80];
  else if (c >= 0xe0 && c <= 0xef) [n, min] = [3, 0x800];
  else if (c >= 0xf0 && c <= 0xf4) [n, min] = [4, 0x10000];
  else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const d = b[i + k]!;
    if ((d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

const isUtf8 = (name: Buffer): boolean => {
  for (let i = 0; i < name.length; ) {
    const n = utf8SequenceLength(name, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
};

interface Listed {
  rel: string;
  path: string | Buffer;
  dirent: Dirent | Dirent<Buffer>;
}

function join(parent: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof parent === 'string' && typeof name === 'string') return parent.endsWith('/') ? parent + name : `${parent}/${name}`;
  const p = Buffer.isBuffer(parent) ? parent : Buffer.from(parent);
  const n = Buffer.isBuffer(name) ? name : Buffer.from(name);
  return p[p.length - 1] === 0x2f ? Buffer.concat([p, n]) : Buffer.concat([p, Buffer.from('/'), n]);
}

async function list(rel: string, abs: string | Buffer): Promise<Listed[]> {
  const relOf = (name: string): string => (rel === '' ? name : `${rel}/${name}`);
  if (typeof abs === 'string') {
    const entries = await readdir(abs, { withFileTypes: true });
    // U+FFFD in a listed name: it may be a lossy decoding; list the folder again as bytes.
    if (!entries.some((e) => e.name.includes('\ufffd'))) return entries.map((e) => ({ rel: relOf(e.name), path: join(abs, e.name), dirent: e }));
  }
  const entries = await readdir(abs, { withFileTypes: true, encoding: 'buffer' });
  return entries.map((e) => {
    const utf8 = isUtf8(e.name);
    const name = utf8 ? e.name.toString('utf8') : displayName(e.name);
    return { rel: relOf(name), path: utf8 ? join(abs, name) : join(abs, e.name), dirent: e };
  });
}

/**
 * Folders listed at once. A readdir costs tens of microseconds on a VM's file system and a tree has
 * thousands: listed one after another, they starved the scan workers (measured: workers idle a
 * quarter of a `dir` run). The thread pool lists these in parallel.
 */
const LISTING = 16;
/** Files walked but not yet taken, past which no more folders are listed (memory stays bounded). */
const QUEUED_MAX = 8192;

/**
 * The regular files under `root`, each folder's sorted by name. Folders are listed concurrently, so
 * the order across folders is the order their listings arrive in; reports sort their findings.
 */
export async function* walkFiles(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const dirs: { rel: string; path: string | Buffer }[] = [{ rel: '', path: root }];
  const files: WalkEntry[] = [];
  let active = 0;
  let wake: (() => void) | undefined;
  const listed = (dir: { rel: string; path: string | Buffer }, entries: Listed[] | undefined, e?: unknown): void => {
    active--;
    if (!entries) {
      const shown = dir.rel === '' ? root : join(root, dir.rel);
      opts.warn?.(`cannot read directory ${String(shown)}: ${describeFsError(e)}`);
    } else {
      entries.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
      const sub: { rel: string; path: string | Buffer }[] = [];
      for (const x of entries) {
        if (x.dirent.isDirectory()) {
          const name = x.rel.slice(x.rel.lastIndexOf('/') + 1);
          if (name === '.git' || opts.skipDir?.(x.rel)) continue;
          sub.push({ rel: x.rel, path: x.path });
        } else if (x.dirent.isFile()) {
          files.push({ rel: x.rel, path: x.path });
        }
      }
      // Depth first (a stack): the folders listed at once stay close together in the tree.
      for (let i = sub.length - 1; i >= 0; i--) dirs.push(sub[i]!);
    }
    wake?.();
  };
  const fill = (): void => {
    while (active < LISTING && dirs.length > 0 && files.length < QUEUED_MAX) {
      const dir = dirs.pop()!;
      active++;
      list(dir.rel, dir.path).then(
        (entries) => listed(dir, entries),
        (e: unknown) => listed(dir, undefined, e),
      );
    }
  };
  let next = 0;
  for (;;) {
    fill();
    if (next < files.length) {
      const f = files[next++]!;
      // Drop what was taken now and then, not on every file (shift() is linear).
      if (next >= 1024) {
        files.splice(0, next);
        next = 0;
      }
      yield f;
      continue;
    }
    files.length = 0;
    next = 0;
    if (active === 0 && dirs.length === 0) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}
