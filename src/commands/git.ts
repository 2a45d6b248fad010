/** `notion-guard staged` and `notion-guard history [REV-RANGE…]`. */
import { NotionGuardError } from '../errors.js';
import { gitText } from '../git/exec.js';
import { attributeFindings } from '../git/attribute.js';
import { assertFolder, isShallow, openRepo, openRepoForHistory, workTreeTop, type Repo } from '../git/repo.js';
import { CatFile } from '../git/cat-file.js';
import { scanHistory } from '../sources/history.js';
import { scanStaged } from '../sources/staged.js';
import { stagedEntries, type StagedEntry } from '../git/diff.js';
import { findCommitted } from '../git/committed.js';
import { warmShippedRules } from '../rules/load.js';
import { scanAndReport, type CommonOptions, type PushScan, type RunIO, type StagedFacts } from '../run.js';
import { noteUnreadable, sortFindings } from '../scan.js';
import { sanitize } from '../report/sanitize.js';
import { redactText } from '../report/redact.js';

export interface GitCommandOptions extends CommonOptions {
  /** Run in this directory instead of the current one (like git -C). */
  repo?: string;
}

export async function runStaged(opts: GitCommandOptions, io: RunIO): Promise<number> {
  const cwd = opts.repo ?? process.cwd();
  // First, before any git is spawned there: a missing folder or a file reads best as itself.
  assertFolder(cwd);
  // Start the diffs while the repository is being checked: the hook's time is mostly spawning git.
  const listed = stagedEntries({ cwd, top: cwd });
  listed.catch(() => undefined); // reported below, after the clearer "not a repository" check
  const opening = openRepo(cwd);
  opening.catch(() => undefined); // awaited just below
  // The reader of the staged blobs starts now too: git's start-up overlaps the diff's.
  const cat = new CatFile(cwd);
  let catTaken = false;
  try {
    warmShippedRules();
    const repo = await opening;
    return await scanStagedAndReport(repo, listed, opts, io, () => ((catTaken = true), cat));
  } finally {
    if (!catTaken) await cat.end().catch(() => undefined);
  }
}

async function scanStagedAndReport(repo: Repo, listed: Promise<StagedEntry[]>, opts: GitCommandOptions, io: RunIO, takeCat: () => CatFile): Promise<number> {
  const facts: StagedFacts = { committed: new Map() };
  const scan: PushScan = async (detector, stats, _onItem, ctx) => {
    const found = sortFindings(await scanStaged(repo, listed, detector, stats, ctx.unreadable, takeCat()));
    // Only a blocked commit pays for these (the hook's clean path spawns no more git): is there a
    // HEAD yet, and is any token already in history (committed with --no-verify earlier)?
    if (found.length > 0) {
      facts.hasHead = repo.head !== undefined;
      // Where each file was in HEAD: its own path (modified, retyped), its old one (renamed, copied);
      // a new file was nowhere, so no token of it can be committed yet (committed.ts).
      const inHead = new Map<string, string>();
      for (const e of await listed) {
        if (e.status === 'M' || e.status === 'T') inHead.set(e.path, e.path);
        else if (e.from !== undefined) inHead.set(e.path, e.from);
      }
      const lookups = found.flatMap((f) => (inHead.has(f.file) ? [{ ...f, file: inHead.get(f.file)! }] : []));
      if (facts.hasHead) facts.committed = await findCommitted(repo, lookups, repo.head);
    }
    return found;
  };
  return scanAndReport('staged', scan, opts, io, { configStart: repo.top, pathBase: repo.top, staged: facts });
}

export interface HistoryOptions extends GitCommandOptions {
  sinceCommit?: string;
  /** Partial clone: scan the local blobs, name the missing ones, fetch nothing. */
  noFetch?: boolean;
}

export async function runHistory(ranges: readonly string[], opts: HistoryOptions, io: RunIO): Promise<number> {
  const repo = await openRepoForHistory(opts.repo ?? process.cwd());
  for (const r of ranges) {
    if (r.startsWith('-')) throw new NotionGuardError('usage', `not a revision range: ${r}`);
  }
  const revs = ranges.length > 0 ? [...ranges] : ['--all'];
  if (opts.sinceCommit) {
    if (!/^[^-\s]\S*$/.test(opts.sinceCommit)) throw new NotionGuardError('usage', `--since-commit: not a commit: ${opts.sinceCommit}`);
    revs.splice(0, revs.length, `${opts.sinceCommit}..${ranges[0] ?? 'HEAD'}`);
  }
  // Three questions for git at once: each is a process start, and the scan waits for all of them.
  const shallow = isShallow(repo);
  const counted = gitText(['rev-list', '--count', ...revs, '--'], { cwd: repo.cwd });
  const top = workTreeTop(repo);
  for (const p of [shallow, counted, top]) p.catch(() => undefined); // awaited below, in this order
  if (await shallow) {
    io.stderr('notion-guard: warning: this is a shallow clone: history is truncated, so older commits are not scanned. Fetch full history (git fetch --unshallow, or fetch-depth: 0 in GitHub Actions).\n');
  }
  const commits = Number(await counted.catch((e: unknown) => {
    throw e instanceof NotionGuardError ? new NotionGuardError('git', e.message.replace('git rev-list failed: ', 'bad revision range: ')) : e;
  }));
  const scan: PushScan = async (detector, stats, onBlob, ctx) => {
    const notice = (m: string): void => {
      if (!opts.quiet) io.stderr(`notion-guard: ${sanitize(redactText(m, [], opts.showSecrets))}\n`);
    };
    const r = await scanHistory(repo, revs, detector, stats, { onBlob, unreadable: ctx.unreadable, notice, workerInit: ctx.workerInit, ...(opts.noFetch ? { noFetch: true } : {}) });
    const { findings, missingPaths } = await attributeFindings(repo, revs, r.findings, r.missing);
    const partial = opts.noFetch && r.promisor !== undefined;
    for (const id of r.missing) {
      const where = missingPaths.get(id);
      const what = where === undefined ? `blob ${id}` : `${where} (blob ${id})`;
      noteUnreadable(stats, partial ? `not scanned: ${what}: not in this partial clone (--no-fetch)` : `cannot read ${what}: the object is missing from the repository`, ctx.unreadable);
    }
    return findings;
  };
  return scanAndReport('history', scan, opts, io, {
    configStart: repo.cwd,
    pathBase: await top,
    stats: { commits: Number.isFinite(commits) ? commits : 0 },
  });
}
