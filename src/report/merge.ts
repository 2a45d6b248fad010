/**
 * Merging JSON reports from many runs (an organisation-wide audit fans out one job per repository):
 * findings keep their fingerprints, gain the repository they came from, and duplicates (the same
 * fingerprint in the same repository, e.g. a job re-run) are dropped.
 */
import { NotionGuardError } from '../errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { redact, redactText } from './redact.js';
import { escapeJsonText } from './sanitize.js';

interface Report {
  version: number;
  repository?: string;
  findings: Record<string, unknown>[];
  stats?: Record<string, number>;
}

export function parseReport(text: string, file: string): Report {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new NotionGuardError('usage', `${file}: not a JSON report`);
  }
  const r = doc as Partial<Report>;
  if (!r || r.version !== 1 || !Array.isArray(r.findings) || !r.findings.every((f) => f && typeof f === 'object' && typeof f.fingerprint === 'string')) {
    throw new NotionGuardError('usage', `${file}: not a notion-guard JSON report (expected version 1 with findings)`);
  }
  return r as Report;
}

/**
 * A report made with --show-secrets holds whole tokens, and any report holds repository text:
 * merged output is masked again unless the merge itself is asked to show secrets.
 */
function masked(value: unknown, show: boolean): unknown {
  if (show) return value;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => masked(v, show));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, show)]));
  return value;
}

function maskFinding(f: Record<string, unknown>, show: boolean): Record<string, unknown> {
  if (show) return f;
  const { secret, ...rest } = f;
  const out = masked(rest, show) as Record<string, unknown>;
  if (typeof secret === 'string') out.secret = secret.endsWith('…') ? redactText(secret) : redact(secret);
  return out;
}

export function mergeReports(reports: readonly Report[], opts: { showSecrets?: boolean } = {}): string {
  const show = opts.showSecrets === true;
  const seen = new Set<string>();
  const findings: Record<string, unknown>[] = [];
  const stats = { files: 0, bytes: 0, commits: 0, durationMs: 0 };
  const repos = new Set<string>();
  for (const r of reports) {
    if (r.repository) repos.add(r.repository);
    for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] += Number(r.stats?.[k] ?? 0) || 0;
    for (const f of r.findings) {
      const repository = (f.repository as string | undefined) ?? r.repository;
      const key = `${repository ?? ''}\0${String(f.fingerprint)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shown = maskFinding(f, show);
      findings.push(repository ? { ...shown, repository: masked(repository, show) } : shown);
    }
  }
  const merged = { version: 1, tool: { name: TOOL_NAME, version: TOOL_VERSION }, repositories: masked([...repos].sort(), show), findings, stats };
  return `${escapeJsonText(JSON.stringify(merged, null, 2))}\n`;
}
