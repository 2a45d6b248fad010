/**
 * git's output arrives in pipe-sized chunks that may cut a UTF-8 character in two; a path decoded
 * chunk by chunk got U+FFFDs (another file name and fingerprint in `history`, found by review with
 * ~3,200 Japanese file names).
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { separatedBatches } from '../../src/git/separated-batches.js';

async function fields(chunks: Buffer[], separator: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of separatedBatches(Readable.from(chunks), separator)) out.push(...batch);
  return out;
}

describe('separatedBatches', () => {
  const names = ['d030/日本語ファイル名.txt', 'src/émoji-😀.md', 'plain.txt', 'ünïcödé/ß'];

  it('keeps every character whole wherever a chunk boundary cuts it, for lines and NUL fields', async () => {
    for (const separator of ['\n', '\0']) {
      const bytes = Buffer.from(names.join(separator) + separator, 'utf8');
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(await fields([bytes.subarray(0, cut), bytes.subarray(cut)], separator), `cut at ${cut}`).toEqual(names);
      }
      // One byte per chunk: every boundary at once.
      expect(await fields([...bytes].map((b) => Buffer.from([b])), separator)).toEqual(names);
    }
  });

  it('yields the last field without a separator, and keeps invalid bytes as U+FFFD as before', async () => {
    expect(await fields([Buffer.from('a\nb')], '\n')).toEqual(['a', 'b']);
    expect(await fields([Buffer.from([0x61, 0xff, 0x0a])], '\n')).toEqual(['a\ufffd']);
    // A character cut at the very end of the output (a truncated stream) is not silently dropped.
    expect(await fields([Buffer.from('x\n'), Buffer.from([0xe6, 0x97])], '\n')).toEqual(['x', '\ufffd']);
  });
});
