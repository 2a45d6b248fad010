/**
 * Merging JSON reports from many runs (an organisation-wide audit fans out one job per repository):
 * findings keep their fingerprints, gain the repository they came from, and duplicates (the same
 * fingerprint in the same repository, e.g. a job re-run) are dropped.
 */
import { NotionGuardError } from '../errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

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

export function mergeReports(reports: readonly Report[]): string {
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
      findings.push(repository ? { ...f, repository } : f);
    }
  }
  const merged = { version: 1, tool: { name: TOOL_NAME, version: TOOL_VERSION }, repositories: [...repos].sort(), findings, stats };
  return `${JSON.stringify(merged, null, 2)}\n`;
}
