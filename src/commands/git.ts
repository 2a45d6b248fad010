/** `notion-guard staged` and `notion-guard history [REV-RANGE…]`. */
import { NotionGuardError } from '../errors.js';
import { gitText } from '../git/exec.js';
import { commitInfo, findProvenance } from '../git/provenance.js';
import { isShallow, openRepo, openRepoForHistory } from '../git/repo.js';
import { scanHistory } from '../sources/history.js';
import { scanStaged } from '../sources/staged.js';
import { stagedEntries } from '../git/diff.js';
import { scanAndReport, type CommonOptions, type RunIO } from '../run.js';
import type { Finding, ScanStats } from '../types.js';
import type { Detector } from '../engine/detect.js';
import { fingerprint } from '../fingerprint.js';
import { sortFindings } from '../scan.js';

export interface GitCommandOptions extends CommonOptions {
  /** Run in this directory instead of the current one (like git -C). */
  repo?: string;
}

export async function runStaged(opts: GitCommandOptions, io: RunIO): Promise<number> {
  const cwd = opts.repo ?? process.cwd();
  // Start the diffs while the repository is being checked: the hook's time is mostly spawning git.
  const listed = stagedEntries({ cwd, top: cwd });
  listed.catch(() => undefined); // reported below, after the clearer "not a repository" check
  const repo = await openRepo(cwd);
  const scan = (detector: Detector, stats: ScanStats) => scanStaged(repo, listed, detector, stats).then(sortFindings);
  return scanAndReport('staged', scan, opts, io, { configStart: repo.top });
}

export interface HistoryOptions extends GitCommandOptions {
  sinceCommit?: string;
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
  if (await isShallow(repo)) {
    io.stderr('notion-guard: warning: this is a shallow clone: history is truncated, so older commits are not scanned. Fetch full history (git fetch --unshallow, or fetch-depth: 0 in GitHub Actions).\n');
  }
  const commits = Number(await gitText(['rev-list', '--count', ...revs, '--'], { cwd: repo.cwd }).catch(async (e: unknown) => {
    throw e instanceof NotionGuardError ? new NotionGuardError('git', e.message.replace('git rev-list failed: ', 'bad revision range: ')) : e;
  }));
  const scan = (detector: Detector, stats: ScanStats, onBlob: () => void) => scanHistory(repo, revs, detector, stats, { onBlob }).then(sortFindings);
  return scanAndReport('history', scan, opts, io, {
    configStart: repo.cwd,
    stats: { commits: Number.isFinite(commits) ? commits : 0 },
    finish: async (findings: Finding[]) => {
      if (findings.length === 0) return findings;
      const blobs = new Set(findings.map((f) => f.blob).filter((b): b is string => b !== undefined));
      const prov = await findProvenance(repo, revs, blobs);
      const info = await commitInfo(repo, [...new Set([...prov.values()].map((p) => p.commit))]);
      // A token stays in every later version of its file: one finding per secret and path, at the
      // version that introduced it, counting the rest as occurrences.
      const groups = new Map<string, { best: Finding; age: number; commits: number; paths: Set<string> }>();
      for (const f of findings) {
        const p = f.blob ? prov.get(f.blob) : undefined;
        if (p) {
          f.file = p.path;
          const c = info.get(p.commit);
          if (c) f.commit = c;
        }
        f.fingerprint = fingerprint(f.ruleId, f.file, f.secret);
        const g = groups.get(f.fingerprint);
        const age = p?.age ?? 0;
        if (!g) groups.set(f.fingerprint, { best: f, age, commits: p?.commits ?? 1, paths: new Set(p?.paths ?? [f.file]) });
        else {
          g.commits += p?.commits ?? 1;
          for (const x of p?.paths ?? []) g.paths.add(x);
          if (age > g.age) {
            g.best = f;
            g.age = age;
          }
        }
      }
      return sortFindings([...groups.values()].map((g) => ({ ...g.best, occurrences: { commits: g.commits, paths: g.paths.size } })));
    },
  });
}
