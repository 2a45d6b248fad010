/**
 * Token boundaries. A token is reported only when it stands alone: not glued to the end or start of
 * a longer run (an identifier, a base64/hex blob, a JWT), yet still found right after an escape such
 * as `\n`, `\u003d` or `%3D`, which is how tokens appear in JSON-escaped notebooks and URLs.
 */
import { ALNUM, inClass } from './charset.js';

const ESCAPE_BEFORE = [
  /\\[nrtbfv0]$/, // C-style escapes: "\nntn_…" in JSON strings
  /\\u[0-9A-Fa-f]{4}$/, // JSON unicode escapes: \u003d (=), \u0022 (")
  /\\x[0-9A-Fa-f]{2}$/,
  /%[0-9A-Fa-f]{2}$/, // URL-encoded separators: token%3Dntn_…
  // Terminal colour codes before a token in logs and saved notebook outputs: raw, or JSON-escaped.
  /\x1b\[[0-9;]*m$/,
  /\\(?:u001[bB]|x1[bB]|033|e)\[[0-9;]*m$/,
];

/** Is the character before `start` a legitimate place for a token to begin? */
export function leftBoundaryOk(text: string, start: number, gluedPrefixes: readonly GluedToken[]): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  if (c === 0x5f /* _ */ || c === 0x2d /* - */) {
    // `client_secret_…`, `my-ntn_…`, or a base64url blob: identifier continuation.
    return !inClass(ALNUM, text, start - 2);
  }
  if (!inClass(ALNUM, text, start - 1)) return true;
  const before = text.slice(Math.max(0, start - 16), start);
  if (ESCAPE_BEFORE.some((re) => re.test(before))) return true;
  // Two tokens written back to back: the previous one ends exactly here.
  return gluedPrefixes.some((g) => endsWithToken(text, start, g));
}

/** Is the character at `end` (just past the token) a legitimate place for it to stop? */
export function rightBoundaryOk(text: string, end: number, prefixes: readonly string[]): boolean {
  if (end >= text.length) return true;
  const c = text.charCodeAt(end);
  if (c === 0x5f || c === 0x2d) {
    if (prefixes.some((p) => text.startsWith(p, end))) return true;
    return !inClass(ALNUM, text, end + 1);
  }
  if (!inClass(ALNUM, text, end)) return true;
  return prefixes.some((p) => text.startsWith(p, end));
}

export interface GluedToken {
  prefix: string;
  bodyLength: number;
}

function endsWithToken(text: string, end: number, g: GluedToken): boolean {
  const start = end - g.bodyLength - g.prefix.length;
  if (start < 0 || !text.startsWith(g.prefix, start)) return false;
  for (let i = start + g.prefix.length; i < end; i++) if (!inClass(ALNUM, text, i)) return false;
  return true;
}
