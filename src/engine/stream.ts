/**
 * Streaming detection over one file version: bytes in, positioned candidates out, with memory
 * bounded by the piece size whatever the size of the file or of its lines.
 *
 * Pieces are scanned in windows that overlap: each window keeps LOOKBEHIND bytes before the region
 * it commits (context for boundary checks and base64 run starts) and holds back LOOKAHEAD bytes
 * after it (so a match anchored near the end is seen whole in the next window). A candidate is
 * committed by exactly one window, the one whose committed region holds its anchor, so a token
 * across a piece boundary is found exactly once.
 */
import { isAscii } from 'node:buffer';
import type { Candidate, LineMask } from '../types.js';
import { Detector } from './detect.js';

export interface Positioned extends Candidate {
  /** 1-based line (LF-separated; CRLF counts the same). */
  line: number;
  /** The line holding the token's last character (differs from `line` for split or wrapped tokens). */
  endLine: number;
  /** 1-based column in characters (UTF-8 code points) of the reported offset. */
  column: number;
  /** The token's line (latin1 bytes), clipped to the window around the token. */
  lineText: string;
  /** Every candidate of the window that reaches into `lineText` (for masking the context). */
  lineMasks: LineMask[];
}

const HOLD = Detector.LOOKAHEAD;
const KEEP = Detector.LOOKBEHIND;
/**
 * Don't scan until this much is buffered, unless the input ends. Just under a file piece (1 MiB),
 * so a piece read from disk is scanned as it comes, and a git blob of up to this size (40% of the
 * bench history's bytes lie in blobs of 256 KiB to 1 MiB) is one final window: no line counting
 * for a next window, no overlap scanned twice.
 */
const MIN_WINDOW = 1024 * 1024 - 64 * 1024;

export class StreamScanner {
  static readonly MIN_WINDOW = MIN_WINDOW;
  private readonly detector: Detector;
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Absolute offset of pending[0]. */
  private base = 0;
  /** Everything before this absolute offset has been committed. */
  private committed = 0;
  /** Line number at `committed`, and code points since that line's start. */
  private line = 1;
  private col = 0;
  /** Bytes since the current line's start at `committed` (to know if the line starts in-window). */
  private lineBytes = 0;

  /** Binary content: tokens may be glued to their neighbours (Detector.detectBinary). */
  private readonly binary: boolean;

  constructor(detector: Detector, opts: { binary?: boolean } = {}) {
    this.detector = detector;
    this.binary = opts.binary ?? false;
  }

  /** Feed the next piece; returns the candidates it could commit. */
  push(piece: Buffer): Positioned[] {
    // Small pieces are gathered and joined once: concatenating on every push would be quadratic.
    this.parts.push(piece);
    this.partsBytes += piece.length;
    if (this.pending.length + this.partsBytes < StreamScanner.MIN_WINDOW) return [];
    return this.scan(false);
  }

  /** Signal the end of input; returns the remaining candidates. */
  end(): Positioned[] {
    return this.scan(true);
  }

  private scan(final: boolean): Positioned[] {
    // A whole small file arrives as one part: scan it where it lies instead of copying it.
    const win = this.parts.length === 0 ? this.pending : this.pending.length === 0 && this.parts.length === 1 ? this.parts[0]! : joinParts([this.pending, ...this.parts]);
    this.parts = [];
    this.partsBytes = 0;
    const limit = final ? win.length : win.length - HOLD; // relative commit limit
    const from = this.committed - this.base; // relative start of the uncommitted region
    // Nearly every window holds no literal a token could start at: no string, no regex for those.
    const all = !this.detector.mayMatch(win) ? [] : this.binary ? this.detector.detectBinary(win.toString('latin1')) : this.detector.detect(win.toString('latin1'));
    const found = all.filter((c) => c.anchor >= from && c.anchor < limit).sort((a, b) => a.offset - b.offset || a.anchor - b.anchor);
    const cursor = { pos: from, line: this.line };
    const out = found.map((c) => this.position(win, from, cursor, c, all));
    // At the end there is no next window to keep counting for.
    if (!final) this.advance(win, from, limit);
    this.committed = this.base + limit;
    if (final) {
      // Nothing follows: keep no copy of the window.
      this.pending = Buffer.alloc(0);
      return out;
    }
    const keepFrom = Math.max(0, limit - KEEP);
    // Copy so the big window can be collected.
    this.pending = Buffer.from(win.subarray(keepFrom));
    this.base += keepFrom;
    return out;
  }

