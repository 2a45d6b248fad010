/**
 * What a live token can read, measured with reads only: `POST /v1/search` filtered to pages and to
 * databases (Notion-Version 2022-06-28, where the filter values are "page" and "database"), and
 * `GET /v1/users`. Counts are bounded (SEARCH_PAGES × PAGE_SIZE); past the bound the report says
 * "at least". Nothing here can write: `send` refuses any other method or path.
 */
import type { Access, ReachCount } from '../types.js';
import { describeFailure, type NotionRequest, type Reply } from './notion.js';

export const PAGE_SIZE = 100;
export const SEARCH_PAGES = 10;
export const USER_PAGES = 10;
/** A page of 100 search results is a few hundred KiB of page objects. */
export const REACH_MAX_BODY = 8 * 1024 * 1024;

export type Call = (req: NotionRequest) => Promise<Reply>;

interface List {
  results: Record<string, unknown>[];
  hasMore: boolean;
  cursor?: string;
}

function listOf(body: unknown): List | undefined {
  const o = body as Record<string, unknown> | undefined;
  if (!o || typeof o !== 'object' || o.object !== 'list' || !Array.isArray(o.results)) return undefined;
  const cursor = typeof o.next_cursor === 'string' && o.next_cursor.length > 0 && o.next_cursor.length <= 256 ? o.next_cursor : undefined;
  return { results: o.results.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null), hasMore: o.has_more === true, ...(cursor ? { cursor } : {}) };
}

const problem = (r: Reply): string => (r.httpStatus === 200 ? 'unexpected response body' : describeFailure(r));

async function countShared(call: Call, kind: 'page' | 'database', notes: string[]): Promise<ReachCount | undefined> {
  let count = 0;
  let cursor: string | undefined;
  for (let i = 0; i < SEARCH_PAGES; i++) {
    const r = await call({
      method: 'POST',
      path: '/v1/search',
      body: { filter: { property: 'object', value: kind }, page_size: PAGE_SIZE, ...(cursor ? { start_cursor: cursor } : {}) },
    });
    const list = r.httpStatus === 200 ? listOf(r.body) : undefined;
    if (!list) {
      notes.push(`${kind}s: ${problem(r)}`);
      return i === 0 ? undefined : { count, complete: false };
    }
    count += list.results.length;
    if (!list.hasMore) return { count, complete: true };
    if (!list.cursor) {
      notes.push(`${kind}s: more results without a cursor`);
      return { count, complete: false };
    }
    cursor = list.cursor;
  }
  return { count, complete: false };
}

async function readUsers(call: Call, notes: string[]): Promise<Pick<Access, 'users' | 'emails'>> {
  let emails: Access['emails'] = 'unknown';
  let cursor: string | undefined;
  for (let i = 0; i < USER_PAGES; i++) {
    const r = await call({ method: 'GET', path: `/v1/users?page_size=${PAGE_SIZE}${cursor ? `&start_cursor=${encodeURIComponent(cursor)}` : ''}` });
    const code = (r.body as { code?: unknown } | undefined)?.code;
    if (r.httpStatus === 403 && code === 'restricted_resource') return { users: 'not-readable', emails: 'not-readable' };
    const list = r.httpStatus === 200 ? listOf(r.body) : undefined;
    if (!list) {
      notes.push(`users: ${problem(r)}`);
      return { users: i === 0 ? 'unknown' : 'readable', emails };
    }
    const people = list.results.filter((u) => u.type === 'person');
    const email = (u: Record<string, unknown>): unknown => (u.person as { email?: unknown } | undefined)?.email;
    if (people.some((u) => typeof email(u) === 'string' && (email(u) as string).length > 0)) return { users: 'readable', emails: 'readable' };
    // People without an address: the "user information with email" capability is off (so far).
    if (people.length > 0) emails = 'not-readable';
    if (!list.hasMore || !list.cursor) return { users: 'readable', emails };
    cursor = list.cursor;
  }
  return { users: 'readable', emails };
}

/** The reach of one live token. */
export async function measureReach(call: Call): Promise<Access> {
  const notes: string[] = [];
  const pages = await countShared(call, 'page', notes);
  const databases = await countShared(call, 'database', notes);
  const people = await readUsers(call, notes);
  return {
    ...(pages ? { pages } : {}),
    ...(databases ? { databases } : {}),
    ...people,
    ...(notes.length ? { incomplete: notes.join('; ') } : {}),
  };
}
