/** The human report: one block per finding, redacted, colored only when asked to (a TTY). */
import type { Finding, ScanResult } from '../types.js';
import { remediation } from '../remediation.js';
import { redact, redactText } from './redact.js';
import { sanitize } from './sanitize.js';

export interface TextOptions {
  showSecrets: boolean;
  color: boolean;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

export function renderText(result: ScanResult, opts: TextOptions): string {
  const red = paint(opts.color, '1;31');
  const bold = paint(opts.color, '1');
  const dim = paint(opts.color, '2');
  const out: string[] = [];
  const { findings } = result;
  if (findings.length === 0) {
    out.push(`notion-guard: no Notion tokens found (${summary(result)}).`);
    return `${out.join('\n')}\n`;
  }
  const files = new Set(findings.map((f) => f.file)).size;
  out.push(red(`notion-guard: found ${plural(findings.length, 'Notion token')} in ${plural(files, 'file')} (${summary(result)})`));
  out.push('');
  for (const f of findings) out.push(...block(f, opts, bold, dim), '');
  out.push(...remediation(result.mode, findings));
  return `${out.join('\n')}\n`;
}

function block(f: Finding, opts: TextOptions, bold: (s: string) => string, dim: (s: string) => string): string[] {
  const lines = [bold(`${sanitize(f.file)}:${f.line}:${f.column}`) + dim(`  ${f.ruleId}${f.encoding ? ` (${f.encoding})` : ''}`)];
  lines.push(`  secret  ${sanitize(redact(f.secret, opts.showSecrets))}`);
  if (f.lineText !== undefined && !f.encoding) {
    const shown = redactText(f.lineText, [f.secret], opts.showSecrets).trim();
    lines.push(`  line    ${sanitize(shown.length > 160 ? `${shown.slice(0, 157)}...` : shown)}`);
  }
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

function summary(r: ScanResult): string {
  const parts = [r.mode === 'history' ? `${plural(r.stats.commits, 'commit')}, ${plural(r.stats.files, 'file version')}` : plural(r.stats.files, 'file')];
  if (r.stats.skippedBinary) parts.push(`${r.stats.skippedBinary} binary skipped`);
  if (r.stats.warnings?.length) parts.push(`${plural(r.stats.warnings.length, 'warning')}`);
  return parts.join(', ');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
