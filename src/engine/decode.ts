/**
 * Base64-encoded tokens (Kubernetes Secrets, Basic auth headers, encoded .env files, CI variables).
 *
 * Rather than decoding every base64-looking run (what made gitleaks' decoder blow up memory, issue
 * #2019), we search for the few characters that any base64 encoding of a rule prefix must contain.
 * A prefix of n bytes encodes, at each of the three byte alignments, to a fixed run of characters
 * whatever the surrounding bytes are. Only around such a hit do we decode a small window, at each of
 * the four character alignments, and look for a whole token in the decoded bytes. Nested encodings
 * work the same way with the fragments of the fragments, one level per unit of depth.
 */
import type { Candidate } from '../types.js';
import { BASE64, inClass, runLength } from './charset.js';
import type { Detector } from './detect.js';

/** The characters of base64(prefix) fixed by the prefix alone, for each byte alignment. */
export function stableFragments(prefix: string): string[] {
  const bytes = Buffer.from(prefix, 'latin1');
  const out = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes, Buffer.alloc(3)]);
    const enc = padded.toString('base64');
    let frag = '';
    for (let i = 0; i < enc.length; i++) {
      const first = Math.floor((6 * i) / 8);
      const last = Math.floor((6 * i + 5) / 8);
      if (first >= shift && last < shift + bytes.length) frag += enc[i];
      else if (frag) break;
    }
    if (frag.length >= 4) {
      out.add(frag);
      out.add(frag.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

interface Level {
  fragments: string[];
  /** Base64 chars to decode around a hit so the decoded window holds a whole token and context. */
  span: number;
}

interface Prefilter {
  levels: Level[];
  /** One pass over the text finds the fragments of every level (3x faster than one indexOf each). */
  combined: RegExp;
}

const cache = new WeakMap<Detector, Map<number, Prefilter>>();

function prefilter(detector: Detector, depth: number): Prefilter {
  let byDepth = cache.get(detector);
  if (!byDepth) cache.set(detector, (byDepth = new Map()));
  let p = byDepth.get(depth);
  if (!p) {
    const levels: Level[] = [];
    let frags = [...new Set(detector.rules.map((r) => r.prefix))];
    let tokenLen = Math.max(...detector.rules.map((r) => r.prefix.length + r.bodyLength)) + 8;
    for (let d = 1; d <= depth; d++) {
      frags = [...new Set(frags.flatMap(stableFragments))];
      tokenLen = Math.ceil(tokenLen / 3) * 4 + 8;
      levels.push({ fragments: frags, span: tokenLen });
    }
    const alternatives = [...new Set(levels.flatMap((l) => l.fragments))].map((f) => f.replace(/[+/]/g, '\\$&'));
    p = { levels, combined: new RegExp(alternatives.join('|'), 'g') };
    byDepth.set(depth, p);
  }
  return p;
}

/** Every fragment the encoded search starts at, for `depth` layers (the byte prefilter's literals). */
export function encodedLiterals(detector: Detector, depth: number): string[] {
  return depth > 0 ? [...new Set(prefilter(detector, depth).levels.flatMap((l) => l.fragments))] : [];
}

/** Encoded tokens in `text`, up to `depth` layers of base64. Offsets point at the encoded run. */
export function findEncodedTokens(text: string, detector: Detector, depth: number): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const pf = prefilter(detector, depth);
  const re = new RegExp(pf.combined.source, 'g');
  const tryAt = (at: number, d: number): void => {
    for (const c of decodeAround(text, at, d, pf.levels[d]!, detector)) {
      const key = `${c.secret}@${c.offset}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(c);
      }
    }
  };
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.index;
    re.lastIndex = at + 1;
    // Fragments of several levels may start at the same place: try every level that matches here.
    pf.levels.forEach((level, d) => {
      if (level.fragments.some((f) => text.startsWith(f, at))) tryAt(at, d);
    });
  }
  findAcrossWraps(text, pf.levels, tryAt);
  return out;
}

/**
 * Wrapped base64 (a line of 60+ base64 characters, a multiple of 4, continued on the next line) can
 * cut a fragment in two, hiding it from the search above. At each such line end, look for the
 * fragments across the join, and decode from where they start.
 */
function findAcrossWraps(text: string, levels: Level[], tryAt: (at: number, d: number) => void): void {
  let prev = -1;
  for (let nl = text.indexOf('\n'); nl !== -1; prev = nl, nl = text.indexOf('\n', nl + 1)) {
    // Most lines are short: skip them before looking at any character.
    if (nl - prev <= 60) continue;
    const end = text[nl - 1] === '\r' ? nl - 1 : nl;
    if (!inClass(BASE64, text, end - 1)) continue;
    let begin = end;
    while (begin > 0 && end - begin < 80 && inClass(BASE64, text, begin - 1)) begin--;
    const lineLen = end - begin;
    if (lineLen < 60 || lineLen % 4 !== 0 || inClass(BASE64, text, begin - 1)) continue;
    let next = nl + 1;
    while (text[next] === ' ' || text[next] === '\t') next++;
    if (!inClass(BASE64, text, next)) continue;
    const tail = text.slice(end - 12, end);
    const joined = tail + text.slice(next, next + 12);
    levels.forEach((level, d) => {
      for (const f of level.fragments) {
        for (let i = joined.indexOf(f); i !== -1; i = joined.indexOf(f, i + 1)) {
          // Only fragments that straddle the join: the others were found directly.
          if (i < tail.length && i + f.length > tail.length) tryAt(end - tail.length + i, d);
        }
      }
    });
  }
}

function decodeAround(text: string, hit: number, d: number, level: Level, detector: Detector): Candidate[] {
  const out: Candidate[] = [];
  // The prefix's encoding begins at most a few chars before the fragment; start a little earlier so
  // the decoded window holds the byte before the token too (for the boundary check).
  let runBegin = hit;
  while (runBegin > 0 && hit - runBegin < 12 && inClass(BASE64, text, runBegin - 1)) runBegin--;
  for (let a = 0; a < 4; a++) {
    let start = hit - a;
    if (start < runBegin) continue;
    while (start - 4 >= runBegin && hit - start < 8) start -= 4;
    const { b64, segments } = collectBase64(text, start, level.span);
    let len = b64.length;
    // Cut to whole groups only where the span cut the run; a run's own unpadded tail decodes fine.
    if (len === level.span) len &= ~3;
    if (len < 8) continue;
    const decoded = Buffer.from(b64.slice(0, len), 'base64').toString('latin1');
    const inner = d === 0 ? detector.detectPlain(decoded) : findEncodedTokens(decoded, detector, d);
    for (const c of inner) {
      const groupStart = toTextOffset(segments, Math.floor(c.offset / 3) * 4);
      // The encoded span ends with the group holding the token's last decoded byte.
      const end = toTextOffset(segments, Math.min(len, Math.ceil(c.end / 3) * 4));
      out.push({ ruleId: c.ruleId, secret: c.secret, offset: runStart(text, groupStart), anchor: hit, end: Math.max(end, hit + 1), encoding: 'base64' });
    }
  }
  return out;
}

/**
 * Up to `span` base64 characters from `start`, following wrapped lines: `base64` and most encoders
 * break output every 64 or 76 characters, so an encoded token may continue on the next line
 * (possibly indented, as in a YAML block). Segments map positions back to the text.
 */
function collectBase64(text: string, start: number, span: number): { b64: string; segments: [textStart: number, at: number][] } {
  let b64 = '';
  const segments: [number, number][] = [];
  let pos = start;
  for (;;) {
    const run = runLength(BASE64, text, pos, span - b64.length);
    segments.push([pos, b64.length]);
    b64 += text.slice(pos, pos + run);
    pos += run;
    if (b64.length >= span) break;
    // Follow a line break only out of a long run (a wrapped block), not after a short word.
    let lineStart = pos;
    while (lineStart > 0 && pos - lineStart < 16 && inClass(BASE64, text, lineStart - 1)) lineStart--;
    if (pos - lineStart < 16) break;
    const wrap = /^(?:\r?\n)[ \t]*/.exec(text.slice(pos, pos + 40));
    if (!wrap || !inClass(BASE64, text, pos + wrap[0].length)) break;
    pos += wrap[0].length;
  }
  return { b64, segments };
}

function toTextOffset(segments: [number, number][], at: number): number {
  let best = segments[0]!;
  for (const s of segments) if (s[1] <= at) best = s;
  return best[0] + (at - best[1]);
}

/** Where the base64 run holding `groupStart` begins, keeping the 4-char alignment of groups. */
function runStart(text: string, groupStart: number): number {
  let s = groupStart;
  const floor = Math.max(0, groupStart - 4096);
  while (s - 4 >= floor && inClass(BASE64, text, s - 1) && inClass(BASE64, text, s - 2) && inClass(BASE64, text, s - 3) && inClass(BASE64, text, s - 4)) s -= 4;
  return s;
}
