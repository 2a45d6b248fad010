import { describe, expect, it } from 'vitest';
import { parsePrePush, parsePreReceive } from '../../src/git/push-ranges.js';
import { attributionRevs } from '../../src/commands/push.js';
import { parseBudget } from '../../src/commands/receive.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('hook input', () => {
  it('reads every pre-push line; skips deletions; a new ref has no old sha', () => {
    const input = `refs/heads/x ${A} refs/heads/x ${B}\n(delete) ${Z} refs/heads/gone ${A}\nrefs/heads/y ${B} refs/heads/y ${Z}\n`;
    expect(parsePrePush(input)).toEqual([
      { ref: 'refs/heads/x', sha: A, old: B },
      { ref: 'refs/heads/y', sha: B },
    ]);
  });

  it('reads every pre-receive line; accepts 64-digit (SHA-256) names; CRLF and blank lines are harmless', () => {
    const long = 'c'.repeat(64);
    expect(parsePreReceive(`${Z} ${A} refs/heads/a\r\n\n${A} ${long} refs/tags/v1\n${B} ${Z} refs/heads/del\n`)).toEqual([
      { ref: 'refs/heads/a', sha: A },
      { ref: 'refs/tags/v1', sha: long, old: A },
    ]);
  });

  it('refuses what is not a sha or not a line of git’s', () => {
    expect(() => parsePreReceive(`${A} HEAD refs/heads/a\n`)).toThrow(/line 1: the new sha is not/);
    expect(() => parsePreReceive(`${A} ${B}\n`)).toThrow(/line 1: expected/);
    expect(() => parsePreReceive(`${A} ${B} refs/heads/a extra\n`)).toThrow(/line 1: expected/);
    expect(() => parsePrePush(`refs/heads/a ${A.toUpperCase()} refs/heads/a ${B}\n`)).toThrow(/the local sha/);
    expect(() => parsePrePush(`\nrefs/heads/a ${A} refs/heads/a\n`)).toThrow(/line 2: expected/);
  });
});

describe('attribution revisions', () => {
  it('keeps only the exclusions every set shares', () => {
    expect(attributionRevs([[A, `^${B}`]])).toEqual([A, '--not', B]);
    expect(attributionRevs([[A, `^${B}`], [B, '--not', Z]])).toEqual([A, B]);
    expect(attributionRevs([[A, '--not', Z, B], [B, '--not', B]])).toEqual([A, B, '--not', B]);
  });
});

describe('--budget', () => {
  it('takes seconds or the ghes preset', () => {
    expect(parseBudget('60')).toBe(60_000);
    expect(parseBudget('0.5')).toBe(500);
    expect(parseBudget('ghes')).toBe(4000);
    for (const bad of ['0', '', '-1', '1e3', 'fast', '3601']) expect(() => parseBudget(bad)).toThrow(/--budget must be/);
  });
});
