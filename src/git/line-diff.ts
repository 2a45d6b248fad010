/**
 * Which lines of a staged file the commit adds, computed here from the two blob versions instead of
 * asking `git diff`: git's diff machinery can be told by the repository itself (attributes, a diff
 * driver, core.bigFileThreshold, a NUL byte in the old version) that a file is binary and has no
 * lines, which would let a token through. Pure: bytes in, line ranges out.
 *
 * Lines are compared by a 53-bit hash of their bytes including the line feed (so a last line that
 * gains a newline has changed, as in git). The added lines are those outside a longest common
 * subsequence (Myers' O(ND) algorithm, after trimming the common head and tail). When the edit is
 * too big for that to be quick, a line counts as added when the old version does not hold as many
 * copies of it: it can then report a moved line as added, never miss a new one.
 */

/** Lines beyond this many per version are not compared: every line of the new version counts. */
export const MAX_LINES = 4_000_000;
/** Myers work (cells visited) and edit size before falling back to counting lines (the trace of an
 * edit of D lines holds ~D² numbers: 3,000 lines is 36 MB). */
const MAX_WORK = 50_000_000;
const MAX_EDIT = 3000;

export class LineHasher {
  private keys = new Float64Array(1024);
  private n = 0;
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  private open = false;
  private overflow = false;

  push(piece: Buffer): void {
    if (this.overflow) return;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < piece.length; i++) {
      const b = piece[i]!;
      h1 = Math.imul(h1 ^ b, 0x01000193);
      h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
      if (b === 10) {
        this.add(h1, h2);
        if (this.overflow) return;
        h1 = 0x811c9dc5;
        h2 = 0x01000193;
        this.open = false;
      } else this.open = true;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** The line keys, or undefined when the file has too many lines to compare. */
  end(): Float64Array | undefined {
    if (this.open) this.add(this.h1, this.h2);
    this.open = false;
    return this.overflow ? undefined : this.keys.subarray(0, this.n);
  }

  private add(h1: number, h2: number): void {
    if (this.n >= MAX_LINES) {
      this.overflow = true;
      return;
    }
    if (this.n === this.keys.length) {
      const bigger = new Float64Array(this.keys.length * 2);
      bigger.set(this.keys);
      this.keys = bigger;
    }
    this.keys[this.n++] = (h1 >>> 0) + (h2 & 0x1fffff) * 4294967296;
  }
}

/** Added line ranges [first, last] (1-based, inclusive) of `next` relative to `prev`. */
export function addedLines(prev: Float64Array, next: Float64Array): [number, number][] {
  let head = 0;
  while (head < prev.length && head < next.length && prev[head] === next[head]) head++;
  let tail = 0;
  while (tail < prev.length - head && tail < next.length - head && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
  const a = prev.subarray(head, prev.length - tail);
  const b = next.subarray(head, next.length - tail);
  const added = new Uint8Array(b.length);
  if (a.length === 0) added.fill(1);
  else if (b.length > 0 && !myers(a, b, added)) countedFallback(a, b, added);
  const ranges: [number, number][] = [];
  for (let i = 0; i < b.length; i++) {
    if (!added[i]) continue;
    const start = i;
    while (i + 1 < b.length && added[i + 1]) i++;
    ranges.push([head + start + 1, head + i + 1]);
  }
  return ranges;
}

/** Marks in `added` the lines of b outside an LCS with a; false when the work bound was hit. */
function myers(a: Float64Array, b: Float64Array, added: Uint8Array): boolean {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let work = 0;
  for (let d = 0; d <= Math.min(max, MAX_EDIT); d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      const from = x;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      work += 1 + x - from;
      v[off + k] = x;
      if (x >= n && y >= m) {
        backtrack(trace, d, n, m, added);
        return true;
      }
    }
    if (work > MAX_WORK) return false;
  }
  return false;
}

function backtrack(trace: Int32Array[], dEnd: number, n: number, m: number, added: Uint8Array): void {
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const vd = trace[d]!; // v as it stood before step d, for k in [-d-1, d+1]
    const at = (k: number): number => vd[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // The snake from the edit's end to (x, y) matched lines; the edit itself is one step.
    while (x > prevX && y > prevY) {
      x--;
      y--;
    }
    if (down) added[prevY] = 1; // an insertion of b[prevY]
    x = prevX;
    y = prevY;
  }
}

function countedFallback(a: Float64Array, b: Float64Array, added: Uint8Array): void {
  const copies = new Map<number, number>();
  for (const k of a) copies.set(k, (copies.get(k) ?? 0) + 1);
  for (let i = 0; i < b.length; i++) {
    const c = copies.get(b[i]!) ?? 0;
    if (c > 0) copies.set(b[i]!, c - 1);
    else added[i] = 1;
  }
}
