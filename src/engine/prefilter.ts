/**
 * A cheap, conservative test over raw bytes: can this window hold anything the detector would
 * report? Almost no window can, and for those the latin1 conversion and both regex passes of the
 * detector (about 80% of a scan's time, measured on the bench's node_modules tree) are skipped.
 *
 * Every detector result starts at a literal: a rule prefix (plain and split tokens) or a fragment of
 * its base64 encoding (encoded tokens); or at the join of a wrapped base64 block, where a fragment
 * may be cut in two. So the window is let through when one of those literals occurs in it, or when
 * it holds a long base64 run ending at a line break that the next line continues. Anything more
 * precise is the detector's job; this only has to never say no when the detector would say yes
 * (test/unit/prefilter.test.ts checks that against the detector itself).
 *
 * Literals are found with `Buffer#indexOf(byte)` (memchr) on one rare byte of each, then compared
 * in full. The anchors are chosen to cover every literal with few, rare bytes.
 */
import { BASE64 } from './charset.js';

/**
 * Bytes of source code and text, most common first (from npm packages, Python and C projects); a
 * byte not listed counts as rare. Only the speed of the filter depends on this, never its answers.
 */
const COMMON = ' etaonirslcdu\nphm.,f(g)y=;b_"\'-/:v0w1x2kTSECAIR{}\t*N[]LD#O3MPF45>B<G6789H$UWj|&qzVK!+?YX`JQZ\\%@~^';

/** Expected hits per MB of text for byte `b` (a rough Zipf curve over COMMON). */
function frequency(b: number): number {
  const rank = COMMON.indexOf(String.fromCharCode(b));
  return rank === -1 ? 300 : 140_000 / (rank + 1);
}

/** The cost of one more indexOf pass over a window, in hits' worth of verification. */
const PASS_COST = 1500;

interface Anchor {
  byte: number;
  /** The literals found through this byte, each with the byte's offset in it. */
  literals: { bytes: Uint8Array; at: number }[];
}

/** A base64 run at least this long, ending a line, may be the first line of a wrapped block. */
const WRAP_RUN = 60;

export class BytePrefilter {
  private readonly anchors: Anchor[];
  /** The literals a wrapped base64 block may cut in two (none: no encoded search). */
  private readonly wrapLiterals: Uint8Array[];

  /** `literals`: every string a detector result starts at; `wrapped`: those of the encoded search. */
  constructor(literals: readonly string[], wrapped: readonly string[]) {
    this.anchors = chooseAnchors([...new Set(literals)].filter((l) => l.length > 0));
    this.wrapLiterals = wrapped.map((l) => Buffer.from(l, 'latin1'));
  }

  /** False only when the detector would find nothing in `buf`. */
  mayMatch(buf: Uint8Array): boolean {
    for (const a of this.anchors) if (this.anchorHit(buf, a)) return true;
    return this.wrapLiterals.length > 0 && hasWrappedFragment(buf, this.wrapLiterals);
  }

  private anchorHit(buf: Uint8Array, a: Anchor): boolean {
    const b = buf as Buffer;
    for (let i = b.indexOf(a.byte); i !== -1; i = b.indexOf(a.byte, i + 1)) {
      for (const { bytes, at } of a.literals) {
        const s = i - at;
        if (s < 0 || s + bytes.length > b.length) continue;
        let k = 0;
        while (k < bytes.length && b[s + k] === bytes[k]) k++;
        if (k === bytes.length) return true;
      }
    }
    return false;
  }
}

/** Weighted greedy set cover: each anchor byte costs a pass plus its expected hits. */
function chooseAnchors(literals: readonly string[]): Anchor[] {
  const bytesOf = literals.map((l) => Buffer.from(l, 'latin1'));
  const uncovered = new Set(bytesOf.keys());
  const anchors: Anchor[] = [];
  while (uncovered.size > 0) {
    let best = -1;
    let bestScore = -1;
    const candidates = new Set<number>();
    for (const i of uncovered) for (const b of bytesOf[i]!) candidates.add(b);
    for (const c of candidates) {
      let covers = 0;
      for (const i of uncovered) if (bytesOf[i]!.includes(c)) covers++;
      const score = covers / (PASS_COST + frequency(c));
      if (score > bestScore) [best, bestScore] = [c, score];
    }
    const anchor: Anchor = { byte: best, literals: [] };
    for (const i of [...uncovered]) {
      const at = bytesOf[i]!.indexOf(best);
      if (at === -1) continue;
      anchor.literals.push({ bytes: bytesOf[i]!, at });
      uncovered.delete(i);
    }
    anchors.push(anchor);
  }
  // Rarest first: a window with a real hit is usually decided by the first pass.
  return anchors.sort((x, y) => frequency(x.byte) - frequency(y.byte));
}

/**
 * Is there a line end where decode.ts's `findAcrossWraps` would look for a fragment cut by the
 * wrap, and finds one? Its line is a run of 60 to 80 base64 characters, so the run covers one of
 * every WRAP_RUN - 1 positions: only those are looked at, and a run is measured only where one of
 * them lands in it. A long run (a data: URI, a wasm or font blob in a bundle) is not walked to its
 * end: only its line end can matter, and memchr finds that.
 */
function hasWrappedFragment(b: Uint8Array, literals: readonly Uint8Array[]): boolean {
  const step = WRAP_RUN - 1;
  const n = b.length;
  for (let i = 0; i < n; ) {
    if (BASE64[b[i]!] !== 1) {
      i += step;
      continue;
    }
    let r = i + 1;
    const cap = i + LONG_RUN;
    while (r < n && r < cap && BASE64[b[r]!] === 1) r++;
    if (r === cap) {
      const nl = (b as Buffer).indexOf(10, r);
      if (nl === -1) return false;
      if (cutFragmentAt(b, nl, literals)) return true;
      // Any later line end is past this one, and a run before it holds a point of this grid.
      i = nl + 1;
      continue;
    }
    const nl = b[r] === 13 && b[r + 1] === 10 ? r + 1 : r;
    if (b[nl] === 10 && cutFragmentAt(b, nl, literals)) return true;
    // The next point of the grid past this run (any later run of 60 still holds one).
    i += step * Math.ceil((r + 1 - i) / step);
  }
  return false;
}

/** The same test as findAcrossWraps at the line feed `nl`, with every literal. */
function cutFragmentAt(b: Uint8Array, nl: number, literals: readonly Uint8Array[]): boolean {
  const end = b[nl - 1] === 13 ? nl - 1 : nl;
  let begin = end;
  while (begin > 0 && end - begin < 80 && BASE64[b[begin - 1]!] === 1) begin--;
  const lineLen = end - begin;
  if (lineLen < WRAP_RUN || lineLen % 4 !== 0 || (begin > 0 && BASE64[b[begin - 1]!] === 1)) return false;
  let next = nl + 1;
  while (b[next] === 32 || b[next] === 9) next++;
  if (next >= b.length || BASE64[b[next]!] !== 1) return false;
  const tail = (b as Buffer).subarray(end - 12, end);
  const joined = Buffer.concat([tail, (b as Buffer).subarray(next, next + 12)]);
  for (const f of literals) {
    for (let i = joined.indexOf(f); i !== -1; i = joined.indexOf(f, i + 1)) if (i < tail.length && i + f.length > tail.length) return true;
  }
  return false;
}

/** Past this many base64 characters, a run is judged at its line end alone. */
const LONG_RUN = 128;
