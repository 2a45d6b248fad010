import { describe, expect, it } from 'vitest';
import { rejectReason, longestSequence, wordCoverage } from '../../src/engine/randomness.js';
import { loadRules } from '../../src/rules/load.js';
import { createHash } from 'node:crypto';

const rules = loadRules();

describe('randomness checks', () => {
  // The bodies come from a plain uniform base62 generator (SHA-256 in counter mode, rejection-sampled),
  // not from the product's own example generator: that one forces both cases in, so measuring
  // against it would hide every false rejection the single-case check makes.
  function uniformBase62(seed: string): () => number {
    const pool = (function* () {
      for (let c = 0; ; c++) yield* createHash('sha256').update(`${seed}:${c}`).digest();
    })();
    return () => {
      for (;;) {
        const b = pool.next().value as number;
        if (b < 248) return b % 62; // 248 = 4 × 62: no modulo bias
      }
    };
  }
  const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

  it.each(rules.map((r) => [r.id, r] as const))(
    'almost never reject a uniformly random %s body (100,000 bodies over its whole length range)',
    (_id, rule) => {
      const next = uniformBase62(rule.id);
      const span = rule.bodyLength - rule.minBodyLength + 1;
      let rejected = 0;
      const N = 100_000;
      for (let i = 0; i < N; i++) {
        const len = rule.minBodyLength + (i % span);
        let body = '';
        for (let k = 0; k < len; k++) body += BASE62[next()];
        if (rejectReason(body, rule) !== undefined) rejected++;
      }
      // Measured over 300,000 bodies per rule: 1 to 2 per 100,000 ("made of words", runs).
      expect(rejected / N).toBeLessThan(1e-4);
    },
  );

  it('covers every shipped token kind, the refresh token included', () => {
    expect(rules.map((r) => r.prefix)).toEqual(expect.arrayContaining(['ntn_', 'secret_', 'nrt_']));
  });

  it('almost never reject an ntn_ body shaped as Notion issues them (11 digits, then base62)', () => {
    const rule = rules.find((r) => r.prefix === 'ntn_')!;
    const next = uniformBase62('ntn-shaped');
    let rejected = 0;
    const N = 100_000;
    for (let i = 0; i < N; i++) {
      let body = '';
      for (let k = 0; k < rule.bodyLength; k++) body += k < 11 ? String(next() % 10) : BASE62[next()];
      if (rejectReason(body, rule) !== undefined) rejected++;
    }
    expect(rejected / N).toBeLessThan(1e-4);
  });

  it.each([
    ['all one character', 'x'.repeat(46)],
    ['sequential', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST'],
    ['digits only', '1234567890'.repeat(5).slice(0, 46)],
    ['single case hex', 'a3f9c2'.repeat(8).slice(0, 46)],
    ['periodic', 'aB3dE7'.repeat(8).slice(0, 46)],
    ['camelCase identifier', 'ApiKeyForNotionWorkspaceAccessToken2024v1abXyz'],
    ['placeholder words', 'YourNotionIntegrationTokenGoesHereReplaceMe1Ab'],
  ])('reject %s', (_n, body) => {
    expect(rejectReason(body, rules[0]!)).toBeDefined();
  });

  it('measures sequences and words as documented', () => {
    expect(longestSequence('xx98765yy')).toEqual({ mixed: 2, digits: 5 });
    expect(longestSequence('aBcDeF')).toEqual({ mixed: 6, digits: 1 });
    expect(wordCoverage('ManagerClient', [])).toBe(1);
    expect(wordCoverage('x9Q2z7K1p0', [])).toBe(0);
  });
});
