/**
 * The only place a secret becomes displayable text. Redacted by default: the prefix and four body
 * characters (enough to tell two tokens apart, ~24 bits of a ~270-bit secret), then an ellipsis.
 *
 * Every outgoing string that can hold repository or network content (a path, a commit subject, an
 * author, a context line, an API answer, an error) passes `redactText`, which masks what the
 * detector itself would find (plain, split and base64 forms) plus any token-shaped run the rules
 * would not report (`x_ntn_…`, a token glued to other characters, a cut piece).
 */
import type { Detector } from '../engine/detect.js';
import type { CommitInfo, Finding, LineMask, Verification } from '../types.js';
import { buildDetector } from '../rules/compile.js';
import { loadRules } from '../rules/load.js';

const KNOWN_PREFIXES = ['ntn_', 'secret_', 'nrt_'];

export function redact(secret: string, show = false): string {
  if (show) return secret;
  const prefix = KNOWN_PREFIXES.find((p) => secret.startsWith(p)) ?? secret.slice(0, 4);
  return `${prefix}${secret.slice(prefix.length, prefix.length + 4)}…`;
}

/**
 * Masking runs the rules in force (shipped plus the run's extra rules, disabled ones included: a
 * rule turned off for findings must not turn a token printable), with one more layer of base64
 * than scans use: the text masked is small.
 */
let detector: Detector | undefined;
let prefixes: string[] = KNOWN_PREFIXES;
let loose: RegExp = looseRegex(prefixes);

export function setRedactionDetector(d: Detector): void {
  detector = d;
  prefixes = [...new Set([...KNOWN_PREFIXES, ...d.prefixes])];
  loose = looseRegex(prefixes);
}

function activeDetector(): Detector | undefined {
  if (!detector) {
    try {
      setRedactionDetector(buildDetector(loadRules(), { decodeDepth: 2 }));
    } catch {
      // Shipped rules unreadable (we are probably reporting that very error): token-shaped runs only.
      return undefined;
    }
  }
  return detector;
}

/** A prefix then 16+ letters and digits with at least one of each: shaped like a token, whatever its edges. */
function looseRegex(ps: readonly string[]): RegExp {
  const alt = [...ps].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  return new RegExp(`(?:${alt})(?=[A-Za-z0-9]*[0-9])(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{16,}`, 'g');
}

interface Span {
  from: number;
  to: number;
  label: string;
}

function label(secret: string, encoding?: string): string {
  return encoding ? `${redact(secret)}[${encoding}]` : redact(secret);
}

/**
 * Mask `spans` and every token-shaped run in `latin` (one char per byte, as the detector reads) and
 * return the result decoded as UTF-8.
 */
function maskBytes(latin: string, secrets: readonly string[], extra: readonly Span[] = []): string {
  const spans: Span[] = [...extra];
  for (const c of activeDetector()?.detect(latin) ?? []) spans.push({ from: c.offset, to: c.end, label: label(c.secret, c.encoding) });
  for (const s of secrets) {
    if (s.length < 8) continue;
    for (let at = latin.indexOf(s); at !== -1; at = latin.indexOf(s, at + 1)) spans.push({ from: at, to: at + s.length, label: redact(s) });
    // The same token under another spelling of its prefix (`ntn%5F…`, `ntn\u005f…`) is the same secret:
    // its body alone is masked wherever it appears.
    const prefix = KNOWN_PREFIXES.find((p) => s.startsWith(p));
    const body = prefix ? s.slice(prefix.length) : '';
    if (body.length >= 16) {
      for (let at = latin.indexOf(body); at !== -1; at = latin.indexOf(body, at + 1)) spans.push({ from: at, to: at + body.length, label: `${body.slice(0, 4)}…` });
    }
  }
  loose.lastIndex = 0;
  for (let m = loose.exec(latin); m !== null; m = loose.exec(latin)) spans.push({ from: m.index, to: m.index + m[0].length, label: redact(m[0]) });
  if (spans.length === 0) return Buffer.from(latin, 'latin1').toString('utf8');
  spans.sort((a, b) => a.from - b.from || b.to - a.to);
  const out: string[] = [];
  let pos = 0;
  for (const s of spans) {
    if (s.to <= pos) continue;
    // A span overlapping the one before it extends the mask, labelled once.
    if (s.from >= pos) out.push(Buffer.from(latin.slice(pos, s.from), 'latin1').toString('utf8'), s.label);
    pos = s.to;
  }
  out.push(Buffer.from(latin.slice(pos), 'latin1').toString('utf8'));
  return out.join('');
}

