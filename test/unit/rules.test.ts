import { describe, expect, it } from 'vitest';
import { loadRules, parseRuleFile } from '../../src/rules/load.js';
import { testRuleExamples } from '../../src/rules/test-examples.js';
import { NotionGuardError } from '../../src/errors.js';

describe('shipped rules', () => {
  const rules = loadRules();

  it('cover both Notion token formats, and OAuth refresh tokens', () => {
    expect(rules.map((r) => [r.id, r.prefix.length + r.minBodyLength, r.prefix.length + r.bodyLength, r.verifiable])).toEqual([
      ['notion-api-token', 50, 50, true],
      ['notion-legacy-token', 50, 50, true],
      ['notion-oauth-refresh-token', 44, 60, false],
    ]);
  });

  it.each([1, 2, 3, 4, 5])('pass all their own examples (seed %i)', (seed) => {
    const r = testRuleExamples(rules, seed);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(rules.reduce((n, x) => n + x.examples.positive.length + x.examples.negative.length, 0));
  });

  it('a wrong example is reported as a failure (the check can fail)', () => {
    const broken = rules.map((r) => ({ ...r, examples: { positive: ['nothing here'], negative: ['{{token}}'] } }));
    expect(testRuleExamples(broken).failures).toHaveLength(2 * rules.length);
  });
});

describe('rule file validation', () => {
  const good = `[[rules]]\nid = "x"\nprefix = "abc_"\nbody_length = 20\ncharset = "a-z"\n`;

  function err(text: string): string {
    try {
      parseRuleFile(text, 'custom.toml');
    } catch (e) {
      expect(e).toBeInstanceOf(NotionGuardError);
      return (e as Error).message;
    }
    throw new Error('no error');
  }

  it('accepts a minimal rule', () => {
    expect(parseRuleFile(good, 'custom.toml')[0]).toMatchObject({ id: 'x', bodyLength: 20 });
  });
  it('names file and line on TOML syntax errors', () => {
    expect(err('[[rules]\nid=')).toMatch(/^custom\.toml \(line \d+, column \d+\): invalid TOML/);
  });
  it('names the field of a wrong type', () => {
    expect(err(good.replace('body_length = 20', 'body_length = "20"'))).toBe('custom.toml: rules[0].body_length: expected an integer from 8 to 512');
  });
  it('rejects unknown keys', () => {
    expect(err(`${good}regex = "x"\n`)).toBe('custom.toml: rules[0].regex: unknown key');
    expect(err(`title = "t"\n${good}`)).toMatch(/^custom\.toml: title: unknown key/);
  });
  it('rejects a missing prefix and an empty file', () => {
    expect(err(good.replace('prefix = "abc_"\n', ''))).toBe('custom.toml: rules[0].prefix: expected a non-empty string');
    expect(err('')).toBe('custom.toml: rules: expected at least one [[rules]] table');
  });
  it('accepts a length range, and rejects a range mixed with an exact length', () => {
    const ranged = good.replace('body_length = 20', 'min_body_length = 20\nmax_body_length = 30');
    expect(parseRuleFile(ranged, 'custom.toml')[0]).toMatchObject({ minBodyLength: 20, bodyLength: 30, verifiable: false });
    // Only Notion's own bearer prefixes are ever verifiable, whatever the rule file says.
    expect(parseRuleFile(ranged.replace(/prefix = "[^"]*"/, 'prefix = "ntn_"'), 'custom.toml')[0]!.verifiable).toBe(true);
    expect(err(`${good}min_body_length = 10\n`)).toMatch(/give either body_length or min_body_length/);
    expect(err(good.replace('body_length = 20', 'min_body_length = 30\nmax_body_length = 20'))).toMatch(/max_body_length: must not be below/);
  });
  it('rejects bad example lists', () => {
    expect(err(`${good}[rules.examples]\npositive = [1]\n`)).toBe('custom.toml: rules[0].examples.positive: expected an array of strings');
  });
});
