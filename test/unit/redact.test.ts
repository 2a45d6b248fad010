import { describe, expect, it } from 'vitest';
import { displayFinding, redactText } from '../../src/report/redact.js';
import { escapeJsonText, sanitize } from '../../src/report/sanitize.js';
import { b64, TokenFactory } from '../helpers/tokens.js';

const f = new TokenFactory(99);

describe('redactText', () => {
  it('masks plain, glued, base64 and split tokens, keeping the text around them', () => {
    const a = f.ntn();
    const b = f.legacy();
    const c = f.ntn();
    const s = f.ntn();
    const text = `a=${a} id_${b} enc=${b64(c)} "${s.slice(0, 20)}" + "${s.slice(20)}" end`;
    const out = redactText(text);
    for (const t of [a, b, c, s]) expect(out).not.toContain(t.slice(10, 30));
    expect(out).toContain(`a=${a.slice(0, 8)}…`);
    expect(out).toContain(`id_${b.slice(0, 11)}…`);
    expect(out.endsWith(' end')).toBe(true);
  });

  it('leaves ordinary paths and words alone (no over-masking of names)', () => {
    for (const p of ['src/secret_manager.ts', 'lib/secret_ManagerClientFactory.ts', 'node_modules/@scope/some-long-package-name/dist/index.js', 'docs/ntn_tokens_explained.md', 'a ntn_… b']) {
      expect(redactText(p)).toBe(p);
    }
  });

  it('keeps non-ASCII text intact', () => {
    const t = f.ntn();
    expect(redactText(`héllo ✓ ${t} 日本`)).toBe(`héllo ✓ ${t.slice(0, 8)}… 日本`);
  });

  it('shows everything with show=true', () => {
    const t = f.ntn();
    expect(redactText(`x ${t}`, [], true)).toBe(`x ${t}`);
  });
});

describe('displayFinding', () => {
  it('masks path, commit and verification, keeps the fingerprint', () => {
    const t = f.ntn();
    const other = f.ntn();
    const d = displayFinding({
      ruleId: 'notion-api-token',
      file: `keys/${t}.txt`,
      line: 1,
      column: 1,
      secret: t,
      fingerprint: 'fp',
      commit: { sha: 'abc', author: `me ${other}`, email: 'e@x', date: '2026-01-01', message: `add ${b64(other)}` },
      verification: { status: 'live', bot: `bot ${t}`, workspace: 'ws' },
      lineText: Buffer.from(`T=${t} ✓`, 'utf8').toString('latin1'),
      lineMasks: [{ from: 2, to: 2 + t.length, secret: t }],
    });
    const shown = JSON.stringify([d.file, d.commit, d.verification, d.lineText]);
    for (const x of [t, other]) expect(shown).not.toContain(x.slice(8, 24));
    expect(d.file).toBe(`keys/${t.slice(0, 8)}….txt`);
    expect(d.secret).toBe(t); // redacted at the point of printing
    expect(d.fingerprint).toBe('fp');
    expect(d.lineText).toBe(`T=${t.slice(0, 8)}… ✓`);
  });
});

describe('sanitize and escapeJsonText', () => {
  it('make control, C1 and bidi characters visible and inert', () => {
    expect(sanitize('a\x1b]0;x\x07b\u009bc\u202ed\u2066e\tf')).toBe('a\\x1b]0;x\\x07b\\x9bc\\u202ed\\u2066e\tf');
    const json = escapeJsonText(JSON.stringify({ k: 'x\u009b\u202e\u2028y' }));
    expect(json).toBe('{"k":"x\\u009b\\u202e\\u2028y"}');
    expect(JSON.parse(json)).toEqual({ k: 'x\u009b\u202e\u2028y' });
  });
});
