/**
 * The byte prefilter may only say "nothing here" when the detector finds nothing: checked against
 * the detector itself, on every form a token takes and on text built to sit at the filter's edges.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { scanBuffer } from '../../src/engine/stream.js';
import { stableFragments } from '../../src/engine/decode.js';
import { Detector, type DetectorRule } from '../../src/engine/detect.js';
import { compileCharset } from '../../src/engine/charset.js';
import { seededRandom } from '../../src/rules/examples.js';
import { TokenFactory, b64 } from '../helpers/tokens.js';

const detector = buildDetector(loadRules());
const deep = buildDetector(loadRules(), { decodeDepth: 2 });

/** The promise: a window the filter rejects holds nothing for the detector, as text or as binary. */
function agrees(d: Detector, buf: Buffer): void {
  if (d.mayMatch(buf)) return;
  const text = buf.toString('latin1');
  expect(d.detect(text), JSON.stringify(text.slice(0, 200))).toEqual([]);
  expect(d.detectBinary(text), JSON.stringify(text.slice(0, 200))).toEqual([]);
}

function wrap(s: string, width: number, indent = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += width) lines.push(indent + s.slice(i, i + width));
  return lines.join('\n');
}

describe('byte prefilter', () => {
  const f = new TokenFactory(1806);

  it('lets through every form of a token the detector reports', () => {
    for (let i = 0; i < 40; i++) {
      const t = i % 3 === 0 ? f.legacy() : f.ntn();
      const secret = 'apiVersion: v1\nkind: Secret\ndata:\n';
      const pad = 'x'.repeat(i % 3);
      const forms = [
        `NOTION_TOKEN=${t}\n`,
        `const a = "${t.slice(0, 10)}" + "${t.slice(10)}";\n`,
        `${secret}  token: ${b64(pad + t)}\n`,
        `token=${Buffer.from(pad + t).toString('base64url')}\n`,
        `\u0000\u0001row${t}2024-01-01\u0000`,
      ];
      for (const form of forms) {
        const buf = Buffer.from(form, 'latin1');
        const found = scanBuffer(detector, buf).map((c) => c.secret);
        if (found.includes(t)) expect(detector.mayMatch(buf), form).toBe(true);
        agrees(detector, buf);
      }
      // Wrapped at the widths encoders use, indented as in YAML, with the token ever further into
      // the block, so that the wrap cuts the prefix's encoding at every place.
      for (let k = 0; k < 64; k++) {
        for (const w of [60, 64, 76]) {
          const buf = Buffer.from(`${secret}  cert: |\n${wrap(b64(`${' '.repeat(k)}${t}`), w, '    ')}\n`);
          expect(scanBuffer(detector, buf).map((c) => c.secret), `k=${k} w=${w}`).toContain(t);
          expect(detector.mayMatch(buf)).toBe(true);
        }
      }
      // Two layers of base64, with decode depth 2.
      const twice = Buffer.from(`x: ${b64(b64(t))}\n`);
      expect(scanBuffer(deep, twice).map((c) => c.secret)).toContain(t);
      expect(deep.mayMatch(twice)).toBe(true);
      expect(detector.mayMatch(Buffer.from(`x: ${b64(b64(t))}\n`)) || scanBuffer(detector, twice).length === 0).toBe(true);
    }
  });

  it('never rejects what the detector finds, on text built from the pieces it looks for', () => {
    const rnd = seededRandom(77);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const prefixes = detector.prefixes;
    const fragments = [...new Set(prefixes.flatMap(stableFragments))];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-';
    const run = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const pieces: (() => string)[] = [
      () => run(Math.floor(rnd() * 90)),
      () => run(56 + Math.floor(rnd() * 28)) + pick(['\n', '\r\n', '\n    ', '\n\t']),
      () => pick([' ', '\n', '"', '=', ': ', ',', '\r\n', '\u0000']),
      () => {
        const p = pick(fragments);
        const cut = Math.floor(rnd() * p.length);
        return p.slice(0, cut) + pick(['', '\n', '\r\n', '\n  ']) + p.slice(cut);
      },
      () => pick(prefixes) + run(40 + Math.floor(rnd() * 10)),
      () => {
        const t = rnd() < 0.5 ? f.ntn() : f.legacy();
        const enc = b64(' '.repeat(Math.floor(rnd() * 48)) + t);
        return rnd() < 0.5 ? enc : wrap(enc, pick([60, 64, 68, 76]), pick(['', '  ']));
      },
    ];
    let rejected = 0;
    for (let n = 0; n < 4000; n++) {
      let s = '';
      const parts = 1 + Math.floor(rnd() * 12);
      for (let k = 0; k < parts; k++) s += pick(pieces)();
      const buf = Buffer.from(s, 'latin1');
      if (!detector.mayMatch(buf)) rejected++;
      agrees(detector, buf);
      agrees(deep, buf);
    }
    // The check above means something only if the filter did reject many of these.
    expect(rejected).toBeGreaterThan(250);
  });

  it('agrees with the detector on real files, and rejects nearly all of them', () => {
    const root = join(__dirname, '../../node_modules');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (files.length >= 3000) return;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() && statSync(p).size < 4 << 20) files.push(p);
      }
    };
    walk(root);
    let passed = 0;
    for (const file of files) {
      const buf = readFileSync(file);
      if (detector.mayMatch(buf)) passed++;
      agrees(detector, buf);
    }
    expect(files.length).toBeGreaterThan(1000);
    expect(passed / files.length).toBeLessThan(0.05);
  });

  it('derives its anchors from any rule set, not from the shipped prefixes', () => {
    const rule: DetectorRule = { id: 'custom', prefix: 'zq~Kx', bodyLength: 30, minBodyLength: 30, charset: compileCharset('A-Za-z0-9'), minEntropy: 0, requireMixedCase: false, stopwords: [] } as unknown as DetectorRule;
    const d = new Detector([rule]);
    const body = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC2';
    for (const text of [`k=${rule.prefix}${body}\n`, `k: ${b64(`${rule.prefix}${body}`)}\n`]) {
      const buf = Buffer.from(text);
      expect(d.detect(text).length, text).toBe(1);
      expect(d.mayMatch(buf)).toBe(true);
    }
    expect(d.mayMatch(Buffer.from('nothing to see here\n'.repeat(100)))).toBe(false);
  });
});
