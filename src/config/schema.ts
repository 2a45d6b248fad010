/**
 * The configuration file (`.notion-guard.toml` at the repository root, or --config FILE). Every key
 * is checked: unknown keys, wrong types and invalid regexes are errors naming the file, the key and
 * its line. The API URL is deliberately not a key: a file inside a scanned repository must never
 * decide where tokens are sent.
 */
import { NotionGuardError } from '../errors.js';

/** The longest allowlist pattern accepted, in characters. */
export const MAX_PATTERN = 1000;

export interface Config {
  file: string;
  rules: string[];
  disabledRules: string[];
  allowlist: { paths: string[]; regexes: string[]; stopwords: string[] };
  baseline?: string;
  verify: { rate?: number; timeout?: number; budget?: number };
}

type Obj = Record<string, unknown>;

/** The 1-based line where `key` is set (inside `[section]` when given), for error messages. */
export function lineOf(text: string, key: string, section?: string): number | undefined {
  const lines = text.split('\n');
  let current = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(l);
    if (sec) {
      current = sec[1]!;
      if (section === undefined && current === key) return i + 1;
      continue;
    }
    if ((section ?? '') === current && new RegExp(`^["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`).test(l)) return i + 1;
  }
  return undefined;
}

export function validateConfig(doc: Obj, text: string, file: string): Config {
  const fail = (key: string, msg: string, section?: string): never => {
    const line = lineOf(text, key.split('.').pop()!.replace(/\[\d+\]$/, ''), section);
    throw new NotionGuardError('config', `${file}${line ? `:${line}` : ''}: ${key}: ${msg}`);
  };
  const strings = (v: unknown, key: string, section?: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return fail(key, 'expected an array of strings', section);
    return v as string[];
  };
  const table = (v: unknown, key: string): Obj => {
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(key, 'expected a table');
    return v as Obj;
  };
  const known = (o: Obj, keys: string[], section?: string): void => {
    for (const k of Object.keys(o)) {
      if (k === 'api_url' || k === 'api-url') fail(section ? `${section}.${k}` : k, 'the API URL cannot be set in a config file (a scanned repository must not decide where tokens go); use --api-url or NOTION_GUARD_API_URL', section);
      if (!keys.includes(k)) fail(section ? `${section}.${k}` : k, `unknown key (expected one of: ${keys.join(', ')})`, section);
    }
  };
  known(doc, ['rules', 'disabled_rules', 'allowlist', 'baseline', 'verify']);
  const allow = table(doc.allowlist, 'allowlist');
  known(allow, ['paths', 'regexes', 'stopwords'], 'allowlist');
  const verify = table(doc.verify, 'verify');
  known(verify, ['rate', 'timeout', 'budget'], 'verify');
  const num = (v: unknown, key: string, min: number, max: number): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !(v > min && v <= max)) return fail(`verify.${key}`, `expected a number above ${min} and at most ${max}`, 'verify');
    return v;
  };
  if (doc.baseline !== undefined && (typeof doc.baseline !== 'string' || doc.baseline === '')) fail('baseline', 'expected a file name');
  const cfg: Config = {
    file,
    rules: strings(doc.rules, 'rules'),
    disabledRules: strings(doc.disabled_rules, 'disabled_rules'),
    allowlist: {
      paths: strings(allow.paths, 'allowlist.paths', 'allowlist'),
      regexes: strings(allow.regexes, 'allowlist.regexes', 'allowlist'),
      stopwords: strings(allow.stopwords, 'allowlist.stopwords', 'allowlist').map((w) => w.toLowerCase()),
    },
    verify: {},
  };
  if (typeof doc.baseline === 'string') cfg.baseline = doc.baseline;
  const rate = num(verify.rate, 'rate', 0, 3);
  const timeout = num(verify.timeout, 'timeout', 0, 120);
  const budget = num(verify.budget, 'budget', 0, 3600);
  if (rate !== undefined) cfg.verify.rate = rate;
  if (timeout !== undefined) cfg.verify.timeout = timeout;
  if (budget !== undefined) cfg.verify.budget = budget;
  // Patterns from a committed file run against hostile names and lines: long ones are refused
  // outright (the matching itself runs under a watchdog, filters/safe-regex.ts).
  for (const key of ['paths', 'regexes', 'stopwords'] as const) {
    cfg.allowlist[key].forEach((p, i) => {
      if (p.length > MAX_PATTERN) fail(`allowlist.${key}[${i}]`, `too long (${p.length} characters; at most ${MAX_PATTERN})`, 'allowlist');
      if (p === '') fail(`allowlist.${key}[${i}]`, 'empty pattern (it would match everything)', 'allowlist');
    });
  }
  cfg.allowlist.regexes.forEach((r, i) => {
    try {
      new RegExp(r, 'u');
    } catch (e) {
      fail(`allowlist.regexes[${i}]`, `invalid regex: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`, 'allowlist');
    }
  });
  return cfg;
}
