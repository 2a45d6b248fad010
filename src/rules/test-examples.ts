/** Run every rule's examples through the detector (for `notion-guard rules test` and the tests). */
import type { Rule } from '../types.js';
import { buildDetector } from './compile.js';
import { expandExample, seededRandom } from './examples.js';
import { scanBuffer } from '../engine/stream.js';

export interface ExampleFailure {
  ruleId: string;
  kind: 'positive' | 'negative';
  template: string;
  expected: number;
  found: number;
}

export function testRuleExamples(rules: readonly Rule[], seed = 1): { passed: number; failures: ExampleFailure[] } {
  const detector = buildDetector(rules);
  const rnd = seededRandom(seed);
  const failures: ExampleFailure[] = [];
  let passed = 0;
  for (const rule of rules) {
    for (const kind of ['positive', 'negative'] as const) {
      for (const template of rule.examples[kind]) {
        const ex = expandExample(template, rule, rnd);
        const found = scanBuffer(detector, Buffer.from(ex.text)).map((c) => c.secret);
        const expected = kind === 'positive' ? ex.tokens : [];
        // A positive example that plants no token tests nothing: count it as a failure.
        const ok = (kind === 'negative' || expected.length > 0) && found.length === expected.length && expected.every((t) => found.includes(t));
        if (ok) passed++;
        else failures.push({ ruleId: rule.id, kind, template, expected: expected.length, found: found.length });
      }
    }
  }
  return { passed, failures };
}
