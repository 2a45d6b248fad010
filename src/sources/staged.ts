/**
 * The `staged` scan: the index version of each added, modified, renamed or retyped file, where only
 * the lines the commit adds count. Both versions are read through one `git cat-file`; the added
 * lines come from comparing them here (git/line-diff.ts), whatever the repository's attributes say.
 * Honours GIT_INDEX_FILE (git hands hooks a temporary index for `commit -a` and `commit PATH`)
 * simply by passing the environment through to git.
 */
import type { Detector } from '../engine/detect.js';
import { CatFile } from '../git/cat-file.js';
import { fetchObjects, promisorRemote } from '../git/partial-clone.js';
import { lineFilterFor, type StagedEntry } from '../git/diff.js';
import { addedLines } from '../git/line-diff.js';
import type { Repo } from '../git/repo.js';
import { noteUnreadable, recordResult, tokensInName, type ItemResult } from '../scan.js';
import type { Finding, ScanStats } from '../types.js';
import { fileSink, keysSink } from './object-scan.js';

/** `started`: a reader spawned ahead by the caller (its start-up overlaps the diff); ended here. */
export async function scanStaged(repo: Repo, listed: Promise<StagedEntry[]>, detector: Detector, stats: ScanStats, unreadable?: (m: string) => void, started?: CatFile): Promise<Finding[]> {
  // Submodules (mode 160000) have no content here: their commits are scanned in their own repository.
  const entries = (await listed).filter((e) => e.mode !== '160000');
  const cat = started ?? new CatFile(repo.cwd);
  if (entries.length === 0) {
    await cat.end();
    return [];
  }
  const findings: Finding[] = [];
  // Which lines are added matters only for the few files with a finding: compare those afterwards.
  const compare: { entry: StagedEntry; found: Finding[] }[] = [];
  for (const e of entries) {
    // A name the commit adds (a new or renamed file) is content too.
    if (e.status.startsWith('A') || e.status.startsWith('R')) for (const f of tokensInName(detector, e.path)) findings.push({ ...f, blob: e.blob });
    const onScanned = (r: ItemResult): void => {
      recordResult(stats, r);
      if (r.findings.length === 0) return;
      if (e.base) compare.push({ entry: e, found: r.findings });
      else findings.push(...r.findings); // a new file: every line is added
    };
    const missing = (): void => noteUnreadable(stats, `cannot read ${e.path}: its staged object ${e.blob} is missing`, unreadable);
    // Honour backpressure: thousands of staged files must not buffer unbounded in git's input.
    if (!cat.request(e.blob, fileSink(e.path, e.blob, detector, onScanned, missing))) await cat.writable();
  }
  await cat.end();
  if (compare.length > 0) findings.push(...(await onAddedLines(repo, compare)));
  return findings;
}

/** Keep the findings any part of which is on a line the commit adds. */
async function onAddedLines(repo: Repo, compare: { entry: StagedEntry; found: Finding[] }[]): Promise<Finding[]> {
  const out: Finding[] = [];
  // In a partial clone the HEAD versions may be absent. Fetch them ourselves, with overrides, rather
  // than let cat-file fetch lazily with the remote's own programs; if that fails, every line counts.
  const remote = await promisorRemote(repo);
  if (remote && !(await fetchObjects(repo, remote, compare.map((c) => c.entry.base!)).then(() => true, () => false))) return compare.flatMap((c) => c.found);
  const cat = new CatFile(repo.cwd);
  for (const { entry, found } of compare) {
    let base: Float64Array | undefined;
    cat.request(entry.base!, keysSink((k) => (base = k)));
    const ok = cat.request(
      entry.blob,
      keysSink((next) => {
        // A version too big to compare, or a base git could not give: every line counts.
        if (!base || !next) return void out.push(...found);
        const counts = lineFilterFor(addedLines(base, next));
        // An archive's members have no lines in the archive: a changed archive is a new whole.
        out.push(...found.filter((f) => f.member !== undefined || counts(f.line, f.endLine ?? f.line)));
      }),
    );
    if (!ok) await cat.writable();
  }
  await cat.end();
  return out;
}
