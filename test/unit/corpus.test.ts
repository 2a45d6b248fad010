import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../helpers/corpus.js';
import { loadRules } from '../../src/rules/load.js';
import { buildDetector } from '../../src/rules/compile.js';
import { scanItem } from '../../src/scan.js';
import type { SourceItem } from '../../src/types.js';

const detector = buildDetector(loadRules());

function item(name: string, content: string | Buffer, pieceSize = 1 << 20): SourceItem {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return {
    path: name,
    async *read() {
      for (let i = 0; i < buf.length; i += pieceSize) yield buf.subarray(i, i + pieceSize);
    },
  };
}

describe.each([7, 8, 9])('realistic corpus (seed %i)', (seed) => {
  const corpus = buildCorpus(seed);

  it.each(corpus.positive.map((f) => [f.name, f] as const))('finds every token in %s, at the right place', async (_n, file) => {
    const r = await scanItem(item(file.name, file.content), detector);
    const got = r.findings.map((f) => ({ secret: f.secret, line: f.line, column: f.column, ...(f.encoding ? { encoding: f.encoding } : {}) }));
    const key = (e: { line: number; column: number }) => e.line * 1e7 + e.column;
    expect(got.sort((a, b) => key(a) - key(b))).toEqual([...file.expected].sort((a, b) => key(a) - key(b)));
  });

  it.each(corpus.negative.map((f) => [f.name, f] as const))('reports nothing in look-alike file %s', async (_n, file) => {
    const r = await scanItem(item(file.name, file.content), detector);
    expect(r.findings.map((f) => f.secret.slice(0, 12))).toEqual([]);
  });

  it('finds the same tokens whatever the read piece size', async () => {
    for (const file of corpus.positive) {
      for (const size of [7, 64, 4099]) {
        const r = await scanItem(item(file.name, file.content, size), detector);
        expect(r.findings.length, `${file.name} @${size}`).toBe(file.expected.length);
      }
    }
  });
});
