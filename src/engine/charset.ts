/**
 * Byte-class tables. The detector works on latin1 strings (one char per byte), so a 256-entry table
 * answers "is this byte in the class" without a regex.
 */

export type ByteClass = Uint8Array;

/** Compile a regex-style class body such as `A-Za-z0-9` (ranges and literal chars only). */
export function compileCharset(spec: string): ByteClass {
  const table = new Uint8Array(256);
  for (let i = 0; i < spec.length; i++) {
    const from = spec.charCodeAt(i);
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const to = spec.charCodeAt(i + 2);
      if (to < from) throw new Error(`bad range ${spec.slice(i, i + 3)}`);
      for (let c = from; c <= to && c < 256; c++) table[c] = 1;
      i += 2;
    } else if (from < 256) {
      table[from] = 1;
    }
  }
  return table;
}

export const ALNUM = compileCharset('A-Za-z0-9');
/** The union of the standard and URL-safe base64 alphabets. */
export const BASE64 = compileCharset('A-Za-z0-9+/_-');

export function inClass(table: ByteClass, text: string, index: number): boolean {
  return index >= 0 && index < text.length && table[text.charCodeAt(index)] === 1;
}

/** Length of the run of class members starting at `start`, looking at most `max` chars. */
export function runLength(table: ByteClass, text: string, start: number, max: number): number {
  const end = Math.min(text.length, start + max);
  let i = start;
  while (i < end && table[text.charCodeAt(i)] === 1) i++;
  return i - start;
}
