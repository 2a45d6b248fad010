/**
 * Verifying many tokens: each unique token once per run, never faster than Notion's average limit of
 * 3 requests per second (Notion API reference, "Request limits"), 429/529 retried after Retry-After
 * a bounded number of times, each request and the whole run under a deadline so a pre-commit hook can
 * never hang on a dead network. Results only add to findings; they never remove one.
 */
import type { Verification } from '../types.js';
import { checkTokenOnce } from './notion.js';
import { type Clock, Pacer, intervalFor, realClock } from './pacer.js';

export interface VerifyOptions {
  apiUrl: string;
  /** Requests per second, at most 3 (Notion's documented average). */
  rate: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Deadline for the whole verification. */
  budgetMs: number;
  /** Retries of a 429/529 answer. */
  maxRetries: number;
  /** Time source for pacing and the budget; tests inject a virtual one. */
  clock?: Clock;
}

export const DEFAULT_VERIFY: Omit<VerifyOptions, 'apiUrl'> = { rate: 3, timeoutMs: 10_000, budgetMs: 60_000, maxRetries: 3 };

/** Verify unique tokens; returns a status for every one of them. */
export async function verifyTokens(tokens: Iterable<string>, opts: VerifyOptions): Promise<Map<string, Verification>> {
  const unique = [...new Set(tokens)];
  const out = new Map<string, Verification>();
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.budgetMs;
  const pacer = new Pacer(intervalFor(opts.rate), clock);
  for (const token of unique) {
    out.set(token, await verifyOne(token, opts, pacer, clock, deadline));
  }
  return out;
}

async function verifyOne(token: string, opts: VerifyOptions, pacer: Pacer, clock: Clock, deadline: number): Promise<Verification> {
  let last: Verification = { status: 'unknown', reason: 'not checked: verification time budget exhausted' };
  for (let attempt = 0; attempt <= opts.maxRetries; attempt++) {
    await pacer.wait();
    const left = deadline - clock.now();
    if (left <= 0) return attempt === 0 ? last : { ...last, reason: `${last.reason ?? 'unknown'}; verification time budget exhausted` };
    const r = await checkTokenOnce(opts.apiUrl, token, Math.min(opts.timeoutMs, left));
    last = r.verification;
    if (!r.retryable) return last;
    const waitMs = Math.ceil((r.retryAfter ?? 2 ** attempt) * 1000);
    if (attempt === opts.maxRetries || clock.now() + waitMs >= deadline) {
      return { ...last, reason: `${last.reason ?? 'rate limited'} (gave up after ${attempt + 1} attempt${attempt ? 's' : ''})` };
    }
    pacer.pushBack(clock.now() + waitMs);
  }
  return last;
}
