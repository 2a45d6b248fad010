import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotionEmulator } from '../helpers/notion-server.js';
import { VirtualClock } from '../helpers/virtual-clock.js';
import { runCliAsync, tempDir } from '../helpers/cli.js';
import { TestRepo } from '../helpers/git-repo.js';
import { TokenFactory } from '../helpers/tokens.js';
import { verifyTokens, DEFAULT_VERIFY } from '../../src/verify/index.js';
import { parseApiUrl } from '../../src/verify/api-url.js';

const f = new TokenFactory(51);
const T = {
  bot: f.ntn(),
  person: f.ntn(),
  restricted: f.ntn(),
  revoked: f.legacy(),
  limited: f.ntn(),
  overloaded: f.ntn(),
  e500: f.ntn(),
  e503: f.ntn(),
  slow: f.ntn(),
  garbage: f.ntn(),
  huge: f.ntn(),
  redirect: f.ntn(),
  evil: f.ntn(),
};
let api: NotionEmulator;

beforeAll(async () => {
  api = await new NotionEmulator()
    .set(T.bot, { kind: 'bot', name: 'Acme Sync', workspace: 'Acme HQ' })
    .set(T.person, { kind: 'person', name: 'Ada Lovelace' })
    .set(T.restricted, { kind: 'restricted' })
    .set(T.limited, { kind: 'rate-limited', times: 2, retryAfter: '1' })
    .set(T.overloaded, { kind: 'overloaded' })
    .set(T.e500, { kind: 'status', status: 500 })
    .set(T.e503, { kind: 'status', status: 503 })
    .set(T.slow, { kind: 'slow', ms: 3000 })
    .set(T.garbage, { kind: 'garbage' })
    .set(T.huge, { kind: 'huge' })
    .set(T.redirect, { kind: 'redirect' })
    .set(T.evil, { kind: 'bot', name: 'Evil\u001b]0;pwned\u0007\u001b[2J', workspace: 'W\u001b[31m' })
    .start();
});
afterAll(async () => api.stop());

const opts = () => ({ ...DEFAULT_VERIFY, apiUrl: api.url, timeoutMs: 1000, budgetMs: 20_000 });

