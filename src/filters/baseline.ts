/**
 * Baselines: today's findings recorded as accepted, so a team can adopt notion-guard on a repository
 * with a past and be told only of new leaks. Entries hold fingerprints (rule, path, secret hashed),
 * never secrets, no line numbers and no timestamps, so they survive lines moving and do not churn.
 */
import { NotionGuardError } from '../errors.js';
import { MIB, readRegularFile } from '../read-regular.js';
import type { Finding } from '../types.js';
import { TOOL_NAME } from '../version.js';

export interface BaselineFile {
  version: 1;
  tool: string;
  entries: { fingerprint: string; ruleId: string; file: string }[];
}

export function renderBaseline(findings: readonly Finding[]): string {
  const seen = new Set<string>();
  const entries = [];
  for (const f of [...findings].sort((a, b) => (a.file + a.fingerprint < b.file + b.fingerprint ? -1 : 1))) {
    if (seen.has(f.fingerprint)) continue;
    seen.add(f.fingerprint);
    entries.push({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file });
  }
  const doc: BaselineFile = { version: 1, tool: TOOL_NAME, entries };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function loadBaseline(file: string): Set<string> {
  const text = readRegularFile(file, { what: 'baseline', maxBytes: 64 * MIB, code: 'config' });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new NotionGuardError('config', `cannot read baseline ${file}: not valid JSON`);
  }
  const d = doc as Partial<BaselineFile>;
  if (!d || d.version !== 1 || !Array.isArray(d.entries) || !d.entries.every((e) => e && typeof e.fingerprint === 'string')) {
    throw new NotionGuardError('config', `${file}: not a notion-guard baseline (expected {"version": 1, "entries": [{"fingerprint": …}]})`);
  }
  return new Set(d.entries.map((e) => e.fingerprint));
}
