/** The JSON report: exactly the shape of DESIGN.md, secrets redacted unless asked. */
import type { Finding, ScanResult } from '../types.js';
import { displayFinding, redact, redactText } from './redact.js';
import { escapeJsonText } from './sanitize.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export interface ReportOptions {
  showSecrets: boolean;
  /** Present when known (--repository or GITHUB_REPOSITORY): which repository the report covers. */
  repository?: string;
}

export function findingToJson(finding: Finding, opts: ReportOptions): Record<string, unknown> {
  const f = displayFinding(finding, opts.showSecrets);
  const o: Record<string, unknown> = {
    ruleId: f.ruleId,
    file: f.file,
    line: f.line,
    column: f.column,
    secret: redact(f.secret, opts.showSecrets),
    fingerprint: f.fingerprint,
  };
  if (f.encoding) o.encoding = f.encoding;
  if (f.member) o.member = f.member;
  if (f.inName) o.inName = true;
  if (f.binary) {
    o.binary = true;
    o.offset = f.offset;
  }
  if (f.commit) o.commit = f.commit;
  if (f.ref !== undefined) o.ref = f.ref;
  if (f.occurrences) o.occurrences = f.occurrences;
  if (f.verification) o.verification = f.verification;
  return o;
}

export function renderJson(result: ScanResult, opts: ReportOptions): string {
  const report = {
    version: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...(opts.repository ? { repository: redactText(opts.repository, [], opts.showSecrets) } : {}),
    findings: result.findings.map((f) => findingToJson(f, opts)),
    stats: {
      files: result.stats.files,
      bytes: result.stats.bytes,
      commits: result.stats.commits,
      durationMs: result.stats.durationMs,
      ...(result.stats.binaryFiles ? { binaryFiles: result.stats.binaryFiles } : {}),
      ...(result.stats.archiveMembers ? { archiveMembers: result.stats.archiveMembers } : {}),
      ...(result.stats.unreadable?.length ? { unreadable: result.stats.unreadable.length } : {}),
      ...(result.stats.hidden ? { hidden: result.stats.hidden } : {}),
    },
  };
  return `${escapeJsonText(JSON.stringify(report, null, 2))}\n`;
}
