/**
 * The peers' own public Notion test cases (TruffleHog's notion v1 and v2 detector tests, gitleaks'
 * notion-api-token rule, Kingfisher's notion rules), kept in
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
// gitleaks' notion-api-token rule: its true and false positives.
const glTps = [j(NTN.prefix, '4564761517228wHvuYD2K', 'AKIP6ZWv0vIiZs6VDsJOULcQ9'), j(NTN.prefix, '45647615172WqCIEhbLM9', 'Go9yEg8SfkBDFROmea8mxW7X8')];
// Kingfisher's Notion rules (kingfisher.notion.1-3): their examples.
const kfLegacy = j(LEGACY.prefix, 'efky1RtWsI0CB1Sn4TRR', 'BLpemW1V11XwPRX3lzUKc5Q');
const kfNtn = j(NTN.prefix, '197563901462Y3pxlFlGI', 'OA7bLijyELFcdY9OUBCTbak1b');
const kfNrt = j('nr', 't_', '4Y29zY29vbF9leGFtcGxlX3', 'JlZnJlc2hfdG9rZW4xMjM0NQ');
const glFps = [j(NTN.prefix, '12345678901'), j(NTN.prefix, '1234567890'.repeat(6)), j(NTN.prefix, '12345678901abc')];

describe("peers' public Notion cases", () => {
  it.each([
    ['trufflehog v2 valid', `notion api key: ${thV2Valid}`, [thV2Valid]],
    ['trufflehog v2 invalid (wrong length)', `notion = '${thV2Invalid}'`, []],
    ['trufflehog v1 valid', `notion token = '${thV1Valid}'`, [thV1Valid]],
    ['trufflehog v1 invalid (bad character)', `notion = '${thV1Invalid}'`, []],
    ['v1 valid without the "notion" keyword TruffleHog needs', `token = '${thV1Valid}'`, [thV1Valid]],
    ['v2 valid followed by punctuation gitleaks does not accept', `(${thV2Valid}),`, [thV2Valid]],
    ['kingfisher notion.1 example', `notion ${kfLegacy}`, [kfLegacy]],
    ['kingfisher notion.2 example', `notion ${kfNtn}`, [kfNtn]],
    ['kingfisher notion.3 example (OAuth refresh token)', `notion refresh token = ${kfNrt}`, [kfNrt]],
    ['gitleaks true positive 2', glTps[0]!, [glTps[0]]],
    ['gitleaks true positive 3', `token: ${glTps[1]}`, [glTps[1]]],
    ['gitleaks false positive: digits only, short', `x = ${glFps[0]}`, []],
    ['gitleaks false positive: 60 digits', `x = ${glFps[1]}`, []],
    ['gitleaks false positive: short', `x = ${glFps[2]}`, []],
  ])('%s', (_name, text, want) => {
    expect(scanText(text).map((f) => f.secret)).toEqual(want);
  });
});
