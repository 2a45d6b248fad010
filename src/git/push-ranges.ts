/**
 * What a push brings, from the lines git gives a hook on stdin. Every line counts (a peer that reads
 * only the first lets the second ref through). Shas are validated as hex before git sees them, and
 * ref names never reach a command line at all: they are only printed.
 *
 * Each line's range is its own rev-list argument set: `b ^a d ^c` in one rev-list is not the union of
 * `a..b` and `c..d`, because `^a` then excludes from every ref (git-rev-list(1), "^" applies to all).
 */
import { NotionGuardError } from '../errors.js';
import { git } from './exec.js';
import { gitLines } from './rev-list.js';
import type { Repo } from './repo.js';

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^0+$/;

/** One ref a push updates. */
export interface RefUpdate {
  ref: string;
  /** What the ref points to after the push (a commit, or a tag object). */
  sha: string;
  /** What it pointed to before, on the other side; undefined for a new ref. */
  old?: string;
}

/** The longest hook input read: git sends one short line per ref. */
export const MAX_INPUT = 16 * 1024 * 1024;

function checkSha(s: string, what: string, n: number): string {
  if (!SHA.test(s)) throw new NotionGuardError('usage', `hook input line ${n}: ${what} is not a 40- or 64-digit hex object name`);
  return s;
}

function checkRef(s: string, n: number): string {
  if (s === '' || /[\0-\x1f\x7f]/.test(s)) throw new NotionGuardError('usage', `hook input line ${n}: not a ref name`);
  return s;
}

function lines(input: string): { text: string; n: number }[] {
  return input
    .split('\n')
    .map((text, i) => ({ text: text.replace(/\r$/, ''), n: i + 1 }))
    .filter((l) => l.text.trim() !== '');
}

/**
 * git's pre-push input, one line per ref: `<local ref> SP <local sha> SP <remote ref> SP <remote sha>`
 * (githooks(5), "pre-push"). A deletion (local sha all zeros) brings nothing and is left out.
 */
export function parsePrePush(input: string): RefUpdate[] {
  const out: RefUpdate[] = [];
  for (const { text, n } of lines(input)) {
    const f = text.split(' ');
    if (f.length !== 4) throw new NotionGuardError('usage', `hook input line ${n}: expected "<local ref> <local sha> <remote ref> <remote sha>" (is this run by git as a pre-push hook?)`);
    const local = checkSha(f[1]!, 'the local sha', n);
    const remote = checkSha(f[3]!, 'the remote sha', n);
    checkRef(f[0]!, n);
    const ref = checkRef(f[2]!, n);
    if (ZERO.test(local)) continue;
    out.push({ ref, sha: local, ...(ZERO.test(remote) ? {} : { old: remote }) });
  }
  return out;
}

/** git's pre-receive input: `<old sha> SP <new sha> SP <ref name>` (githooks(5), "pre-receive"). */
export function parsePreReceive(input: string): RefUpdate[] {
  const out: RefUpdate[] = [];
  for (const { text, n } of lines(input)) {
    const f = text.split(' ');
    if (f.length !== 3) throw new NotionGuardError('usage', `hook input line ${n}: expected "<old sha> <new sha> <ref name>" (is this run by git as a pre-receive hook?)`);
    const old = checkSha(f[0]!, 'the old sha', n);
    const sha = checkSha(f[1]!, 'the new sha', n);
    const ref = checkRef(f[2]!, n);
    if (ZERO.test(sha)) continue;
    out.push({ ref, sha, ...(ZERO.test(old) ? {} : { old }) });
  }
  return out;
}

async function exists(repo: Repo, sha: string): Promise<boolean> {
  return (await git(['cat-file', '-e', sha], { cwd: repo.cwd, okCodes: [1, 128] })).code === 0;
}

/**
 * The tips of `refs/remotes/<remote>/*`, or undefined when `remote` names no configured remote (git
 * passes the URL as the name when a push names a URL): then nothing is known to be on that server.
 * Refs are listed by git and filtered here, so a remote name never becomes a git argument.
 */
async function trackingTips(repo: Repo, remote: string | undefined): Promise<string[] | undefined> {
  if (remote === undefined) return undefined;
  const names = (await git(['remote'], { cwd: repo.cwd })).stdout.toString('utf8').split('\n');
  if (!names.includes(remote)) return undefined;
  // Tracking refs describe where the remote fetches from. Pushes that go elsewhere (a pushurl, a
  // pushInsteadOf rewrite) reach a server about which they say nothing.
  const pushElsewhere = await git(['config', '--get-regexp', `^(remote\\.${remote.replace(/[^\w-]/g, '\\$&')}\\.pushurl|url\\..*\\.pushinsteadof)$`], { cwd: repo.cwd, okCodes: [1] });
  if (pushElsewhere.code === 0 && pushElsewhere.stdout.length > 0) return undefined;
  const prefix = `refs/remotes/${remote}/`;
  // A remote named `a/b` keeps its refs under refs/remotes/a/b/: not the remote `a`'s.
  const nested = names.filter((n) => n !== remote && n.startsWith(`${remote}/`)).map((n) => `refs/remotes/${n}/`);
  const tips = new Set<string>();
  for await (const line of gitLines(repo, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/remotes/'])) {
    const at = line.indexOf(' ');
    const name = line.slice(at + 1);
    if (at > 0 && name.startsWith(prefix) && !nested.some((n) => name.startsWith(n)) && SHA.test(line.slice(0, at))) tips.add(line.slice(0, at));
  }
  return [...tips];
}

/**
 * pre-push: the rev-list arguments of each ref's new commits. An existing ref: `old..new`, when the
 * old sha is here (after a fetch it may not be: someone else pushed; then it counts as new). A new
 * ref: what no tracking ref of that remote reaches; pushing to a bare URL, everything reachable
 * (fail closed: nothing is known to be on that server).
 */
export async function prePushSets(repo: Repo, updates: readonly RefUpdate[], remote: string | undefined): Promise<string[][]> {
  let tips: Promise<string[] | undefined> | undefined;
  const sets: string[][] = [];
  for (const u of updates) {
    if (u.old !== undefined && (await exists(repo, u.old))) {
      sets.push([u.sha, `^${u.old}`]);
      continue;
    }
    const t = await (tips ??= trackingTips(repo, remote));
    sets.push(t && t.length > 0 ? [u.sha, '--not', ...t] : [u.sha]);
  }
  return sets;
}

/**
 * pre-receive: what no existing ref reaches. During pre-receive the refs are not yet updated, so
 * `--all` is the server before this push (git-receive-pack(1)); one argument set covers every ref.
 */
export function preReceiveSets(updates: readonly RefUpdate[]): string[][] {
  return updates.length === 0 ? [] : [[...new Set(updates.map((u) => u.sha)), '--not', '--all']];
}

/** The commits of each set, to count them and to say which ref brought a finding. */
export async function commitsOf(repo: Repo, set: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const line of gitLines(repo, ['rev-list', ...set, '--'])) if (SHA.test(line)) out.push(line);
  return out;
}

/** The commit a ref's new sha leads to (a tag's target), for findings in an old commit's tag. */
export async function peel(repo: Repo, sha: string): Promise<string | undefined> {
  const r = await git(['rev-parse', '--verify', '-q', `${sha}^{commit}`], { cwd: repo.cwd, okCodes: [1, 128] });
  const out = r.stdout.toString('utf8').trim();
  return r.code === 0 && SHA.test(out) ? out : undefined;
}
