/** `notion-guard rules [list|test]`. */
import { findConfig, loadConfig } from '../config/load.js';
import { loadRules } from '../rules/load.js';
import { testRuleExamples } from '../rules/test-examples.js';
import type { RunIO } from '../run.js';
import { escapeJsonText, sanitize } from '../report/sanitize.js';
import { redactText } from '../report/redact.js';

/** Rule files can come from a committed config: their text is shown inert and masked. */
const shown = (s: string): string => sanitize(redactText(s));

export function runRules(action: 'list' | 'test', opts: { rules: string[]; format: 'text' | 'json'; config?: string }, io: RunIO): number {
  const cfgFile = opts.config ?? findConfig(process.cwd());
  const cfg = cfgFile ? loadConfig(cfgFile) : undefined;
  const rules = loadRules([...(cfg?.rules ?? []), ...opts.rules], cfg?.disabledRules ?? []);
  if (action === 'test') {
    const r = testRuleExamples(rules, Date.now() & 0xffffffff);
    if (opts.format === 'json') io.stdout(`${escapeJsonText(JSON.stringify({ passed: r.passed, failures: r.failures }, null, 2))}\n`);
    else {
      for (const f of r.failures) io.stdout(`FAIL ${shown(f.ruleId)} ${f.kind}: ${shown(f.template)} (expected ${f.expected}, found ${f.found})\n`);
      io.stdout(`${r.passed} passed, ${r.failures.length} failed\n`);
    }
    return r.failures.length > 0 ? 1 : 0;
  }
  if (opts.format === 'json') {
    io.stdout(`${escapeJsonText(JSON.stringify(rules.map((r) => ({ id: r.id, description: r.description, prefix: r.prefix, minBodyLength: r.minBodyLength, bodyLength: r.bodyLength, charset: r.bodyCharset, source: r.source })), null, 2))}\n`);
  } else {
    for (const r of rules) io.stdout(`${shown(r.id)}\n  ${shown(r.description)}\n  "${shown(r.prefix)}" + ${r.minBodyLength === r.bodyLength ? r.bodyLength : `${r.minBodyLength}-${r.bodyLength}`} of [${shown(r.bodyCharset)}]   (${shown(r.source)})\n`);
  }
  return 0;
}
