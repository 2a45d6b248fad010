/** The human report: one block per finding, redacted, colored only when asked to (a TTY). */
import type { Access, Finding, ReachCount, ScanResult, Verification } from '../types.js';
import { remediation } from '../remediation.js';
import { displayFinding, redact } from './redact.js';
import { sanitize } from './sanitize.js';

export interface TextOptions {
  showSecrets: boolean;
  color: boolean;
  /** Rotation steps by rule id, from the rules in force. */
  rotation?: ReadonlyMap<string, readonly string[]>;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderText(result: ScanResult, opts: TextOptions): string {
  const red = paint(opts.color, '1;31');
  const bold = paint(opts.color, '1');
  const dim = paint(opts.color, '2');
  const out: string[] = [];
  // Paths, commits, API answers and context lines are repository or network content: masked once here.
  const findings = result.findings.map((f) => displayFinding(f, opts.showSecrets));
  if (findings.length === 0) {
    out.push(`notion-guard: no Notion tokens found (${summary(result)}).`);
    return `${out.join('\n')}\n`;
  }
  const files = new Set(findings.map((f) => f.file)).size;
  // One token pasted in two files is one token to rotate: count tokens, then places.
  const tokens = new Set(result.findings.map((f) => f.secret)).size;
  const where = tokens === findings.length ? `in ${plural(files, 'file')}` : `in ${plural(findings.length, 'place')} in ${plural(files, 'file')}`;
  out.push(red(`notion-guard: found ${plural(tokens, 'Notion token')} ${where} (${summary(result)})`));
  out.push('');
  // Live tokens are emergencies: they lead.
  // Live tokens first, the one exposing most at the top: that is the emergency.
  const live = findings.filter((f) => f.verification?.status === 'live').sort((a, b) => reachScore(b.verification?.access) - reachScore(a.verification?.access));
  const ordered = [...live, ...findings.filter((f) => f.verification?.status !== 'live')];
  for (const f of ordered) out.push(...block(f, opts, bold, dim, red), '');
  out.push(...remediation(result.mode, findings, { hasHead: result.hasHead !== false, ...(opts.rotation ? { rotation: opts.rotation } : {}), ...(result.committed ? { committed: result.committed } : {}), ...(result.pushTips ? { pushTips: result.pushTips } : {}) }));
  return `${out.join('\n')}\n`;
}

function block(f: Finding, opts: TextOptions, bold: (s: string) => string, dim: (s: string) => string, red: (s: string) => string): string[] {
  const live = f.verification?.status === 'live';
  const where = `${live ? 'LIVE TOKEN  ' : ''}${sanitize(f.file)}:${f.line}:${f.column}`;
  const lines = [(live ? red(where) : bold(where)) + dim(`  ${sanitize(f.ruleId)}${f.encoding ? ` (${f.encoding})` : ''}${f.binary ? ` (binary, byte ${f.offset})` : ''}${f.inName ? ' (in the file name)' : ''}`)];
  lines.push(`  secret  ${sanitize(redact(f.secret, opts.showSecrets))}`);
  if (f.lineText !== undefined) {
    const shown = f.lineText.trim();
    lines.push(`  line    ${sanitize(shown.length > 160 ? `${shown.slice(0, 157)}...` : shown)}`);
  }
  if (f.verification) lines.push(`  status  ${describeVerification(f.verification)}`);
  if (f.ref !== undefined) lines.push(`  ref     ${sanitize(f.ref)}`);
  if (f.commit) {
    const c = f.commit;
    lines.push(`  commit  ${c.sha.slice(0, 12)} ${sanitize(c.author)} <${sanitize(c.email)}> ${c.date.slice(0, 10)}`);
    lines.push(`          ${sanitize(c.message)}`);
  }
  if (f.occurrences && (f.occurrences.commits > 1 || f.occurrences.paths > 1)) {
    lines.push(`  also in ${plural(f.occurrences.commits - 1, 'other commit')}, ${plural(f.occurrences.paths, 'path')} in all`);
  }
  return lines;
}

/** One line on what verification learned, names sanitised (they come from the network). */
export function describeVerification(v: Verification): string {
  const q = (s: string): string => `"${sanitize(s)}"`;
  if (v.status === 'live') {
    const who: string[] = [];
    if (v.bot) who.push(`integration ${q(v.bot)}`);
    if (v.workspace) who.push(`in workspace ${q(v.workspace)}`);
    if (v.person) who.push(v.bot ? `(authorized by ${q(v.person)})` : `personal token of ${q(v.person)}`);
    if (v.ownerType && v.bot) who.push(`[owner: ${sanitize(v.ownerType)}]`);
    if (v.reason) who.push(`— ${sanitize(v.reason)}`);
    const reach = v.access ? describeAccess(v.access) : '';
    return `LIVE${who.length ? ` — ${who.join(' ')}` : ''}${reach ? ` — ${reach}` : ''}`;
  }
  if (v.status === 'invalid') return `invalid — ${sanitize(v.reason ?? 'rejected by Notion')}; already dead, but remove it anyway`;
  return `unknown — ${sanitize(v.reason ?? 'could not verify')}`;
}

/** How much a token exposes, for ordering: shared objects first, then readable people. */
export function reachScore(a: Access | undefined): number {
  if (!a) return -1;
  return (a.pages?.count ?? 0) + (a.databases?.count ?? 0) + (a.users === 'readable' ? 0.5 : 0) + (a.emails === 'readable' ? 0.25 : 0);
}

const count = (c: ReachCount, word: string): string =>
  `${c.complete ? '' : 'at least '}${c.count.toLocaleString('en-US')} ${word}${c.count === 1 && c.complete ? '' : 's'}`;

/** "reaches 7 pages and 3 databases; can read users and their emails" */
export function describeAccess(a: Access): string {
  const parts: string[] = [];
  const shared = [a.pages && count(a.pages, 'page'), a.databases && count(a.databases, 'database')].filter(Boolean);
  if (shared.length) parts.push(`reaches ${shared.join(' and ')}`);
  if (a.users === 'readable') parts.push(a.emails === 'readable' ? 'can read users and their emails' : a.emails === 'not-readable' ? 'can read users (not their emails)' : 'can read users');
  else if (a.users === 'not-readable') parts.push('cannot read users');
  if (a.incomplete) parts.push(`partly unknown: ${sanitize(a.incomplete)}`);
  return parts.join('; ');
}

function summary(r: ScanResult): string {
  const parts = [
    r.mode === 'history' || r.mode === 'push' || r.mode === 'receive' ? `${plural(r.stats.commits, 'commit')}, ${plural(r.stats.files, 'file version')} scanned` : `${plural(r.stats.files, 'file')} scanned`,
  ];
  if (r.stats.binaryFiles) parts.push(`${r.stats.binaryFiles} of them binary`);
  if (r.stats.archiveMembers) parts.push(`${plural(r.stats.archiveMembers, 'archive member')} opened`);
  if (r.stats.unreadable?.length) parts.push(`${r.stats.unreadable.length} NOT READ`);
  if (r.stats.warnings?.length) parts.push(`${plural(r.stats.warnings.length, 'warning')}`);
  const hidden = r.stats.hidden ? describeHidden(r.stats.hidden) : '';
  return parts.join(', ') + (hidden ? `; ${hidden}` : '');
}

/** "2 hidden by notion-guard:allow, 1 by the baseline": every suppression is visible. */
export function describeHidden(h: NonNullable<ScanResult['stats']['hidden']>): string {
  const by = [
    [h.allowComment, 'notion-guard:allow'],
    [h.allowlist, 'the config allowlist'],
    [h.baseline, 'the baseline'],
  ].filter(([n]) => (n as number) > 0) as [number, string][];
  const text = by.map(([n, what], i) => `${n} ${i === 0 ? 'hidden ' : ''}by ${what}`).join(', ');
  const unopened = h.unreadable ? `${plural(h.unreadable, 'item')} not scanned in allowlisted paths` : '';
  return [text, unopened].filter(Boolean).join(', ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
