/**
 * What the index adds relative to HEAD: the changed files (from `--raw -z`, exact paths whatever
 * their characters) and, per file, the line ranges the commit adds. A new file adds all its lines;
 * for the others, the hunk headers of a zero-context patch limited to them (its sections come in
 * the same order as their raw entries). Skipping the patch of new files matters: on a first commit
 * or a big import, computing it cost as much as the whole scan.
 */
import { NotionGuardError } from '../errors.js';
import { GIT_MISSING, git, gitError, gitMissing, spawnGit } from './exec.js';
import type { Repo } from './repo.js';

export interface StagedEntry {
  path: string;
  blob: string;
  mode: string;
  /** Added line ranges [start, end] (1-based, inclusive) in the staged file. */
  added: [number, number][];
}

const COMMON = ['--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', '--diff-filter=ACMRT', '-M'];

const ALL_LINES: [number, number][] = [[1, Number.MAX_SAFE_INTEGER]];

export async function stagedEntries(repo: Repo): Promise<StagedEntry[]> {
  const raw = (await git(['diff', ...COMMON, '--raw', '-z', '--no-abbrev'], { cwd: repo.cwd })).stdout.toString('utf8');
  const entries: StagedEntry[] = [];
  const changed: { entry: StagedEntry; specs: string[] }[] = [];
  const fields = raw.split('\0');
  for (let i = 0; i < fields.length - 1; ) {
    const meta = fields[i++]!;
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(meta);
    if (!m) throw new NotionGuardError('git', 'git diff gave unexpected output');
    const source = m[5] === 'R' || m[5] === 'C' ? fields[i++]! : undefined; // source path comes first
    const entry: StagedEntry = { path: fields[i++]!, blob: m[4]!, mode: m[2]!, added: [] };
    entries.push(entry);
    if (m[5] === 'A') entry.added = ALL_LINES;
    else changed.push({ entry, specs: source === undefined ? [entry.path] : [entry.path, source] });
  }
  // Paths go on the command line (git 2.39's diff has no --pathspec-from-file): in batches that
  // stay far below the argument length limit, a rename's two paths always in the same batch.
  for (let i = 0; i < changed.length; ) {
    const batch: typeof changed = [];
    let size = 0;
    while (i < changed.length && (batch.length === 0 || size < 64 * 1024)) {
      const c = changed[i++]!;
      batch.push(c);
      size += c.specs.reduce((n, p) => n + p.length + 1, 0);
    }
    const hunks = await readHunks(repo, batch.flatMap((c) => c.specs));
    if (hunks.length !== batch.length) throw new NotionGuardError('git', `git diff listed ${batch.length} changed files but patched ${hunks.length}`);
    batch.forEach((c, k) => (c.entry.added = hunks[k]!));
  }
  return entries;
}

/** Stream the patch, keeping only section and hunk headers (content lines may be megabytes long). */
async function readHunks(repo: Repo, pathspecs: readonly string[]): Promise<[number, number][][]> {
  const sections: [number, number][][] = [];
  const args = ['diff', ...COMMON, '-p', '-U0', '--src-prefix=a/', '--dst-prefix=b/', '--', ...pathspecs];
  // Literal pathspecs: a file named "*.env" or ":(exclude)x" means itself.
  const child = spawnGit(args, repo.cwd, { GIT_LITERAL_PATHSPECS: '1' });
  child.stdin.end();
  let stderr = '';
  let spawnError: unknown;
  child.on('error', (e) => (spawnError = e));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let section = -1;
  let atLineStart = true;
  let head = '';
  const HEAD_MAX = 512;
  const onLine = (line: string): void => {
    if (line.startsWith('diff --git ')) {
      section++;
      sections.push([]);
    } else if (line.startsWith('@@ ') && section >= 0) {
      const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (h) {
        const start = Number(h[1]);
        const count = h[2] === undefined ? 1 : Number(h[2]);
        if (count > 0) sections[section]!.push([start, start + count - 1]);
      }
    }
  };
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let i = 0;
    while (i < chunk.length) {
      const nl = chunk.indexOf(10, i);
      const end = nl === -1 ? chunk.length : nl;
      if (atLineStart || head.length > 0) {
        const c = chunk[i];
        // Only header lines matter: they start with "diff" or "@@"; content lines start with +,-,space.
        if (head.length > 0 || c === 0x64 || c === 0x40) head += chunk.toString('latin1', i, Math.min(end, i + HEAD_MAX - head.length));
      }
      if (nl === -1) {
        atLineStart = false;
        break;
      }
      if (head) onLine(head);
      head = '';
      atLineStart = true;
      i = nl + 1;
    }
  }
  const code: number = await new Promise((resolve) => {
    if (child.exitCode !== null || spawnError) resolve(child.exitCode ?? 128);
    else child.on('close', (c) => resolve(c ?? 128));
  });
  if (spawnError) throw new NotionGuardError('git', gitMissing(spawnError) ? GIT_MISSING : `cannot run git: ${(spawnError as Error).message}`);
  if (code !== 0) throw gitError(args, stderr, `exit ${code}`);
  return sections;
}

export function lineFilterFor(added: [number, number][]): (line: number) => boolean {
  // Hunks come in order: binary search, since a big staged file can have thousands of them.
  return (line) => {
    let lo = 0;
    let hi = added.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = added[mid]!;
      if (line < a) hi = mid - 1;
      else if (line > b) lo = mid + 1;
      else return true;
    }
    return false;
  };
}
