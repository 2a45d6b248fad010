/**
 * The `dir` source: files on disk under the given paths (walk.ts); paths given on the command line
 * are taken as they are, like grep does, and reported with grep's prefix.
 */
import { statSync } from 'node:fs';
import picomatch from 'picomatch';
import { NotionGuardError } from '../errors.js';
import { describeFsError } from '../fs-errors.js';
import type { SourceItem } from '../types.js';
import { readFilePieces, readSmallFileSync } from './read-file.js';
import { walkFiles } from './walk.js';

export interface DirectoryOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  warn?: (message: string) => void;
}

/** grep's display prefix for an operand: trailing slashes dropped; none when no operand was given. */
function displayPrefix(operand: string | undefined): string {
  if (operand === undefined) return '';
  const trimmed = operand.replace(/\/+$/, '');
  return (trimmed === '' ? '' : trimmed) + '/';
}

export interface DiskFile {
  /** The path as reported (grep's form). */
  display: string;
  /** The path to open (bytes when a name on the way is not UTF-8). */
  file: string | Buffer;
}

/** The files to scan (the walk is readdir-based); errors on bad operands. */
export async function* directoryFiles(operands: readonly string[], opts: DirectoryOptions = {}): AsyncGenerator<DiskFile> {
  // A pattern without `/` matches a name anywhere (like grep --include); one with `/`, the path.
  // (picomatch's `basename` option breaks patterns that do contain a slash, so split them.)
  const pm = (globs: readonly string[] | undefined) => {
    if (!globs || globs.length === 0) return undefined;
    const byName = globs.filter((g) => !g.includes('/'));
    const byPath = globs.filter((g) => g.includes('/'));
    const name = byName.length ? picomatch(byName, { dot: true }) : undefined;
    const path = byPath.length ? picomatch(byPath, { dot: true }) : undefined;
    return (rel: string): boolean => (name?.(rel.slice(rel.lastIndexOf('/') + 1)) ?? false) || (path?.(rel) ?? false);
  };
  const includes = pm(opts.include);
  const excludes = pm(opts.exclude);
  const roots = operands.length === 0 ? [undefined] : operands;
  for (const operand of roots) {
    const root = operand ?? '.';
    let st;
    try {
      st = statSync(root);
    } catch (e) {
      throw new NotionGuardError('io', `cannot read ${root}: ${describeFsError(e)}`);
    }
    if (st.isFile()) {
      yield { display: root, file: root };
      continue;
    }
    if (!st.isDirectory()) throw new NotionGuardError('io', `not a file or directory: ${root}`);
    const prefix = displayPrefix(operand);
    const walk = walkFiles(root, { ...(excludes ? { skipDir: excludes } : {}), ...(opts.warn ? { warn: opts.warn } : {}) });
    for await (const { rel, path } of walk) {
      if (includes && !includes(rel)) continue;
      if (excludes && excludes(rel)) continue;
      yield { display: prefix + rel, file: path };
    }
  }
}

export function diskItem(f: DiskFile): SourceItem {
  return { path: f.display, read: () => readFilePieces(f.file), readSmallSync: () => readSmallFileSync(f.file) };
}

/** The `dir` source as an async stream of items (the library's form; the CLI may use workers). */
export async function* directorySource(operands: readonly string[], opts: DirectoryOptions = {}): AsyncIterable<SourceItem> {
  for await (const f of directoryFiles(operands, opts)) yield diskItem(f);
}
