/**
 * One verification request: GET {api}/v1/users/me with the token (Notion API reference, "Retrieve
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

export interface Attempt {
  verification: Verification;
  /** Seconds the server asked us to wait (429/529), when it asked. */
  retryAfter?: number;
  retryable: boolean;
}

export async function checkTokenOnce(apiUrl: string, token: string, timeoutMs: number): Promise<Attempt> {
  let res: Response;
  try {
    res = await fetch(`${apiUrl}/v1/users/me`, {
      method: 'GET',
      redirect: 'manual',
      headers: {
        Authorization: `Bearer ${token}`,
        'Notion-Version': NOTION_VERSION,
        'User-Agent': `${TOOL_NAME}/${TOOL_VERSION} (secret verification)`,
        Accept: 'application/json',
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const name = (e as Error).name;
    const reason = name === 'TimeoutError' || name === 'AbortError' ? `timeout after ${timeoutMs} ms` : `network error (${describeNetError(e)})`;
    return { verification: { status: 'unknown', reason }, retryable: false };
  }
  const status = res.status;
  let body: unknown;
  try {
    body = await readJson(res, timeoutMs);
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { verification: { status: 'unknown', reason: `timeout after ${timeoutMs} ms`, httpStatus: status }, retryable: false };
    }
    body = undefined;
  }
  if (status === 200) return { verification: describeUser(body), retryable: false };
  if (status === 401) return { verification: { status: 'invalid', reason: 'unauthorized (revoked or never valid)', httpStatus: 401 }, retryable: false };
  if (status === 403) return { verification: { status: 'live', reason: 'authenticated, but lacks a capability (restricted)', httpStatus: 403 }, retryable: false };
  if (status === 429 || status === 529) {
    const ra = parseRetryAfter(res.headers.get('retry-after'));
    const why = status === 429 ? 'rate limited' : 'service overloaded';
    return { verification: { status: 'unknown', reason: why, httpStatus: status }, ...(ra === undefined ? {} : { retryAfter: ra }), retryable: true };
  }
  if (status >= 300 && status < 400) return { verification: { status: 'unknown', reason: `unexpected redirect (HTTP ${status}, not followed)`, httpStatus: status }, retryable: false };
  if (status >= 500) return { verification: { status: 'unknown', reason: `server error (HTTP ${status})`, httpStatus: status }, retryable: false };
  return { verification: { status: 'unknown', reason: `unexpected HTTP ${status}`, httpStatus: status }, retryable: false };
}

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

async function readJson(res: Response, timeoutMs: number): Promise<unknown> {
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
      if (size > MAX_BODY) {
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
