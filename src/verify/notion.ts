/**
 * Requests to the Notion API. The verdict comes from GET {api}/v1/users/me with the token (Notion API reference, "Retrieve
 * your token's bot user"). That endpoint answers for integration tokens (a bot user) and for
 * personal access tokens (the person) alike, unlike "List all users", which PATs cannot call.
 *
 * Status mapping, decided deliberately:
 *   200 with a user object  → live (who it acts as, from the body)
 *   200 with anything else  → unknown (unexpected body: something that is not Notion answered)
 *   401                     → invalid (revoked or never valid)
 *   403                     → live (authenticated, lacks a capability)
 *   429, 529                → retried after Retry-After, then unknown ("rate limited")
 *   3xx                     → unknown; redirects are never followed, so the token goes nowhere else
 *   other 4xx, 5xx          → unknown, with the status
 *   timeout, network error  → unknown, with the reason
 */
import type { Verification } from '../types.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export const NOTION_VERSION = '2022-06-28';
const MAX_BODY = 64 * 1024;

/** A request verification may make: reads only (GET, and search, which is a POST that changes nothing). */
export interface NotionRequest {
  method: 'GET' | 'POST';
  /** Path and query under the API base, e.g. `/v1/users/me`. */
  path: string;
  body?: unknown;
}

export interface Reply {
  /** Absent when no HTTP answer came (timeout, network error). */
  httpStatus?: number;
  body?: unknown;
  /** Why there is no usable answer, when there is none. */
  failure?: string;
  retryable: boolean;
  retryAfter?: number;
  /** Notion's `additional_data.rate_limit_reason` of a 429 (sanitised to a word). */
  rateLimitReason?: string;
}

function assertReadOnly(req: NotionRequest): void {
  const ok = (req.method === 'GET' && req.body === undefined) || (req.method === 'POST' && req.path === '/v1/search');
  // A programming error, not input: verification must never be able to change a workspace.
  if (!ok || !req.path.startsWith('/v1/')) throw new Error(`verification may not send ${req.method} ${req.path}`);
}

/** One request to the API with the token; never follows a redirect, never reads more than `maxBody`. */
export async function send(apiUrl: string, token: string, req: NotionRequest, timeoutMs: number, maxBody = MAX_BODY): Promise<Reply> {
  assertReadOnly(req);
  let res: Response;
  try {
    res = await fetch(`${apiUrl}${req.path}`, {
      method: req.method,
      redirect: 'manual',
      headers: {
        Authorization: `Bearer ${token}`,
        'Notion-Version': NOTION_VERSION,
        'User-Agent': `${TOOL_NAME}/${TOOL_VERSION} (secret verification)`,
        Accept: 'application/json',
        ...(req.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const name = (e as Error).name;
    const failure = name === 'TimeoutError' || name === 'AbortError' ? `timeout after ${timeoutMs} ms` : `network error (${describeNetError(e)})`;
    return { failure, retryable: false };
  }
  const httpStatus = res.status;
  let body: unknown;
  try {
    body = await readJson(res, timeoutMs, maxBody);
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { httpStatus, failure: `timeout after ${timeoutMs} ms`, retryable: false };
    body = undefined;
  }
  if (httpStatus === 429 || httpStatus === 529) {
    const ra = parseRetryAfter(res.headers.get('retry-after'));
    const why = (body as { additional_data?: { rate_limit_reason?: unknown } } | undefined)?.additional_data?.rate_limit_reason;
    const reason = typeof why === 'string' && /^[a-z0-9_]{1,64}$/i.test(why) ? why : undefined;
    return { httpStatus, body, retryable: true, ...(ra === undefined ? {} : { retryAfter: ra }), ...(reason ? { rateLimitReason: reason } : {}) };
  }
  return { httpStatus, body, retryable: false };
}

/** What an answer that is not a 200 means, as a verification reason. */
export function describeFailure(r: Reply): string {
  if (r.failure) return r.failure;
  const status = r.httpStatus ?? 0;
  if (status === 429) return `rate limited${r.rateLimitReason ? ` (${r.rateLimitReason})` : ''}`;
  if (status === 529) return 'service overloaded';
  if (status >= 300 && status < 400) return `unexpected redirect (HTTP ${status}, not followed)`;
  if (status >= 500) return `server error (HTTP ${status})`;
  return `unexpected HTTP ${status}`;
}

/** The verdict on a token from the answer to `GET /v1/users/me`. */
export function classifyMe(r: Reply): Verification {
  const status = r.httpStatus;
  if (r.failure) return { status: 'unknown', reason: r.failure, ...(status === undefined ? {} : { httpStatus: status }) };
  if (status === 200) return describeUser(r.body);
  if (status === 401) return { status: 'invalid', reason: 'unauthorized (revoked or never valid)', httpStatus: 401 };
  if (status === 403) return { status: 'live', reason: 'authenticated, but lacks a capability (restricted)', httpStatus: 403 };
  return { status: 'unknown', reason: describeFailure(r), httpStatus: status! };
}

export const USERS_ME: NotionRequest = { method: 'GET', path: '/v1/users/me' };

function describeUser(body: unknown): Verification {
  const o = body as Record<string, unknown> | undefined;
  if (!o || typeof o !== 'object' || o.object !== 'user' || typeof o.id !== 'string') {
    return { status: 'unknown', reason: 'unexpected response body', httpStatus: 200 };
  }
  const v: Verification = { status: 'live', httpStatus: 200 };
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length > 0 ? x.slice(0, 200) : undefined);
  if (o.type === 'bot') {
    const bot = (o.bot ?? {}) as Record<string, unknown>;
    const owner = (bot.owner ?? {}) as Record<string, unknown>;
    const name = str(o.name);
    if (name) v.bot = name;
    const ws = str(bot.workspace_name);
    if (ws) v.workspace = ws;
    const ownerType = str(owner.type);
    if (ownerType) v.ownerType = ownerType;
    const ownerUser = (owner.user ?? {}) as Record<string, unknown>;
    const person = str(ownerUser.name);
    if (person) v.person = person;
  } else if (o.type === 'person') {
    const name = str(o.name);
    if (name) v.person = name;
    v.ownerType = 'person';
  }
  return v;
}

async function readJson(res: Response, timeoutMs: number, maxBody: number): Promise<unknown> {
  if (!res.body) return undefined;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = setTimeout(() => void reader.cancel().catch(() => undefined), timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBody) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(deadline);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(v: string | null): number | undefined {
  if (v === null) return undefined;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const d = Date.parse(t);
  if (Number.isNaN(d)) return undefined;
  return Math.max(0, (d - Date.now()) / 1000);
}

function describeNetError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? 'unknown';
}
