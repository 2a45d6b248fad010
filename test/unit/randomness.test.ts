import { describe, expect, it } from 'vitest';
import { rejectReason, longestSequence, wordCoverage } from '../../src/engine/randomness.js';
import { loadRules } from '../../src/rules/load.js';
import { randomBody, seededRandom } from '../../src/rules/examples.js';

const rules = loadRules();

describe('randomness checks', () => {
  it('almost never reject a random token (measured over 200,000 generated bodies)', () => {
    const rnd = seededRandom(2026);
    let rejected = 0;
    const N = 200_000;
    for (let i = 0; i < N; i++) {
      const rule = rules[i % 2]!;
      if (rejectReason(randomBody(rule, rnd), rule) !== undefined) rejected++;
    }
    // Over 10^6 bodies this rate was ~6 per million; allow for the seed.
    expect(rejected / N).toBeLessThan(5e-5);
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
