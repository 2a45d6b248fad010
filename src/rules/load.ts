/** Loading rule files: read, parse (TOML), validate, compile. The only I/O of rules/. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { createHash } from 'node:crypto';
import { parseToml, tomlErrorPosition } from './toml.js';
import { NotionGuardError } from '../errors.js';
import type { Rule } from '../types.js';
import { validateRuleFile, type RawRule } from './schema.js';
import { MIB, readRegularFile } from '../read-regular.js';

/** The rules shipped with the package (top-level `rules/`). */
export const SHIPPED_RULES = join(PACKAGE_ROOT, 'rules', 'notion.toml');

/**
 * The shipped rules, parsed and validated at build time (scripts/bundle-cli.mjs), keyed by a hash of
 * the TOML: used only while rules/notion.toml is unchanged, so the TOML file stays the truth.
 */
export const SHIPPED_RULES_CACHE = join(PACKAGE_ROOT, 'dist', 'shipped-rules.json');

export function hashRuleText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function cachedShippedRules(text: string): RawRule[] | undefined {
  if (!existsSync(SHIPPED_RULES_CACHE)) return undefined;
  try {
    const cache = JSON.parse(readFileSync(SHIPPED_RULES_CACHE, 'utf8')) as { hash: string; rules: RawRule[] };
    return cache.hash === hashRuleText(text) ? cache.rules : undefined;
  } catch {
    return undefined;
  }
}

/** Parse and validate a rule file's text (no compilation). */
export function parseRawRules(text: string, file: string): RawRule[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (e) {
    const pos = tomlErrorPosition(e);
    const where = pos ? ` (line ${pos.line}, column ${pos.column})` : '';
    const first = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
    throw new NotionGuardError('rule-file', `${file}${where}: invalid TOML: ${first}`);
  }
  return validateRuleFile(doc, file);
}

/** The prefixes of tokens Notion accepts as `Authorization: Bearer`. */
export const NOTION_BEARER_PREFIXES: readonly string[] = ['ntn_', 'secret_'];

/** Why a token found by a rule that is not verifiable was not sent, for its verification status. */
export function unverifiableReason(secret: string, verb: 'not checked' | 'not sent'): string {
  return secret.startsWith('nrt_')
    ? `${verb}: an OAuth refresh token ${verb === 'not sent' ? 'can only be checked with its client credentials' : 'only works with its client secret; treat it as live'}`
    : `${verb}: only Notion API tokens (ntn_, secret_) are ever sent to Notion`;
}

export function parseRuleFile(text: string, file: string): Rule[] {
  const raw = (file === SHIPPED_RULES ? cachedShippedRules(text) : undefined) ?? parseRawRules(text, file);
  return raw.map((r) => ({
    id: r.id,
    description: r.description,
    prefix: r.prefix,
    bodyLength: r.max_body_length ?? r.body_length,
    minBodyLength: r.min_body_length ?? r.body_length,
    // Only Notion's own bearer tokens are ever sent to Notion, whatever a rule file says: rule files
    // can come from the scanned repository's config, and a rule for another vendor's key must not
    // turn that key into a request.
    verifiable: r.verify && NOTION_BEARER_PREFIXES.includes(r.prefix),
    bodyCharset: r.charset,
    minEntropy: r.min_entropy,
    requireMixedCase: r.require_mixed_case,
    stopwords: r.stopwords,
    ...(r.rotate ? { rotate: r.rotate } : {}),
    source: file,
    examples: r.examples,
  }));
}

let shipped: Rule[] | undefined;

export function loadRuleFile(file: string): Rule[] {
  // The shipped file is part of the package: read once per process (see warmShippedRules).
  if (file === SHIPPED_RULES) return (shipped ??= parseRuleFile(readRegularFile(file, { what: 'rule file', maxBytes: MIB, code: 'rule-file' }), file));
  return parseRuleFile(readRegularFile(file, { what: 'rule file', maxBytes: MIB, code: 'rule-file' }), file);
}

/**
 * Read the shipped rules now, while the hook waits on git anyway: its first git answers take about
 * as long as reading and checking the rules, so the two overlap instead of adding up.
 */
export function warmShippedRules(): void {
  try {
    loadRuleFile(SHIPPED_RULES);
  } catch {
    // Reported where the rules are loaded for real, with the command's error handling.
  }
}

/** The shipped rules plus any extra files, with duplicate ids rejected. */
export function loadRules(extraFiles: readonly string[] = [], disabled: readonly string[] = []): Rule[] {
  const all = [SHIPPED_RULES, ...extraFiles].flatMap(loadRuleFile);
  const seen = new Map<string, string>();
  for (const r of all) {
    const prev = seen.get(r.id);
    if (prev) throw new NotionGuardError('rule-file', `${r.source}: rule id "${r.id}" is already defined in ${prev}`);
    seen.set(r.id, r.source);
  }
  return all.filter((r) => !disabled.includes(r.id));
}
