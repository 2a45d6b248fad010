/**
 * Tokens split across adjacent string literals: `"ntn_12ab" + "cd34…"` (JS, Java, C#), `"ntn_12ab"
 * "cd34…"` (Python, C implicit concatenation, also across lines inside parentheses), `'…' . '…'`
 * (PHP, Perl) and `'…' .. '…'` (Lua). People do this to dodge scanners or line-length limits.
 */
import { runLength } from './charset.js';
import type { DetectorRule } from './detect.js';

const QUOTES = new Set(['"', "'", '`']);
// Between two literals: optional whitespace (newlines included), one join operator, whitespace.
const JOIN = /(?:\s|\\\r?\n){0,100}(?:\+|\.\.?|&)?(?:\s|\\\r?\n){0,100}/y;
const MAX_PIECES = 12;

/**
 * The joined body (and where its last piece ends) if the literal starting at `bodyStart` continues
 * in the next ones, else undefined.
 */
export function findSplitToken(text: string, bodyStart: number, rule: DetectorRule): { body: string; end: number } | undefined {
  let body = '';
  let pos = bodyStart;
  for (let piece = 0; piece < MAX_PIECES; piece++) {
    const run = runLength(rule.charset, text, pos, rule.bodyLength - body.length + 1);
    body += text.slice(pos, pos + run);
    pos += run;
    if (body.length > rule.bodyLength) return undefined;
    const quote = text[pos];
    if (quote === undefined || !QUOTES.has(quote)) return undefined;
    if (body.length === rule.bodyLength) return piece > 0 ? { body, end: pos } : undefined;
    if (run === 0 && piece > 0) return undefined;
    JOIN.lastIndex = pos + 1;
    const gap = JOIN.exec(text);
    if (!gap) return undefined;
    const next = pos + 1 + gap[0].length;
    if (text[next] !== quote) return undefined;
    pos = next + 1;
  }
  return undefined;
}
