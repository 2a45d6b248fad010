import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { StreamScanner } from '../../src/engine/stream.js';
import { TokenFactory, b64 } from '../helpers/tokens.js';

const detector = buildDetector(loadRules());

function scanPieces(data: Buffer, pieceSize: number) {
  const s = new StreamScanner(detector);
  const out = [];
  for (let i = 0; i < data.length; i += pieceSize) out.push(...s.push(data.subarray(i, i + pieceSize)));
  out.push(...s.end());
  return out;
}

describe('streaming windows', () => {
  const f = new TokenFactory(3);

  it('finds a token exactly once wherever a window boundary cuts it', () => {
    // Windows commit at MIN_WINDOW (256 KiB) + piece arithmetic; sweep a token across that region.
    const token = f.ntn();
    const piece = 300 * 1024;
    for (let at = piece - 2100; at < piece + 60; at += 7) {
      const data = Buffer.from(`${'x '.repeat(at / 2)}${at % 2 ? ' ' : ''}${token} tail\n`);
      const found = scanPieces(data, piece);
      expect(found.length, `token at ${at}`).toBe(1);
      expect(found[0]!.column).toBe(at + 1);
    }
  });

  it('finds a base64-encoded token once across a boundary', () => {
    const token = f.ntn();
    const enc = b64(token);
    for (let at = 300 * 1024 - 2100; at < 300 * 1024 + 40; at += 13) {
      const data = Buffer.from(`${'.'.repeat(at)}=${enc}\n`);
      const found = scanPieces(data, 300 * 1024);
      expect(found.map((c) => c.secret)).toEqual([token]);
      expect(found[0]!.column).toBe(at + 2);
    }
  });

  it('counts lines and columns across many windows, CRLF included', () => {
    const tokens = [f.ntn(), f.legacy(), f.ntn()];
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`line ${i} with some filler text to make it longer`);
    lines[10] = `a=${tokens[0]}`;
    lines[30_000] = `  b: "${tokens[1]}"`;
    lines[59_999] = `é ü ${tokens[2]}`;
    const data = Buffer.from(lines.join('\r\n'));
    const found = scanPieces(data, 65_536);
    expect(found.map((c) => [c.secret, c.line, c.column])).toEqual([
      [tokens[0], 11, 3],
      [tokens[1], 30_001, 7],
      [tokens[2], 60_000, 5],
    ]);
  });

  it('keeps memory flat on a long single line (8 MB, token at the end)', () => {
    const token = f.ntn();
    const data = Buffer.concat([Buffer.alloc(8 * 1024 * 1024, 'a;'), Buffer.from(`;${token}`)]);
    const found = scanPieces(data, 1 << 20);
    expect(found.map((c) => [c.line, c.column])).toEqual([[1, 8 * 1024 * 1024 + 2]]);
  });
});
