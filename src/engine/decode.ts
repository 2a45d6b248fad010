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

/** Encoded tokens in `text`, up to `depth` layers of base64. Offsets point at the encoded run. */
export function findEncodedTokens(text: string, detector: Detector, depth: number): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const pf = prefilter(detector, depth);
  const re = new RegExp(pf.combined.source, 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.index;
    re.lastIndex = at + 1;
    // Fragments of several levels may start at the same place: try every level that matches here.
    pf.levels.forEach((level, d) => {
      if (!level.fragments.some((f) => text.startsWith(f, at))) return;
      for (const c of decodeAround(text, at, d, level, detector)) {
        const key = `${c.secret}@${c.offset}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push(c);
        }
      }
    });
  }
  return out;
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
    let len = runLength(BASE64, text, start, level.span);
    // Cut to whole groups only where the span cut the run; a run's own unpadded tail decodes fine.
    if (len === level.span) len &= ~3;
    if (len < 8) continue;
    const decoded = Buffer.from(text.slice(start, start + len), 'base64').toString('latin1');
    const inner = d === 0 ? detector.detectPlain(decoded) : findEncodedTokens(decoded, detector, d);
    for (const c of inner) {
      const groupStart = start + Math.floor(c.offset / 3) * 4;
      out.push({ ruleId: c.ruleId, secret: c.secret, offset: runStart(text, groupStart), anchor: hit, encoding: 'base64' });
    }
  }
  return out;
}

/** Where the base64 run holding `groupStart` begins, keeping the 4-char alignment of groups. */
function runStart(text: string, groupStart: number): number {
  let s = groupStart;
  const floor = Math.max(0, groupStart - 4096);
  while (s - 4 >= floor && inClass(BASE64, text, s - 1) && inClass(BASE64, text, s - 2) && inClass(BASE64, text, s - 3) && inClass(BASE64, text, s - 4)) s -= 4;
  return s;
}
