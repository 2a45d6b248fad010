/**
 * Rule examples are templates, expanded at run time, so no token-shaped string is ever committed
 * (hosting platforms' push protection would refuse the repo, and our own history scan would fire).
 *
 *   {{token}}      a fresh random token of the rule        {{token_b64}}  base64 of a fresh token
 *   {{body:TEXT}}  the prefix + TEXT repeated to length    {{seq}}        the prefix + a sequential run
 */
import type { Rule } from '../types.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export type Random = () => number;

/** A small seeded generator (mulberry32), so test corpora are reproducible. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random body of the rule's length; for `ntn_`, shaped as Notion issues them (11 digits first). */
export function randomBody(rule: Pick<Rule, 'prefix' | 'bodyLength'>, rnd: Random): string {
  let body = '';
  const digits = rule.prefix === 'ntn_' ? 11 : 0;
  for (let i = 0; i < rule.bodyLength; i++) {
    body += i < digits ? String(Math.floor(rnd() * 10)) : BASE62[Math.floor(rnd() * 62)];
  }
  // Guarantee both cases, as every real token has: keeps generated examples clear of the
  // single-case rejection whatever the seed.
  if (!/[A-Z]/.test(body)) body = `${body.slice(0, -2)}Q${body.slice(-1)}`;
  if (!/[a-z]/.test(body)) body = `${body.slice(0, -1)}q`;
  return body;
}

export function randomToken(rule: Pick<Rule, 'prefix' | 'bodyLength'>, rnd: Random): string {
  return rule.prefix + randomBody(rule, rnd);
}

export interface ExpandedExample {
  text: string;
  /** Tokens planted in the text, in order: what a scan must find. */
  tokens: string[];
}

export function expandExample(template: string, rule: Rule, rnd: Random): ExpandedExample {
  const tokens: string[] = [];
  const text = template.replace(/\{\{(token_b64|token|seq|body:[^}]*)\}\}/g, (_m, what: string) => {
    if (what === 'token') {
      const t = randomToken(rule, rnd);
      tokens.push(t);
      return t;
    }
    if (what === 'token_b64') {
      const t = randomToken(rule, rnd);
      tokens.push(t);
      return Buffer.from(t).toString('base64');
    }
    if (what === 'seq') {
      let s = '';
      for (let i = 0; s.length < rule.bodyLength; i++) s += BASE62[i % 62];
      return rule.prefix + s;
    }
    const unit = what.slice(5) || 'x';
    return rule.prefix + unit.repeat(Math.ceil(rule.bodyLength / unit.length)).slice(0, rule.bodyLength);
  });
  return { text, tokens };
}
