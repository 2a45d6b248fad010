import * as v8 from 'node:v8';
import * as vm from 'node:vm';
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
    // A piece a little over MIN_WINDOW is one window: sweep a token across where it commits.
    const token = f.ntn();
    const piece = StreamScanner.MIN_WINDOW + 44 * 1024;
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
    const piece = StreamScanner.MIN_WINDOW + 44 * 1024;
    for (let at = piece - 2100; at < piece + 40; at += 13) {
      const data = Buffer.from(`${'.'.repeat(at)}=${enc}\n`);
      const found = scanPieces(data, piece);
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

  it('finds a token at the end of a long single line (8 MB)', () => {
    const token = f.ntn();
    const data = Buffer.concat([Buffer.alloc(8 * 1024 * 1024, 'a;'), Buffer.from(`;${token}`)]);
    const found = scanPieces(data, 1 << 20);
    expect(found.map((c) => [c.line, c.column])).toEqual([[1, 8 * 1024 * 1024 + 2]]);
  });
});

describe('bounded memory', () => {
  const f = new TokenFactory(31);
  // Live Buffer memory after a full collection (the scanner holds input as Buffers, outside the JS
  // heap). V8 frees Buffer backing stores on a concurrent sweeper: let it run before reading.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const live = async (): Promise<number> => {
    gc();
    await new Promise((r) => setTimeout(r, 5));
    gc();
    return process.memoryUsage().arrayBuffers;
  };
  const MIB = 1024 * 1024;

  /** Push `total` bytes of one newline-free line in fresh 1 MiB pieces; the peak of live memory over the run. */
  async function peakWhileScanning(total: number, keep?: Buffer[]): Promise<{ peak: number; found: number }> {
    const s = new StreamScanner(detector);
    const token = f.ntn();
    const base = await live();
    let peak = 0;
    let found = 0;
    for (let sent = 0, i = 0; sent < total; sent += MIB, i++) {
      const piece = Buffer.alloc(MIB, i % 7 === 3 ? 'ab' : 'a;');
      if (i % 50 === 25) piece.write(` ${token} `, 1000);
      keep?.push(piece);
      found += s.push(piece).length;
      if (i % 8 === 0) peak = Math.max(peak, (await live()) - base);
    }
    found += s.end().length;
    return { peak: Math.max(peak, (await live()) - base), found };
  }

  it('the meter sees memory that is held (control: retaining every piece shows up)', async () => {
    const keep: Buffer[] = [];
    const { peak } = await peakWhileScanning(96 * MIB, keep);
    expect(peak).toBeGreaterThan(80 * MIB);
    keep.length = 0;
  });

  it('stays flat (under 8 MiB of Buffers) while 256 MiB of a single line streams through', async () => {
    const { peak, found } = await peakWhileScanning(256 * MIB);
    expect(found).toBe(5); // pieces 25, 75, 125, 175, 225 each carry the token
    expect(peak).toBeLessThan(8 * MIB);
  });
});
