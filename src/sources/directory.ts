/**
 * The `dir` source: files on disk under the given paths. `.git/` is skipped; symlinks met during the
 * walk are not followed (a link's target inside the tree is scanned on its own; one outside the tree
 * must not be reached); paths given on the command line are taken as they are, like grep does.
 */
import { stat } from 'node:fs/promises';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import { NotionGuardError } from '../errors.js';
import { describeFsError } from '../fs-errors.js';
import type { SourceItem } from '../types.js';
import { readFilePieces } from './read-file.js';

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

function toGlobIgnores(patterns: readonly string[]): string[] {
  return patterns.flatMap((p) => (p.includes('/') ? [p, `${p}/**`] : [`**/${p}`, `**/${p}/**`]));
}

export async function* directorySource(operands: readonly string[], opts: DirectoryOptions = {}): AsyncIterable<SourceItem> {
  const includes = opts.include && opts.include.length > 0 ? picomatch([...opts.include], { dot: true, basename: true }) : undefined;
  const excludes = opts.exclude && opts.exclude.length > 0 ? picomatch([...opts.exclude], { dot: true, basename: true }) : undefined;
  const roots = operands.length === 0 ? [undefined] : operands;
  for (const operand of roots) {
    const root = operand ?? '.';
    let st;
    try {
      st = await stat(root);
    } catch (e) {
      throw new NotionGuardError('io', `cannot read ${root}: ${describeFsError(e)}`);
    }
    if (st.isFile()) {
      yield { path: root, read: () => readFilePieces(root) };
      continue;
    }
    if (!st.isDirectory()) throw new NotionGuardError('io', `not a file or directory: ${root}`);
    const prefix = displayPrefix(operand);
    const stream = fg.stream('**', {
      cwd: root,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      ignore: ['**/.git', '**/.git/**', ...toGlobIgnores(opts.exclude ?? [])],
      objectMode: true,
      suppressErrors: true,
      unique: true,
    }) as AsyncIterable<{ path: string; dirent: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean } }>;
    for await (const entry of stream) {
      if (!entry.dirent.isFile() || entry.dirent.isSymbolicLink()) continue;
      const rel = entry.path;
      if (includes && !includes(rel)) continue;
      if (excludes && excludes(rel)) continue;
      const full = root.endsWith('/') ? root + rel : `${root}/${rel}`;
      yield { path: prefix + rel, read: () => readFilePieces(full) };
    }
  }
}
