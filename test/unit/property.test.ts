/** Property tests (fast-check): planted tokens are found exactly once; random bytes (with tokens planted) scan the same in any pieces. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { StreamScanner } from '../../src/engine/stream.js';
import { randomToken, seededRandom } from '../../src/rules/examples.js';
import { NTN, LEGACY } from '../helpers/tokens.js';

const detector = buildDetector(loadRules());

function scanInPieces(data: Buffer, cuts: number[]) {
  const s = new StreamScanner(detector);
  const out = [];
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => Math.min(data.length, x)))].sort((a, b) => a - b)) {
    out.push(...s.push(data.subarray(at, c)));
    at = c;
  }
  out.push(...s.push(data.subarray(at)), ...s.end());
  return out;
}

// Characters a token may stand next to: whitespace, quotes, punctuation, markup, escapes' backslash.
const SEPARATORS = [' ', '\n', '\r\n', '\t', '"', "'", '`', '=', ':', ',', ';', '(', ')', '[', ']', '{', '}', '<', '>', '/', '\\n', '\\"', '|', '!', '?', '.', '*', '#', '&'];
const filler = fc.string({ unit: fc.constantFrom(...'abc xyz_-=:;,.\n\t"\'{}[]()<>/\\0123456789éü✓'.split('')), maxLength: 3000 });

describe('property: a planted token is found exactly once', () => {
  it('at any position, between any accepted neighbours, across any piece boundaries', () => {
    fc.assert(
      fc.property(
        filler,
        filler,
        fc.constantFrom(...SEPARATORS),
        fc.constantFrom(...SEPARATORS),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 7000 }), { maxLength: 6 }),
        (before, after, left, right, seed, legacy, cuts) => {
          const token = randomToken(legacy ? LEGACY : NTN, seededRandom(seed));
          const text = `${before}${left}${token}${right}${after}`;
          const found = scanInPieces(Buffer.from(text), cuts).filter((c) => c.secret === token && !c.encoding);
          expect(found).toHaveLength(1);
          const offset = Buffer.byteLength(`${before}${left}`);
          expect(found[0]!.offset).toBe(offset);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('across window boundaries of a long input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1000, max: 400_000 }), (pos, seed, piece) => {
        const token = randomToken(NTN, seededRandom(seed));
        const data = Buffer.alloc(600_000 + 60, 0x20);
        data.write(token, pos, 'latin1');
        const cuts = [];
        for (let c = piece; c < data.length; c += piece) cuts.push(c);
        expect(scanInPieces(data, cuts).filter((c) => c.secret === token)).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });
});

describe('property: random input', () => {
  it('random bytes with tokens planted in them: each is found, and piece boundaries change nothing', () => {
    const key = (c: { secret: string; line: number; column: number }) => `${c.secret}@${c.line}:${c.column}`;
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 20_000 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 1 << 30 })), { maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { maxLength: 5 }),
        (bytes, plants, cuts) => {
          // Plant each token between newlines at a spot of the random input (from the end, so a
          // later plant never lands inside an earlier one).
          let data = Buffer.from(bytes);
          const planted: string[] = [];
          const spots = plants.map(([at, seed]) => [bytes.length === 0 ? 0 : at % (bytes.length + 1), seed] as const).sort((a, b) => b[0] - a[0]);
          for (const [pos, seed] of spots) {
            const token = randomToken(seed % 2 ? NTN : LEGACY, seededRandom(seed));
            data = Buffer.concat([data.subarray(0, pos), Buffer.from(`\n${token}\n`), data.subarray(pos)]);
            planted.push(token);
          }
          const whole = scanInPieces(data, []).map(key).sort();
          expect(scanInPieces(data, cuts).map(key).sort()).toEqual(whole);
          const secrets = new Set(whole.map((k) => k.slice(0, k.lastIndexOf('@'))));
          for (const t of planted) expect(secrets.has(t), t.slice(0, 8)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random text dense with prefixes, base64 fragments and quotes', () => {
    const parts = ['ntn_', 'secret_', 'bnRuX', 'c2VjcmV0X', 'udG5f', '"', "' + '", 'A', 'z', '9', '\\n', '%3D', '\\u003d', '_', '-', '='];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...parts), { maxLength: 2000 }), (pieces) => {
        const r = scanInPieces(Buffer.from(pieces.join('')), [777]);
        for (const c of r) expect(c.secret.length).toBe(50);
      }),
      { numRuns: 300 },
    );
  });
});