describe('verification against an emulated Notion API', () => {
  it('maps each answer to live, invalid or unknown, and says who a live token acts as', async () => {
    const r = await verifyTokens([T.bot, T.person, T.restricted, T.revoked, T.e500, T.e503, T.garbage, T.huge, T.redirect], opts());
    expect(r.get(T.bot)).toMatchObject({ status: 'live', bot: 'Acme Sync', workspace: 'Acme HQ', ownerType: 'workspace' });
    expect(r.get(T.person)).toMatchObject({ status: 'live', person: 'Ada Lovelace' });
    expect(r.get(T.restricted)).toMatchObject({ status: 'live', httpStatus: 403 });
    expect(r.get(T.revoked)).toMatchObject({ status: 'invalid', httpStatus: 401 });
    expect(r.get(T.e500)).toMatchObject({ status: 'unknown', reason: 'server error (HTTP 500)' });
    expect(r.get(T.e503)).toMatchObject({ status: 'unknown', reason: 'server error (HTTP 503)' });
    expect(r.get(T.garbage)).toMatchObject({ status: 'unknown', reason: 'unexpected response body' });
    expect(r.get(T.huge)).toMatchObject({ status: 'unknown', reason: 'unexpected response body' });
    expect(r.get(T.redirect)).toMatchObject({ status: 'unknown', httpStatus: 302 });
  });

  it('sends the documented request, and never faster than 3 per second', async () => {
    const before = api.requests.length;
    const tokens = Array.from({ length: 7 }, () => f.ntn());
    // The server stamps arrivals on the same virtual clock the pacer uses: the schedule is exact.
    const clock = new VirtualClock();
    api.now = () => clock.now();
    try {
      await verifyTokens(tokens, { ...opts(), clock });
    } finally {
      api.now = Date.now;
    }
    const seen = api.requests.slice(before);
    expect(seen).toHaveLength(7);
    for (const s of seen) {
      expect(s.method).toBe('GET');
      expect(s.url).toBe('/v1/users/me');
      expect(s.headers['notion-version']).toBe('2022-06-28');
      expect(s.headers['user-agent']).toMatch(/^notion-guard\/\d+\.\d+\.\d+/);
      expect(s.headers.authorization).toMatch(/^Bearer /);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBe(334);
    for (let i = 3; i < seen.length; i++) expect(seen[i]!.at - seen[i - 3]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After on 429 and succeeds, and gives up on 529 with a reason', async () => {
    const before = api.requests.length;
    const clock = new VirtualClock();
    api.now = () => clock.now();
    let r: Awaited<ReturnType<typeof verifyTokens>>;
    try {
      r = await verifyTokens([T.limited, T.overloaded], { ...opts(), maxRetries: 2, clock });
    } finally {
      api.now = Date.now;
    }
    expect(r.get(T.limited)).toMatchObject({ status: 'live', bot: 'Patient Bot' });
    const limited = api.requests.slice(before).filter((s) => s.headers.authorization === `Bearer ${T.limited}` && s.url === '/v1/users/me');
    expect(limited).toHaveLength(3);
    expect(limited[1]!.at - limited[0]!.at).toBe(1000);
    expect(limited[2]!.at - limited[1]!.at).toBe(1000);
    expect(r.get(T.overloaded)).toMatchObject({ status: 'unknown', httpStatus: 529 });
    expect(r.get(T.overloaded)!.reason).toMatch(/service overloaded \(gave up after 3 attempts\)/);
  });

  it('times out a slow answer, and the whole run within its budget', async () => {
    const t0 = Date.now();
    const r = await verifyTokens([T.slow], { ...opts(), timeoutMs: 300 });
    expect(r.get(T.slow)).toMatchObject({ status: 'unknown', reason: 'timeout after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
    const t1 = Date.now();
    const many = await verifyTokens([T.slow, f.ntn(), f.ntn(), f.ntn()], { ...opts(), timeoutMs: 2000, budgetMs: 800 });
    expect(Date.now() - t1).toBeLessThan(2500);
    expect([...many.values()].every((v) => v.status === 'unknown')).toBe(true);
  });

  it('reports a network error as unknown', async () => {
    const r = await verifyTokens([T.bot], { ...opts(), apiUrl: 'http://127.0.0.1:9' });
    expect(r.get(T.bot)).toMatchObject({ status: 'unknown' });
    expect(r.get(T.bot)!.reason).toMatch(/network error/);
  });

  it('accepts https anywhere and http only to loopback', () => {
    expect(parseApiUrl('https://api.notion.com/', 'x')).toBe('https://api.notion.com');
    expect(parseApiUrl('http://127.0.0.1:8080', 'x')).toBe('http://127.0.0.1:8080');
    expect(parseApiUrl('http://localhost:1', 'x')).toBe('http://localhost:1');
    expect(() => parseApiUrl('http://evil.example.com', 'x')).toThrow(/loopback/);
    expect(() => parseApiUrl('http://10.0.0.1', 'x')).toThrow(/loopback/);
    // Names that only look local go to DNS: not loopback.
    for (const u of ['http://api.localhost:8080', 'http://localhost.:1', 'http://127.0.0.1.nip.io', 'http://localhost.evil.example']) {
      expect(() => parseApiUrl(u, 'x'), u).toThrow(/loopback/);
    }
    expect(parseApiUrl('http://[::1]:9', 'x')).toBe('http://[::1]:9');
    expect(parseApiUrl('http://127.8.9.10', 'x')).toBe('http://127.8.9.10');
    expect(() => parseApiUrl('ftp://x', 'x')).toThrow(/https/);
    expect(() => parseApiUrl('https://u:p@x', 'x')).toThrow(/credentials/);
  });
});

describe('--verify and the verify command', () => {
  const d = tempDir();
  afterAll(() => d.cleanup());
  const env = () => ({ NOTION_GUARD_API_URL: api.url });

  it('makes no request without --verify', async () => {
    writeFileSync(join(d.path, 'a.env'), `T=${T.bot}\n`);
    const before = api.requests.length;
    const r = await runCliAsync(['dir', d.path, '--format', 'json'], { env: env() });
    expect(r.code).toBe(1);
    expect(api.requests.length).toBe(before);
    expect(JSON.parse(r.stdout).findings[0].verification).toBeUndefined();
  });

  it('verifies each unique token once and reports LIVE first, names sanitised', async () => {
    writeFileSync(join(d.path, 'a.env'), `T=${T.revoked}\nU=${T.bot}\nV=${T.bot}\n`);
    writeFileSync(join(d.path, 'b.env'), `T=${T.bot}\nE=${T.evil}\n`);
    const before = api.requests.length;
    const r = await runCliAsync(['dir', d.path, '--verify'], { env: env() });
    expect(r.code).toBe(1);
    // One verdict request per unique token; reach requests only for the live ones.
    const sent = api.requests.slice(before);
    expect(sent.filter((x) => x.url === '/v1/users/me')).toHaveLength(3);
    expect(sent.filter((x) => x.url !== '/v1/users/me').every((x) => x.headers.authorization !== `Bearer ${T.revoked}`)).toBe(true);
    const firstBlock = r.stdout.split('\n\n')[1]!;
    expect(firstBlock).toMatch(/^LIVE TOKEN /);
    expect(r.stdout).toContain('integration "Acme Sync" in workspace "Acme HQ"');
    expect(r.stdout).toMatch(/URGENT/);
    expect(r.stdout).toMatch(/already revoked/);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stdout).toContain('Evil\\x1b]0;pwned\\x07');
    expect(r.stdout + r.stderr).not.toContain(T.bot);
    const j = await runCliAsync(['dir', d.path, '--verify', '--format', 'json', '--only-verified'], { env: env() });
    const found = JSON.parse(j.stdout).findings as { verification: { status: string } }[];
    expect(found.length).toBe(4);
    expect(found.every((x) => x.verification.status === 'live')).toBe(true);
  });

  it('does not send OAuth refresh tokens (they are not bearer tokens) and says why', async () => {
    const nrt = ['nr', 't_', 'Q', f.ntn().slice(4)].join('');
    writeFileSync(join(d.path, 'a.env'), `R=${nrt}\n`);
    writeFileSync(join(d.path, 'b.env'), '');
    const before = api.requests.length;
    const r = await runCliAsync(['dir', d.path, '--verify', '--format', 'json'], { env: env() });
    expect(api.requests.length).toBe(before);
    expect(JSON.parse(r.stdout).findings[0].verification).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/refresh token/) });
  });

  it('the verify command reads tokens from stdin; exit 1 while any may be live', async () => {
    const r = await runCliAsync(['verify', '--format', 'json'], { env: env(), input: `${T.bot}\n${T.revoked}\n\n` });
    expect(r.code).toBe(1);
    const res = JSON.parse(r.stdout).results as { secret: string; verification: { status: string } }[];
    expect(res.map((x) => x.verification.status)).toEqual(['live', 'invalid']);
    expect(r.stdout).not.toContain(T.bot);
    const dead = await runCliAsync(['verify', T.revoked], { env: env() });
    expect(dead.code).toBe(0);
    expect(dead.stdout).toMatch(/invalid/);
  });

  it('verify sends only the Notion tokens the detector finds in its input, nothing else', async () => {
    const before = api.requests.length;
    const rt = ['nr', 't_'].join('') + new TokenFactory(5).ntn().slice(4);
    const dotenv = [
      'DATABASE_URL=postgres://app:' + 'hunter2hunter2' + '@db.internal:5432/app',
      'AWS_SECRET_ACCESS_KEY=' + 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY',
      'OPENAI_API_KEY=' + ['sk', 'proj'].join('-') + '-' + 'Zx81Qw'.repeat(8),
      `NOTION_TOKEN=${T.bot}`,
      `export NOTION_REFRESH=${rt}`,
      '',
    ].join('\n');
    const r = await runCliAsync(['verify', '--format', 'json'], { env: env(), input: dotenv });
    expect(r.code, r.stderr).toBe(1);
    const seen = api.requests.slice(before);
    // The bare token only, never the line around it, never another vendor's secret.
    expect(new Set(seen.map((s) => s.headers.authorization))).toEqual(new Set([`Bearer ${T.bot}`]));
    expect(seen.filter((s) => s.url === '/v1/users/me')).toHaveLength(1);
    const res = JSON.parse(r.stdout).results as { verification: { status: string; bot?: string; reason?: string } }[];
    expect(res[0]!.verification).toMatchObject({ status: 'live', bot: 'Acme Sync' });
    expect(res[1]!.verification.status).toBe('unknown');
    expect(res[1]!.verification.reason).toMatch(/not sent/);
  });

  it('verify refuses input that holds no Notion token, before any request', async () => {
    const before = api.requests.length;
    const none = await runCliAsync(['verify'], { env: env(), input: 'DATABASE_URL=postgres://app:pw@db/app\nplain words\n' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no Notion token found/);
    // Arguments: all are checked first; one that is not a Notion token refuses the whole run.
    const mixed = await runCliAsync(['verify', T.bot, 'sk-live-0123456789abcdef'], { env: env() });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/not a Notion token: sk-l… \(24 characters\); nothing was sent/);
    expect(mixed.stderr).not.toContain('0123456789abcdef');
    const line = await runCliAsync(['verify', `NOTION_TOKEN=${T.bot}`], { env: env(), input: '' });
    expect(line.code).toBe(1);
    expect(new Set(api.requests.slice(before).map((s) => s.headers.authorization))).toEqual(new Set([`Bearer ${T.bot}`]));
  });

  it('a rule file (even the scanned repository’s own) cannot make another vendor’s secret a request', async () => {
    const d2 = tempDir();
    writeFileSync(join(d2.path, 'aws.toml'), 'version = 1\n[[rules]]\nid = "aws-key"\nprefix = "AKIA"\nbody_length = 16\ncharset = "A-Z0-9"\nverify = true\n');
    writeFileSync(join(d2.path, '.notion-guard.toml'), 'rules = ["aws.toml"]\n');
    writeFileSync(join(d2.path, 'x.env'), `AWS=${['AK', 'IA'].join('')}QZ7R4KX2M9WBT5VN\nN=${T.bot}\n`);
    const before = api.requests.length;
    const r = await runCliAsync(['dir', '.', '--verify', '--format', 'json'], { cwd: d2.path, env: env() });
    expect(r.code).toBe(1);
    expect(new Set(api.requests.slice(before).map((x) => x.headers.authorization))).toEqual(new Set([`Bearer ${T.bot}`]));
    const aws = (JSON.parse(r.stdout).findings as { ruleId: string; verification: { status: string; reason: string } }[]).find((x) => x.ruleId === 'aws-key')!;
    expect(aws.verification).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/only Notion API tokens/) as unknown });
  });

  it('verify: arguments are one token each; a bad --output or sarif is refused before any request', async () => {
    const before = api.requests.length;
    for (const arg of [`${T.bot} junk`, `${['AK', 'IA'].join('')}QZ7R4KX2M9WBT5VN ${T.bot}`, Buffer.from(T.bot).toString('base64'), `${T.bot}_`]) {
      const r = await runCliAsync(['verify', arg], { env: env() });
      expect(r.code, arg).toBe(2);
    }
    expect((await runCliAsync(['verify', '--output', '/nonexistent/dir/x.json'], { env: env(), input: `${T.bot}\n` })).code).toBe(2);
    expect((await runCliAsync(['verify', '--format', 'sarif'], { env: env(), input: `${T.bot}\n` })).code).toBe(2);
    expect(api.requests.length).toBe(before);
    const ok = await runCliAsync(['verify', `export NOTION_TOKEN="${T.bot}"`], { env: env() });
    expect(ok.code).toBe(1);
  });

  it('refuses a non-loopback http API URL and --only-verified on staged', async () => {
    const bad = await runCliAsync(['dir', d.path, '--verify', '--api-url', 'http://example.com'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/loopback/);
    const st = await runCliAsync(['staged', '--verify', '--only-verified'], { env: env() });
    expect(st.code).toBe(2);
  });

  it('a hook still blocks when the API is unreachable', async () => {
    const r = new TestRepo();
    try {
      r.write('x.env', `T=${T.bot}\n`).git('add', '-A');
      const res = await runCliAsync(['staged', '--verify', '--verify-timeout', '1'], { cwd: r.path, env: { NOTION_GUARD_API_URL: 'http://127.0.0.1:9' } });
      expect(res.code).toBe(1);
      expect(res.stdout).toMatch(/unknown — network error/);
    } finally {
      r.cleanup();
    }
  });
});