  /** Line and column of candidate `c` (offsets relative to `win`); `from` is where counters stand. */
  private position(win: Buffer, from: number, cursor: { pos: number; line: number }, c: Candidate, all: readonly Candidate[]): Positioned {
    const at = c.offset;
    let line = this.line;
    let lineStart: number; // relative; may be negative if the line began before this window
    if (at >= from) {
      // Candidates come sorted, so the cursor only moves forward: one pass over the window.
      let nl = win.indexOf(10, cursor.pos);
      while (nl !== -1 && nl < at) {
        cursor.line++;
        nl = win.indexOf(10, nl + 1);
      }
      cursor.pos = Math.max(cursor.pos, at);
      line = cursor.line;
      // (Buffer#lastIndexOf counts a negative offset from the end: at 0 there is nothing before.)
      const last = at > 0 ? win.lastIndexOf(10, at - 1) : -1;
      lineStart = last >= from ? last + 1 : from - this.lineBytes;
    } else {
      // Reported before the committed point (an encoded run that began earlier): count back.
      for (let i = at; i < from; i++) if (win[i] === 10) line--;
      const last = at > 0 ? win.lastIndexOf(10, at - 1) : -1;
      lineStart = last + 1;
    }
    const colBase = lineStart < 0 ? this.col - countCodePoints(win, 0, from) : 0;
    const column = colBase + countCodePoints(win, Math.max(0, lineStart), at) + 1;
    const lineEnd = win.indexOf(10, at);
    const textStart = Math.max(0, lineStart, at - KEEP);
    const textEnd = Math.min(lineEnd === -1 ? win.length : lineEnd, at + HOLD);
    const lineText = win.toString('latin1', textStart, textEnd).replace(/\r$/, '');
    // Any token reaching into this line is masked when it is shown, even one not reported here.
    const lineMasks: LineMask[] = [];
    for (const o of all) {
      if (o.end <= textStart || o.offset >= textEnd) continue;
      const m: LineMask = { from: Math.max(o.offset, textStart) - textStart, to: Math.min(o.end, textEnd) - textStart, secret: o.secret };
      if (o.encoding) m.encoding = o.encoding;
      lineMasks.push(m);
    }
    let endLine = line;
    for (let nl = win.indexOf(10, at); nl !== -1 && nl < c.end - 1; nl = win.indexOf(10, nl + 1)) endLine++;
    return { ...c, offset: this.base + at, anchor: this.base + c.anchor, end: this.base + c.end, line, endLine, column, lineText, lineMasks };
  }

  private advance(win: Buffer, from: number, to: number): void {
    const last = to > from ? win.lastIndexOf(10, to - 1) : -1;
    if (last < from) {
      this.col += countCodePoints(win, from, to);
      this.lineBytes += to - from;
      return;
    }
    this.line += countNewlines(win, from, last + 1);
    this.col = countCodePoints(win, last + 1, to);
    this.lineBytes = to - last - 1;
  }
}

/**
 * Line feeds in win[from, to). The counting loops are functions of their own that end in their
 * loop: V8 optimizes a long loop while it is still running (on-stack replacement), and code after
 * the loop that had never run made that code bail out at every window (30 times in one `dir`).
 */
function countNewlines(win: Buffer, from: number, to: number): number {
  let n = 0;
  for (let nl = win.indexOf(10, from); nl !== -1 && nl < to; nl = win.indexOf(10, nl + 1)) n++;
  return n;
}

/**
 * The parts of a window, joined in one buffer reused from window to window. A git stream brings a
 * file in 64 KB chunks, so most windows are joins, and a fresh buffer for each was a large part of
 * what the collector had to clear in a history scan. Safe because a window is scanned synchronously
 * and nothing keeps it: what outlives `scan` (candidates, line text, the kept tail) is copied out.
 */
let scratch = Buffer.allocUnsafe(0);
const SCRATCH_MAX = 2 * 1024 * 1024;

function joinParts(parts: readonly Buffer[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n > SCRATCH_MAX) return Buffer.concat(parts, n);
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX, Math.max(n, 2 * scratch.length, 64 * 1024)));
  let at = 0;
  for (const p of parts) at += p.copy(scratch, at);
  return scratch.subarray(0, n);
}

/**
 * UTF-8 code points in win[from, to): every byte that is not a continuation byte starts one. Most
 * text is ASCII, which simdutf confirms at memory speed (minified bundles put megabytes on one
 * line); other spans are counted byte by byte, which allocates nothing (a regex over a latin1 copy
 * made a match array per continuation byte: a third of what a history scan gave the collector).
 */
function countCodePoints(win: Buffer, from: number, to: number): number {
  if (to <= from) return 0;
  if (isAscii(win.subarray(from, to))) return to - from;
  return to - from - countContinuations(win, from, to);
}

function countContinuations(win: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((win[i]! & 0xc0) === 0x80) n++;
  return n;
}
// Run the byte loop once now. Scans see ASCII first (the loop then has no type feedback), and V8
// dropped the optimized scanner each time a non-ASCII line came: 37 times in one history scan.
countCodePoints(Buffer.from('\u00e9'), 0, 2);

/** Convenience: all positioned candidates in a whole buffer. */
export function scanBuffer(detector: Detector, data: Buffer): Positioned[] {
  const s = new StreamScanner(detector);
  return [...s.push(data), ...s.end()];
}