/** Redact every token-shaped run in free text (paths, commit metadata, API answers, errors). */
export function redactText(text: string, secrets: readonly string[] = [], show = false): string {
  if (show) return text;
  // Cheap exit for the common case: no prefix, no base64-looking run, nothing to mask.
  if (!prefixes.some((p) => text.includes(p)) && !/[A-Za-z0-9+/_-]{16}/.test(text)) return text;
  return maskBytes(Buffer.from(text, 'utf8').toString('latin1'), secrets);
}

/**
 * The line around a finding, for display: decoded as UTF-8 and masked, including the spans the
 * scanner saw there (the pieces of a split token whose first piece is on another line).
 */
export function redactContext(lineText: string, masks: readonly LineMask[] | undefined, secrets: readonly string[], show = false): string {
  if (show) return Buffer.from(lineText, 'latin1').toString('utf8');
  const spans = (masks ?? []).map((m) => ({ from: m.from, to: m.to, label: label(m.secret, m.encoding) }));
  return maskBytes(lineText, [...new Set([...secrets, ...(masks ?? []).map((m) => m.secret)])], spans);
}

/** Commit metadata as displayable text: a subject or author name can hold a token too. */
export function redactCommit<C extends CommitInfo>(c: C, secrets: readonly string[], show = false): C {
  if (show) return c;
  return { ...c, author: redactText(c.author, secrets), email: redactText(c.email, secrets), message: redactText(c.message, secrets) };
}

/** What the API said (bot and workspace names are chosen by whoever made the token). */
export function redactVerification(v: Verification, secrets: readonly string[], show = false): Verification {
  if (show) return v;
  const o: Verification = { ...v };
  for (const k of ['reason', 'bot', 'workspace', 'ownerType', 'person'] as const) {
    const s = o[k];
    if (s !== undefined) o[k] = redactText(s, secrets);
  }
  if (o.access?.incomplete !== undefined) o.access = { ...o.access, incomplete: redactText(o.access.incomplete, secrets) };
  return o;
}

/** A finding's path as displayable text (fingerprints and baselines keep the real one). */
export function redactPath(f: Pick<Finding, 'file' | 'secret'>, show = false): string {
  return redactText(f.file, [f.secret], show);
}

/**
 * A finding as reporters show it: path, commit metadata, API answer and context line masked (the
 * context also decoded as UTF-8). `secret` stays whole for `redact()` at the point of printing, and
 * `fingerprint` was computed from the real path.
 */
export function displayFinding(f: Finding, show = false): Finding {
  const secrets = [f.secret];
  const { lineMasks, ...d } = f;
  d.file = redactText(f.file, secrets, show);
  if (f.commit) d.commit = redactCommit(f.commit, secrets, show);
  // A ref name is chosen by whoever pushes: it can hold a token too.
  if (f.ref !== undefined) d.ref = redactText(f.ref, secrets, show);
  // So is an archive member's name.
  if (f.member !== undefined) d.member = redactText(f.member, secrets, show);
  if (f.verification) d.verification = redactVerification(f.verification, secrets, show);
  if (f.lineText !== undefined) d.lineText = redactContext(f.lineText, lineMasks, secrets, show);
  return d;
}
