/** Names as bytes: the display form of a file name that is not UTF-8, checked against Node's own decoder. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayName } from '../../src/sources/walk.js';

describe('displayName', () => {
  it('leaves valid UTF-8 as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(displayName(Buffer.from(s, 'utf8'))).toBe(s);
      }),
    );
  });

  it('writes each byte of an invalid sequence as \\xNN', () => {
    expect(displayName(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\\xffb');
    // Overlong "/" (C0 AF), a lone continuation byte, a UTF-16 surrogate (ED A0 80), a truncated sequence.
    expect(displayName(Buffer.from([0xc0, 0xaf]))).toBe('\\xc0\\xaf');
    expect(displayName(Buffer.from([0x80, 0x41]))).toBe('\\x80A');
    expect(displayName(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\\xed\\xa0\\x80');
    expect(displayName(Buffer.from([0x41, 0xe2, 0x82]))).toBe('A\\xe2\\x82');
  });

  it('agrees with a strict decoder on which byte strings are valid', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const b = Buffer.from(bytes);
        let valid = true;
        try {
          strict.decode(b);
        } catch {
          valid = false;
        }
        const shown = displayName(b);
        if (valid) expect(shown).toBe(b.toString('utf8'));
        else expect(shown).toMatch(/\\x[0-9a-f]{2}/);
      }),
    );
  });
});
