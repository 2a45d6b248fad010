/**
 * The pre-receive report: short plain lines, since git relays a server hook's output to the pusher
 * as `remote: …` lines (no colour, no terminal width, no long advice block). One line per finding:
 * ref, commit, where, rule, redacted token.
 */
import type { ScanResult } from '../types.js';
import { INTEGRATIONS_URL } from '../remediation.js';
import { displayFinding, redact } from './redact.js';
import { sanitize } from './sanitize.js';
import { describeHidden, plural } from './text.js';

/** Findings named one per line up to this many; a push of a leaked vendor folder stays readable. */
const MAX_LINES = 30;

export function renderRemote(result: ScanResult, showSecrets: boolean): string {
  const s = result.stats;
  const scanned = `${plural(s.commits, 'commit')}, ${plural(s.files, 'file version')} scanned`;
  const hidden = s.hidden ? `; ${describeHidden(s.hidden)}` : '';
  if (result.findings.length === 0) return `notion-guard: no Notion tokens in this push (${scanned}${hidden})\n`;
  const findings = result.findings.map((f) => displayFinding(f, showSecrets));
  const tokens = new Set(result.findings.map((f) => f.secret)).size;
  const out = [`notion-guard: push refused: ${plural(tokens, 'Notion token')} in what this push brings (${scanned}${hidden})`];
  for (const f of findings.slice(0, MAX_LINES)) {
    const commit = f.commit ? f.commit.sha.slice(0, 12) : '-';
    out.push(`notion-guard: ${sanitize(f.ref ?? '-')} ${commit} ${sanitize(f.file)}:${f.line} ${sanitize(f.ruleId)} ${sanitize(redact(f.secret, showSecrets))}`);
  }
  if (findings.length > MAX_LINES) out.push(`notion-guard: … and ${findings.length - MAX_LINES} more`);
  out.push(`notion-guard: rotate ${tokens === 1 ? 'it' : 'them'} if shared (${INTEGRATIONS_URL}), remove ${tokens === 1 ? 'it' : 'them'} from those commits (git commit --amend or git rebase -i), then push again.`);
  return `${out.join('\n')}\n`;
}
