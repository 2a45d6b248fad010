/**
 * Validation of parsed rule files. Errors name the file and the field (`rules[1].body_length`), so a
 * broken rule file is fixed in one look.
 */
import { NotionGuardError } from '../errors.js';

export interface RawRule {
  id: string;
  description: string;
  prefix: string;
  body_length: number;
  min_body_length?: number;
  max_body_length?: number;
  verify: boolean;
  charset: string;
  min_entropy: number;
  require_mixed_case: boolean;
  stopwords: string[];
  /** How to rotate this kind of token, one line each (shown in the block message). */
  rotate?: string[];
  examples: { positive: string[]; negative: string[] };
}

const RULE_KEYS = new Set(['id', 'description', 'prefix', 'body_length', 'min_body_length', 'max_body_length', 'verify', 'charset', 'min_entropy', 'require_mixed_case', 'stopwords', 'rotate', 'examples']);

function fail(file: string, field: string, msg: string): never {
  throw new NotionGuardError('rule-file', `${file}: ${field}: ${msg}`);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function validateRuleFile(doc: Record<string, unknown>, file: string): RawRule[] {
  for (const key of Object.keys(doc)) {
    if (key !== 'version' && key !== 'rules') fail(file, key, 'unknown key (expected "version" or "rules")');
  }
  if (doc.version !== undefined && doc.version !== 1) fail(file, 'version', 'unsupported version (expected 1)');
  const rules = doc.rules;
  if (!Array.isArray(rules) || rules.length === 0) fail(file, 'rules', 'expected at least one [[rules]] table');
  return rules.map((r: unknown, i) => validateRule(r, file, `rules[${i}]`));
}

function validateRule(r: unknown, file: string, at: string): RawRule {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(file, at, 'expected a table');
  const o = r as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!RULE_KEYS.has(key)) fail(file, `${at}.${key}`, 'unknown key');
  const str = (k: string, re?: RegExp): string => {
    const v = o[k];
    if (typeof v !== 'string' || v.length === 0) fail(file, `${at}.${k}`, 'expected a non-empty string');
    if (re && !re.test(v)) fail(file, `${at}.${k}`, `must match ${re}`);
    return v;
  };
  const num = (k: string, min: number, max: number, int: boolean): number => {
    const v = o[k];
    if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      fail(file, `${at}.${k}`, `expected ${int ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return v;
  };
  const id = str('id', /^[a-z0-9][a-z0-9.-]*$/);
  const prefix = str('prefix', /^[\x21-\x7e]{2,16}$/);
  const charset = str('charset', /^[\x21-\x7e]+$/);
  // Either an exact body_length, or a min_body_length..max_body_length range.
  let body_length: number;
  let range: { min_body_length?: number; max_body_length?: number } = {};
  if (o.body_length !== undefined || (o.min_body_length === undefined && o.max_body_length === undefined)) {
    if (o.min_body_length !== undefined || o.max_body_length !== undefined) fail(file, `${at}.body_length`, 'give either body_length or min_body_length/max_body_length, not both');
    body_length = num('body_length', 8, 512, true);
  } else {
    const min = num('min_body_length', 8, 512, true);
    const max = num('max_body_length', 8, 512, true);
    if (max < min) fail(file, `${at}.max_body_length`, 'must not be below min_body_length');
    body_length = max;
    range = { min_body_length: min, max_body_length: max };
  }
  const verify = o.verify ?? true;
  if (typeof verify !== 'boolean') fail(file, `${at}.verify`, 'expected true or false');
  const min_entropy = o.min_entropy === undefined ? 0 : num('min_entropy', 0, 8, false);
  const require_mixed_case = o.require_mixed_case ?? false;
  if (typeof require_mixed_case !== 'boolean') fail(file, `${at}.require_mixed_case`, 'expected true or false');
  const stopwords = o.stopwords ?? [];
  if (!isStringArray(stopwords)) fail(file, `${at}.stopwords`, 'expected an array of strings');
  const rotate = o.rotate;
  if (rotate !== undefined && (!isStringArray(rotate) || rotate.length > 12 || rotate.some((l) => l.length > 300 || /[\u0000-\u001f\u007f-\u009f]/.test(l)))) {
    fail(file, `${at}.rotate`, 'expected at most 12 lines of plain text, each under 300 characters');
  }
  const ex = (o.examples ?? {}) as Record<string, unknown>;
  if (typeof ex !== 'object' || Array.isArray(ex)) fail(file, `${at}.examples`, 'expected a table');
  for (const key of Object.keys(ex)) {
    if (key !== 'positive' && key !== 'negative') fail(file, `${at}.examples.${key}`, 'unknown key');
  }
  const positive = ex.positive ?? [];
  const negative = ex.negative ?? [];
  if (!isStringArray(positive)) fail(file, `${at}.examples.positive`, 'expected an array of strings');
  if (!isStringArray(negative)) fail(file, `${at}.examples.negative`, 'expected an array of strings');
  return {
    id,
    description: typeof o.description === 'string' ? o.description : id,
    prefix,
    body_length,
    ...range,
    verify,
    charset,
    min_entropy,
    require_mixed_case,
    ...(rotate ? { rotate } : {}),
    stopwords: stopwords.map((w) => w.toLowerCase()),
    examples: { positive, negative },
  };
}
