/**
 * Walking a directory tree. Not fast-glob: its `**` matching (picomatch) never matches a name with a
 * newline in it, so a file called "a\nb.env" would be silently skipped, a hole in a security scan.
 * This walk lists everything with readdir and applies the user's globs itself. `.git` is skipped;
 * symlinks are not followed (a target inside the tree is scanned on its own; one outside must not be
 * reached, and a link loop cannot trap the walk).
 */
import { readdirSync } from 'node:fs';
import { describeFsError } from '../fs-errors.js';

export interface WalkOptions {
  /** True for a directory (relative path) that must not be entered. */
  skipDir?: (rel: string) => boolean;
  warn?: (message: string) => void;
}

/** Relative paths (with `/`) of the regular files under `root`, sorted per directory. */
export function* walkFiles(root: string, opts: WalkOptions = {}): Generator<string> {
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const abs = rel === '' ? root : root.endsWith('/') ? root + rel : `${root}/${rel}`;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      opts.warn?.(`cannot read directory ${abs}: ${describeFsError(e)}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirs: string[] = [];
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name === '.git' || opts.skipDir?.(child)) continue;
        dirs.push(child);
      } else if (e.isFile()) {
        yield child;
      }
    }
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(dirs[i]!);
  }
}
