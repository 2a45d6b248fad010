/**
 * The peers' own public Notion test cases (TruffleHog's notion v1 and v2 detector tests), kept in
 * pieces and joined at run time so that no token-shaped literal is committed.
 */
import { describe, expect, it } from 'vitest';
import { scanText } from '../../src/index.js';
import { NTN, LEGACY } from '../helpers/tokens.js';

const j = (...p: string[]) => p.join('');
const thV2Valid = j(NTN.prefix, '456476151729vWBETTAc4', '21EJdkefwPvw8dfNt2oszUa7v');
const thV2Invalid = j(NTN.prefix, '1234567890'.repeat(6));
const thV1Valid = j(LEGACY.prefix, 'oPp4m4V04lEWqgLGyhCN7b', '8H9JLANmyE1AYl2aG3aTN');
const thV1Invalid = j(LEGACY.prefix, 'oPp4m4V04lEWqgLGyh?N7b', '8H9JLANmyE1AYl2aG3aTN');

describe("peers' public Notion cases", () => {
  it.each([
    ['trufflehog v2 valid', `notion api key: ${thV2Valid}`, [thV2Valid]],
    ['trufflehog v2 invalid (wrong length)', `notion = '${thV2Invalid}'`, []],
    ['trufflehog v1 valid', `notion token = '${thV1Valid}'`, [thV1Valid]],
    ['trufflehog v1 invalid (bad character)', `notion = '${thV1Invalid}'`, []],
    ['v1 valid without the "notion" keyword TruffleHog needs', `token = '${thV1Valid}'`, [thV1Valid]],
    ['v2 valid followed by punctuation gitleaks does not accept', `(${thV2Valid}),`, [thV2Valid]],
  ])('%s', (_name, text, want) => {
    expect(scanText(text).map((f) => f.secret)).toEqual(want);
  });
});
