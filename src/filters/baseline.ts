/**
 * Baselines: today's findings recorded as accepted, so a team can adopt notion-guard on a repository
 * with a past and be told only of new leaks. Entries hold fingerprints (rule, path, secret hashed),
 * never secrets, no line numbers and no timestamps, so they survive lines moving and do not churn.
 */
import { NotionGuardError } from '../errors.js';
import { MIB, readRegularFile } from '../read-regular.js';
import type { Finding } from '../types.js';
import { TOOL_NAME } from '../version.js';
import { fingerprint } from '../fingerprint.js';
import { resolve } from 'node:path';
import { relativeInside } from '../relative-path.js';

export interface BaselineFile {
  version: 1;
  tool: string;
  entries: { fingerprint: string; ruleId: string; file: string }[];
}

type Entry = BaselineFile['entries'][number];

/**
 * Where a finding is, as a baseline records it: relative to the baseline file's folder when inside it
 * (so `staged`, `history` and `dir` from any folder agree), else as reported without a leading `./`.
 */
export function baselinePath(f: Pick<Finding, 'file'>, pathBase: string, folder: string): string {
  return relativeInside(folder, resolve(pathBase, f.file)) ?? f.file.replace(/^\.\//, '');
}

/** The fingerprints under which a baseline may have recorded this finding (older baselines kept `./`). */
export function baselineKeys(f: Finding, pathBase: string, folder: string): string[] {
  return [...new Set([f.fingerprint, fingerprint(f.ruleId, f.file.replace(/^\.\//, ''), f.secret), fingerprint(f.ruleId, baselinePath(f, pathBase, folder), f.secret)])];
}

/** Today's findings added to `previous` entries (a baseline only grows unless replaced). */
export function renderBaseline(findings: readonly Finding[], where: { pathBase: string; folder: string } = { pathBase: '.', folder: '.' }, previous: readonly Entry[] = []): { text: string; total: number } {
  const byPrint = new Map<string, Entry>();
  for (const e of previous) byPrint.set(e.fingerprint, e);
  for (const f of findings) {
    const file = baselinePath(f, where.pathBase, where.folder);
    const print = fingerprint(f.ruleId, file, f.secret);
    if (!byPrint.has(print)) byPrint.set(print, { fingerprint: print, ruleId: f.ruleId, file });
  }
  const entries = [...byPrint.values()].sort((a, b) => (a.file + a.fingerprint < b.file + b.fingerprint ? -1 : 1));
  const doc: BaselineFile = { version: 1, tool: TOOL_NAME, entries };
  return { text: `${JSON.stringify(doc, null, 2)}\n`, total: entries.length };
}

export function loadBaseline(file: string): Set<string> {
  return new Set(loadBaselineEntries(file).map((e) => e.fingerprint));
}

export function loadBaselineEntries(file: string): Entry[] {
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
  return d.entries.map((e) => ({ fingerprint: e.fingerprint, ruleId: String(e.ruleId ?? ''), file: String(e.file ?? '') }));
}
