/**
 * A cheap, conservative test over raw bytes: can this window hold anything the detector would
 * report? Almost no window can, and for those the latin1 conversion and both regex passes of the
 * detector (about 80% of a scan's time, measured on the bench's node_modules tree) are skipped.
 *
 * Every detector result starts at a literal: a rule prefix (plain and split tokens) or a fragment of
 * its base64 encoding (encoded tokens), possibly cut in two by the line break of a wrapped base64
 * block (decode.ts `findAcrossWraps`). So the window is let through when one of those literals occurs
 * in it, a line break (`\r?\n` and indentation) allowed on either side of any of its characters.
 * Anything more precise is the detector's job; this only has to never say no when the detector would
 * say yes (test/unit/prefilter.test.ts checks that against the detector itself).
 *
 * Literals are found with `Buffer#indexOf(byte)` (memchr) on one rare byte of each, then compared in
 * full around it. A literal cut by a wrap still has that byte on one side of the cut, so wrapped
 * blocks need no pass of their own (an earlier sampling pass for them cost a third of the filter).
 */

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
  /** Which bytes may be the anchor's neighbours, before and after (256-entry tables). */
  prev: Uint8Array;
  next: Uint8Array;
}

export class BytePrefilter {
  private readonly anchors: Anchor[];

  /** `literals`: every string a detector result starts at. */
  constructor(literals: readonly string[]) {
    this.anchors = chooseAnchors([...new Set(literals)].filter((l) => l.length > 0));
    this.warmUp();
  }

  /**
   * Take every path of the comparison once, on the anchors' own literals: V8 optimizes `anchorHit`
   * from what it has seen, and each path first taken later (a wrap, a literal at a window's edge)
   * threw the optimized code away. A history scan recompiled it seven times, ~10 ms of CPU each.
   * The answers are not used: this only runs the code.
   */
  private warmUp(): void {
    const literal = this.anchors[0]?.literals[0];
    if (!literal) return;
    const text = Buffer.from(literal.bytes).toString('latin1');
    const cut = Math.max(1, literal.at);
    const wrapped = [text, ` ${text} `, `${text.slice(0, cut)}\r\n  ${text.slice(cut)}`, `${text.slice(0, literal.at + 1)}\n\t${text.slice(literal.at + 1)}`, `${text.slice(0, cut)}\n\n${text.slice(cut)}`, `x${text.slice(literal.at)}`, `${text.slice(0, literal.at + 1)}x`];
    for (let round = 0; round < 2; round++) for (const w of wrapped) this.mayMatch(Buffer.from(w, 'latin1'));
  }

  /** False only when the detector would find nothing in `buf`. */
  mayMatch(buf: Uint8Array): boolean {
    for (const a of this.anchors) if (anchorHit(buf as Buffer, a)) return true;
    return false;
  }
}

function anchorHit(b: Buffer, a: Anchor): boolean {
  const { prev, next } = a;
  for (let i = b.indexOf(a.byte); i !== -1; i = b.indexOf(a.byte, i + 1)) {
    // Most hits are settled by their neighbours alone (`__`, `e_`): no literal call for those. At
    // either end of the window there is no neighbour to reject it by.
    if ((i > 0 && prev[b[i - 1]!] === 0) || (i + 1 < b.length && next[b[i + 1]!] === 0)) continue;
    for (const { bytes, at } of a.literals) if (before(b, i - 1, bytes, at) && after(b, i + 1, bytes, at + 1)) return true;
  }
  return false;
}

/** Bytes that may stand right before (`side` -1) or after (1) the anchor in one of its literals. */
function neighbours(literals: Anchor['literals'], side: -1 | 1): Uint8Array {
  const table = new Uint8Array(256);
  for (const { bytes, at } of literals) {
    const k = at + side;
    if (k < 0 || k >= bytes.length) return table.fill(1); // the literal ends here: anything may follow
    table[bytes[k]!] = 1;
  }
  // A wrap between the anchor and its neighbour: indentation or a line feed before it, CR or LF after.
  if (side < 0) table[32] = table[9] = table[LF] = 1;
  else table[CR] = table[LF] = 1;
  return table;
}

const CR = 13;
const LF = 10;
const isIndent = (c: number | undefined): boolean => c === 32 || c === 9;

/** Do bytes[0..end) match b backwards from `p` (inclusive), with at most one line break among them? */
function before(b: Uint8Array, p: number, bytes: Uint8Array, end: number): boolean {
  let joined = false;
  for (let j = end - 1; j >= 0; j--) {
    if (p >= 0 && b[p] === bytes[j]) {
      p--;
      continue;
    }
    if (joined) return false;
    // Back over a wrap: indentation, a line feed, maybe a carriage return.
    while (p >= 0 && isIndent(b[p])) p--;
    if (p < 0 || b[p] !== LF) return false;
    p--;
    if (p >= 0 && b[p] === CR) p--;
    joined = true;
    j++; // compare this byte again, on the line before
  }
  return true;
}

/** Do bytes[from..) match b forwards from `p`, with at most one line break among them? */
function after(b: Uint8Array, p: number, bytes: Uint8Array, from: number): boolean {
  let joined = false;
  for (let j = from; j < bytes.length; j++) {
    if (p < b.length && b[p] === bytes[j]) {
      p++;
      continue;
    }
    if (joined) return false;
    if (p < b.length && b[p] === CR) p++;
    if (p >= b.length || b[p] !== LF) return false;
    p++;
    while (p < b.length && isIndent(b[p])) p++;
    joined = true;
    j--; // compare this byte again, on the next line
  }
  return true;
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
    const literals: Anchor['literals'] = [];
    for (const i of [...uncovered]) {
      const at = bytesOf[i]!.indexOf(best);
      if (at === -1) continue;
      literals.push({ bytes: bytesOf[i]!, at });
      uncovered.delete(i);
    }
    anchors.push({ byte: best, literals, prev: neighbours(literals, -1), next: neighbours(literals, 1) });
  }
  // Rarest first: a window with a real hit is usually decided by the first pass.
  return anchors.sort((x, y) => frequency(x.byte) - frequency(y.byte));
}
