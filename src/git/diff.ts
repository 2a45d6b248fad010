/**
 * What the index changes relative to HEAD: one entry per file the commit would add, modify, rename
 * or change the type of, with both blob ids. Only `--raw` is asked of git, never a patch: which
 * lines are added is computed from the two blobs (line-diff.ts), so attributes, diff drivers,
 * binary detection, `core.bigFileThreshold` and `diff.relative` cannot hide a line. Paths are read
 * as bytes from `-z` output, so a name that is not UTF-8 still pairs with its own blob.
 */
import { NotionGuardError } from '../errors.js';
import { git } from './exec.js';
import type { Repo } from './repo.js';
import type { LineFilter } from '../types.js';

export interface StagedEntry {
  path: string;
  /** The index version. */
  blob: string;
  mode: string;
  /** A (added), M (modified), R (renamed), T (type changed). */
  status: string;
  /** The HEAD version to compare with, when it is a file whose lines can be compared. */
  base?: string;
  /** For a rename or copy: the path the file had in HEAD. */
  from?: string;
}

/** Regular files and symlinks have lines; a submodule (160000) or nothing (000000) does not. */
const HAS_LINES = /^(100644|100755|120000)$/;
const ZERO = /^0+$/;

export async function stagedEntries(repo: Repo): Promise<StagedEntry[]> {
  const args = ['diff', '--cached', '--raw', '-z', '--no-abbrev', '-M', '--no-relative', '--no-ext-diff', '--no-textconv', '--ignore-submodules=none', '--diff-filter=ACMRT'];
  const raw = (await git(args, { cwd: repo.cwd })).stdout;
  const entries: StagedEntry[] = [];
  let i = 0;
  const field = (): Buffer => {
    const end = raw.indexOf(0, i);
    if (end === -1) throw new NotionGuardError('git', 'git diff gave unexpected output');
    const f = raw.subarray(i, end);
    i = end + 1;
    return f;
  };
  while (i < raw.length) {
    const meta = field().toString('latin1');
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(meta);
    if (!m) throw new NotionGuardError('git', 'git diff gave unexpected output');
    const status = m[5]!;
    const from = status === 'R' || status === 'C' ? field().toString('utf8') : undefined; // the source path comes first
    const path = field().toString('utf8');
    const entry: StagedEntry = { path, blob: m[4]!, mode: m[2]!, status, ...(from !== undefined ? { from } : {}) };
    // A typechange from a symlink or submodule, or a new file: every line is added.
    if (status !== 'A' && HAS_LINES.test(m[1]!) && !ZERO.test(m[3]!) && !(status === 'T' && m[1] !== '100644' && m[1] !== '100755')) entry.base = m[3]!;
    entries.push(entry);
  }
  return entries;
}

export function lineFilterFor(added: readonly [number, number][]): LineFilter {
  // Ranges come in order: binary search, since a big staged file can have thousands of them.
  return (first, last) => {
    let lo = 0;
    let hi = added.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = added[mid]!;
      if (last < a) hi = mid - 1;
      else if (first > b) lo = mid + 1;
      else return true;
    }
    return false;
  };
}
