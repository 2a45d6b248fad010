/**
 * A live token's reach, measured against the loopback Notion stand-in: what is shared with it,
 * whether it reads users and their emails, with reads only, bounded, paced and within the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotionEmulator, type Seen } from '../helpers/notion-server.js';
import { VirtualClock } from '../helpers/virtual-clock.js';
import { runCliAsync, tempDir } from '../helpers/cli.js';
import { TokenFactory } from '../helpers/tokens.js';
import { DEFAULT_VERIFY, verifyTokens } from '../../src/verify/index.js';
import { describeAccess } from '../../src/report/text.js';

const f = new TokenFactory(77);
const T = {
  wide: f.ntn(),
  huge: f.ntn(),
  locked: f.ntn(),
  noEmail: f.ntn(),
  deepEmail: f.ntn(),
  searchWait: f.ntn(),
  workspaceLimit: f.ntn(),
  pat: f.ntn(),
  dead: f.ntn(),
};
const ada = { name: 'Ada', email: 'ada@example.com' };
let api: NotionEmulator;

beforeAll(async () => {
  api = await new NotionEmulator()
    .set(T.wide, { kind: 'bot', name: 'Deploy Bot', workspace: 'Acme HQ', shared: { pages: 7, databases: 3, people: [ada], bots: 2 } })
    .set(T.huge, { kind: 'bot', name: 'Archive', workspace: 'Big', shared: { pages: 1234, databases: 150, people: [ada] } })
    .set(T.locked, { kind: 'bot', name: 'Narrow', workspace: 'Acme HQ', shared: { pages: 1, usersRestricted: true } })
    .set(T.noEmail, { kind: 'bot', name: 'Names only', workspace: 'Acme HQ', shared: { people: [{ name: 'Bo' }, { name: 'Cy' }] } })
    .set(T.deepEmail, { kind: 'bot', name: 'Deep', workspace: 'Acme HQ', shared: { bots: 0, people: [...Array.from({ length: 150 }, (_, i) => ({ name: `P${i}` })), ada] } })
    .set(T.searchWait, { kind: 'bot', name: 'Waits', workspace: 'W', shared: { pages: 2, searchLimited: { times: 1, retryAfter: 'DATE', reason: 'connection_rate_limit' } } })
    .set(T.workspaceLimit, { kind: 'bot', name: 'Busy', workspace: 'W', shared: { pages: 2, searchLimited: { times: 99, retryAfter: '120', reason: 'workspace_rate_limit' } } })
    .set(T.pat, { kind: 'person', name: 'Ada Lovelace', shared: { pages: 4 } })
    .start();
});
afterAll(async () => api.stop());

async function run(tokens: string[], extra: Partial<typeof DEFAULT_VERIFY> = {}) {
  const clock = new VirtualClock();
  const before = api.requests.length;
  api.now = () => clock.now();
  try {
    const r = await verifyTokens(tokens, { ...DEFAULT_VERIFY, apiUrl: api.url, timeoutMs: 2000, ...extra, clock });
    return { r, seen: api.requests.slice(before), clock };
  } finally {
    api.now = Date.now;
  }
}

const searches = (seen: Seen[], kind: string) =>
  seen.filter((s) => s.url === '/v1/search').map((s) => JSON.parse(s.body) as { filter: { value: string }; page_size: number; start_cursor?: string }).filter((b) => b.filter.value === kind);

describe('what a live token reaches', () => {
  it('counts shared pages and databases and reads users and their emails, with reads only', async () => {
    const { r, seen } = await run([T.wide]);
    expect(r.get(T.wide)!.access).toEqual({ pages: { count: 7, complete: true }, databases: { count: 3, complete: true }, users: 'readable', emails: 'readable' });
    expect(describeAccess(r.get(T.wide)!.access!)).toBe('reaches 7 pages and 3 databases; can read users and their emails');
    expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual(['GET /v1/users/me', 'POST /v1/search', 'POST /v1/search', 'GET /v1/users']);
    expect(searches(seen, 'page')[0]).toEqual({ filter: { property: 'object', value: 'page' }, page_size: 100 });
    for (const s of seen) {
      expect(s.headers['notion-version']).toBe('2022-06-28');
      expect(s.headers.authorization).toBe(`Bearer ${T.wide}`);
    }
  });

  it('bounds the count at 10 pages of 100 and says "at least", following the cursors', async () => {
    const { r, seen } = await run([T.huge]);
    const a = r.get(T.huge)!.access!;
    expect(a.pages).toEqual({ count: 1000, complete: false });
    expect(a.databases).toEqual({ count: 150, complete: true });
    expect(describeAccess(a)).toMatch(/^reaches at least 1,000 pages and 150 databases;/);
    const pages = searches(seen, 'page');
    expect(pages).toHaveLength(10);
    expect(pages.map((b) => b.start_cursor)).toEqual([undefined, ...Array.from({ length: 9 }, (_, i) => `c-${(i + 1) * 100}`)]);
    expect(searches(seen, 'database')).toHaveLength(2);
  });

  it('a 403 restricted_resource means users cannot be read; people without addresses mean no emails', async () => {
    const { r } = await run([T.locked, T.noEmail]);
    expect(r.get(T.locked)!.access).toMatchObject({ pages: { count: 1, complete: true }, users: 'not-readable', emails: 'not-readable' });
    expect(describeAccess(r.get(T.locked)!.access!)).toBe('reaches 1 page and 0 databases; cannot read users');
    expect(r.get(T.noEmail)!.access).toMatchObject({ users: 'readable', emails: 'not-readable' });
    expect(describeAccess(r.get(T.noEmail)!.access!)).toMatch(/can read users \(not their emails\)$/);
  });

  it('pages through users until an address shows', async () => {
    const { r, seen } = await run([T.deepEmail]);
    expect(r.get(T.deepEmail)!.access).toMatchObject({ users: 'readable', emails: 'readable' });
    const users = seen.filter((s) => s.url.startsWith('/v1/users?'));
    expect(users.map((s) => s.url)).toEqual(['/v1/users?page_size=100', '/v1/users?page_size=100&start_cursor=c-100']);
  });

  it('a personal access token is measured the same way', async () => {
    const { r } = await run([T.pat]);
    expect(r.get(T.pat)).toMatchObject({ status: 'live', person: 'Ada Lovelace', access: { pages: { count: 4, complete: true } } });
  });

  it('honours a Retry-After given as an HTTP date, on the same pacer', async () => {
    // The stand-in cannot know the run's clock: give it a date 3 s ahead of real time.
    api.set(T.searchWait, { kind: 'bot', name: 'Waits', workspace: 'W', shared: { pages: 2, searchLimited: { times: 1, retryAfter: new Date(Date.now() + 3000).toUTCString(), reason: 'connection_rate_limit' } } });
    const { r, seen } = await run([T.searchWait]);
    expect(r.get(T.searchWait)!.access).toMatchObject({ pages: { count: 2, complete: true } });
    const s = seen.filter((x) => x.url === '/v1/search');
    expect(s.length).toBe(3);
    // HTTP dates have whole seconds: between 2 and 3 s.
    expect(s[1]!.at - s[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(s[1]!.at - s[0]!.at).toBeLessThanOrEqual(3000);
  });

  it('a wait past the budget (per-workspace limit) leaves the reach unknown with Notion\'s reason', async () => {
    const { r } = await run([T.workspaceLimit], { budgetMs: 60_000 });
    const a = r.get(T.workspaceLimit)!;
    expect(a.status).toBe('live');
    expect(a.access!.pages).toBeUndefined();
    expect(a.access!.incomplete).toMatch(/pages: rate limited \(workspace_rate_limit\) \(Retry-After 120 s is past the verification budget; gave up after 1 attempt\)/);
    expect(describeAccess(a.access!)).toMatch(/partly unknown: pages: rate limited \(workspace_rate_limit\)/);
  });

  it('spends the budget on verdicts first: a tight budget still decides every token', async () => {
    const { r, clock } = await run([T.huge, T.wide, T.locked, T.dead], { budgetMs: 2000 });
    expect([T.huge, T.wide, T.locked].map((t) => r.get(t)!.status)).toEqual(['live', 'live', 'live']);
    expect(r.get(T.dead)!.status).toBe('invalid');
    expect(r.get(T.huge)!.access!.pages).toEqual({ count: 200, complete: false });
    expect(r.get(T.locked)!.access!.incomplete).toMatch(/budget exhausted/);
    expect(clock.now()).toBeLessThan(1_000_000 + 2000 + 334);
  });

  it('the CLI lists live tokens by reach, largest first, in text, JSON and SARIF', async () => {
    const d = tempDir();
    writeFileSync(join(d.path, 'a.env'), `A=${T.locked}\n`);
    writeFileSync(join(d.path, 'b.env'), `B=${T.wide}\n`);
    const env = { NOTION_GUARD_API_URL: api.url };
    const text = await runCliAsync(['dir', d.path, '--verify'], { env });
    expect(text.code).toBe(1);
    const wideAt = text.stdout.indexOf('reaches 7 pages and 3 databases; can read users and their emails');
    expect(wideAt).toBeGreaterThan(-1);
    expect(wideAt).toBeLessThan(text.stdout.indexOf('reaches 1 page and 0 databases; cannot read users'));
    const verify = await runCliAsync(['verify'], { env, input: `${T.locked}\n${T.wide}\n` });
    expect(verify.stdout.split('\n')[0]).toMatch(/Deploy Bot.*reaches 7 pages/);
    const json = await runCliAsync(['dir', d.path, '--verify', '--format', 'json'], { env });
    const found = JSON.parse(json.stdout).findings as { file: string; verification: { access: unknown } }[];
    expect(found.find((x) => x.file.endsWith('b.env'))!.verification.access).toEqual({ pages: { count: 7, complete: true }, databases: { count: 3, complete: true }, users: 'readable', emails: 'readable' });
    const sarif = await runCliAsync(['dir', d.path, '--verify', '--format', 'sarif'], { env });
    expect(sarif.stdout).toContain('"access"');
    expect(sarif.stdout + json.stdout + text.stdout + verify.stdout).not.toContain(T.wide);
  });
});
