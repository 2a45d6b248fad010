/**
 * `notion-guard pre-push [REMOTE URL]`: git's pre-push hook on the developer's machine. Scans the
 * commits each pushed ref would add (githooks(5): refs on stdin, remote name and URL as arguments)
 * and refuses the push when one brings a token. What a pre-commit hook cannot see (a commit made
 * with --no-verify, before the hook, or in a clone without hooks) is caught here before it leaves.
 */
import { NotionGuardError } from '../errors.js';
import { attributeFindings } from '../git/attribute.js';
import { commitsOf, MAX_INPUT, parsePrePush, peel, prePushSets, type RefUpdate } from '../git/push-ranges.js';
import { openRepoForHistory, workTreeTop, type Repo } from '../git/repo.js';
import { redactText } from '../report/redact.js';
import { sanitize } from '../report/sanitize.js';
import { scanAndReport, type CommonOptions, type PushScan, type RunIO } from '../run.js';
import { noteUnreadable, tokensInName } from '../scan.js';
import { scanRevSets } from '../sources/history.js';
import type { Finding, ScanMode } from '../types.js';

export interface HookOptions extends CommonOptions {
  repo?: string;
}

/** The hook's whole stdin: git writes every line before waiting on the hook. */
export async function readHookInput(stdin: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    size += chunk.length;
    if (size > MAX_INPUT) throw new NotionGuardError('usage', `hook input is larger than ${MAX_INPUT / 1024 / 1024} MB: not git's ref list`);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Which ref brought each commit (the first line wins), and, for tags on old commits, their target. */
async function nameRefs(repo: Repo, updates: readonly RefUpdate[], perRef: readonly (readonly string[])[], findings: Finding[]): Promise<void> {
  const refOf = new Map<string, string>();
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i]!;
    if (!refOf.has(u.sha)) refOf.set(u.sha, u.ref);
    for (const c of await commitsOf(repo, perRef[i]!)) if (!refOf.has(c)) refOf.set(c, u.ref);
  }
  const wanted = (f: Finding): string | undefined => f.commit?.sha ?? f.messageOf;
  if (findings.some((f) => !refOf.has(wanted(f) ?? ''))) {
    for (const u of updates) {
      const target = await peel(repo, u.sha);
      if (target && !refOf.has(target)) refOf.set(target, u.ref);
    }
  }
  for (const f of findings) {
    const ref = refOf.get(wanted(f) ?? '');
    if (ref !== undefined) f.ref = ref;
  }
}

export interface PushScanPlan {
  mode: Extract<ScanMode, 'push' | 'receive'>;
  repo: Repo;
  updates: readonly RefUpdate[];
  /** The rev-list argument sets whose union is scanned. */
  sets: readonly (readonly string[])[];
  /** One set per update, to name the ref a finding came with. */
  perRef: readonly (readonly string[])[];
  /** Revisions for attributing findings to the commit that added them. */
  attributeRevs: readonly string[];
  configStart: string;
  pathBase: string;
  pushTips?: Set<string>;
  /** Told as soon as the scan has found a token, before filters and attribution (which may still be slow). */
  onFound?: () => void;
}

/** The `file` of a token found in a pushed ref's name. */
export const REF_NAME = '(ref name)';

/** Scan what a push brings and report it; nothing is fetched or written (a partial clone's missing blob fails closed). */
export function scanPush(plan: PushScanPlan, opts: CommonOptions, io: RunIO): Promise<number> {
  const scan: PushScan = async (detector, stats, onBlob, ctx) => {
    const r = await scanRevSets(plan.repo, plan.sets, detector, stats, { onBlob, unreadable: ctx.unreadable, noFetch: true, countCommits: true });
    if (r.findings.length > 0) plan.onFound?.();
    const { findings, missingPaths } = await attributeFindings(plan.repo, plan.attributeRevs, r.findings, r.missing);
    for (const id of r.missing) {
      const where = missingPaths.get(id);
      noteUnreadable(stats, `cannot read ${where === undefined ? `blob ${id}` : `${where} (blob ${id})`}: the object is missing from the repository`, ctx.unreadable);
    }
    if (findings.length > 0) await nameRefs(plan.repo, plan.updates, plan.perRef, findings);
    // A ref name is chosen by whoever pushes, and every clone and web page shows it.
    for (const u of plan.updates) {
      for (const f of tokensInName(detector, u.ref, REF_NAME)) findings.push({ ...f, ref: u.ref });
    }
    return findings;
  };
  return scanAndReport(plan.mode, scan, opts, io, { configStart: plan.configStart, pathBase: plan.pathBase, ...(plan.pushTips ? { pushTips: plan.pushTips } : {}) });
}

/** Positive tips of every set, then the exclusions all sets share: exact for one ref, and never hides a commit of any. */
export function attributionRevs(sets: readonly (readonly string[])[]): string[] {
  const tips = [...new Set(sets.map((s) => s[0]!))];
  const excluded = (s: readonly string[]): Set<string> => {
    const out = new Set<string>();
    let not = false;
    for (const a of s.slice(1)) {
      if (a === '--not') not = true;
      else out.add(not ? a : a.replace(/^\^/, ''));
    }
    return out;
  };
  const [first, ...rest] = sets.map(excluded);
  const common = [...(first ?? [])].filter((x) => rest.every((r) => r.has(x)));
  return common.length > 0 ? [...tips, '--not', ...common] : tips;
}

export async function runPrePush(args: readonly string[], opts: HookOptions, io: RunIO): Promise<number> {
  const input = await readHookInput(io.stdin);
  const updates = parsePrePush(input);
  if (updates.length === 0) return 0; // nothing to push, or only deletions: nothing leaves
  const repo = await openRepoForHistory(opts.repo ?? process.cwd());
  // A push to a URL gets the URL as its "remote name" (githooks(5)): it then names no configured remote.
  const remote = args[0];
  const sets = await prePushSets(repo, updates, remote);
  if (!opts.quiet && sets.some((s) => s.length === 1)) {
    io.stderr(`notion-guard: ${sanitize(redactText(remote ?? 'this remote'))} has no remote-tracking refs here: scanning all history of what is pushed\n`);
  }
  const top = await workTreeTop(repo);
  return scanPush({ mode: 'push', repo, updates, sets, perRef: sets, attributeRevs: attributionRevs(sets), configStart: top, pathBase: top, pushTips: new Set(updates.map((u) => u.sha)) }, opts, io);
}
