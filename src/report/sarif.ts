/**
 * SARIF 2.1.0 for GitHub code scanning: rule metadata with help (the remediation), one result per
 * finding with a physical location, and a stable partial fingerprint (GitHub deduplicates alerts by
 * it across runs). Secrets are redacted unless --show-secrets.
 */
import type { Finding, Rule, ScanResult } from '../types.js';
import { INTEGRATIONS_URL } from '../remediation.js';
import { displayFinding, redact, redactText } from './redact.js';
import { escapeJsonText } from './sanitize.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function ruleHelp(rule: Rule): { text: string; markdown: string } {
  const steps = [
    `Treat the token as compromised: open ${INTEGRATIONS_URL}, select the integration and refresh its secret (the old one stops working at once), then update every deployment that uses it.`,
    'Remove the token from the code and load it from the environment or a secret manager.',
    'Optionally purge it from history with git filter-repo --replace-text, force-push, and tell every clone.',
    'False positive: add "notion-guard:allow" on the line, or an allowlist entry in .notion-guard.toml.',
  ];
  return {
    text: `${rule.description}. ${steps.join(' ')}`,
    markdown: `**${rule.description}**\n\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
  };
}

function uri(file: string): string {
  const clean = file.replace(/^\.\//, '');
  const enc = clean.split('/').map(encodeURIComponent).join('/');
  return clean.startsWith('/') ? `file://${enc}` : enc;
}

export function renderSarif(result: ScanResult, rules: readonly Rule[], opts: { showSecrets: boolean; repository?: string }): string {
  const used = [...rules];
  const index = new Map(used.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            rules: used.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description}: "${r.prefix}" followed by ${r.minBodyLength === r.bodyLength ? r.bodyLength : `${r.minBodyLength} to ${r.bodyLength}`} random characters.` },
              help: ruleHelp(r),
              defaultConfiguration: { level: 'error' },
              properties: { tags: ['security', 'secret', 'notion'], precision: 'very-high', 'security-severity': '9.0' },
            })),
          },
        },
        // A scan that could not read everything in scope did not succeed, whatever it found.
        invocations: [
          {
            executionSuccessful: !result.stats.unreadable?.length,
            ...(result.stats.unreadable?.length
              ? { toolExecutionNotifications: result.stats.unreadable.map((m) => ({ level: 'error', message: { text: redactText(m, [], opts.showSecrets) } })) }
              : {}),
          },
        ],
        results: result.findings.map((f) => resultFor(f, index, opts)),
        ...(opts.repository ? { properties: { repository: redactText(opts.repository, [], opts.showSecrets) } } : {}),
      },
    ],
  };
  return `${escapeJsonText(JSON.stringify(sarif, null, 2))}\n`;
}

function resultFor(finding: Finding, index: Map<string, number>, opts: { showSecrets: boolean }) {
  const f = displayFinding(finding, opts.showSecrets);
  const v = f.verification;
  const status = v ? ` Verification: ${v.status}${v.bot ? ` (integration "${v.bot}"${v.workspace ? ` in workspace "${v.workspace}"` : ''})` : ''}.` : '';
  const commit = f.commit;
  const where = commit ? ` Introduced in commit ${commit.sha.slice(0, 12)} by ${commit.author}.` : '';
  return {
    ruleId: f.ruleId,
    ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
    level: 'error',
    message: { text: `Notion token ${redact(f.secret, opts.showSecrets)}${f.encoding ? ` (${f.encoding})` : ''} in ${f.file}.${where}${status} Rotate it, then remove it.` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uri(f.file) },
          region: {
            startLine: f.line,
            startColumn: f.column,
            ...(f.encoding ? {} : { endLine: f.line, endColumn: f.column + f.secret.length }),
            ...(f.offset !== undefined ? { byteOffset: f.offset, ...(f.encoding ? {} : { byteLength: f.secret.length }) } : {}),
          },
        },
      },
    ],
    partialFingerprints: { 'notionGuard/v1': f.fingerprint },
    properties: {
      ...(commit ? { commit } : {}),
      ...(f.occurrences ? { occurrences: f.occurrences } : {}),
      ...(v ? { verification: v } : {}),
      ...(f.encoding ? { encoding: f.encoding } : {}),
    },
  };
}
