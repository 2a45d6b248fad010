/**
 * Verifying many tokens: each unique token once per run, never faster than Notion's average limit of
 * 3 requests per second (Notion API reference, "Request limits"), 429/529 retried after Retry-After
 * a bounded number of times, each request and the whole run under a deadline so a pre-commit hook can
 * never hang on a dead network. Results only add to findings; they never remove one.
 */
import type { Verification } from '../types.js';
import { classifyMe, describeFailure, send, USERS_ME, type NotionRequest, type Reply } from './notion.js';
import { measureReach, REACH_MAX_BODY } from './reach.js';
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
  /** Measure what each live token can read (default true). */
  reach?: boolean;
}

export const DEFAULT_VERIFY: Omit<VerifyOptions, 'apiUrl'> = { rate: 3, timeoutMs: 10_000, budgetMs: 60_000, maxRetries: 3 };

/** A request with pacing, Retry-After retries and the run's deadline; a failure is in the reply. */
function makeCall(opts: VerifyOptions, pacer: Pacer, clock: Clock, deadline: number) {
  return async (token: string, req: NotionRequest, maxBody?: number): Promise<Reply> => {
    let last: Reply | undefined;
    for (let attempt = 0; attempt <= opts.maxRetries; attempt++) {
      // Past the deadline, or no slot before it: say so at once rather than sleep to find out.
      const left = pacer.nextStart() >= deadline ? 0 : deadline - (await pacer.wait());
      if (left <= 0) {
        const failure = last ? `${describeFailure(last)}; verification time budget exhausted` : 'not checked: verification time budget exhausted';
        return { ...(last?.httpStatus === undefined ? {} : { httpStatus: last.httpStatus }), failure, retryable: false };
      }
      const r = await send(opts.apiUrl, token, req, Math.min(opts.timeoutMs, left), maxBody);
      if (!r.retryable) return r;
      last = r;
      const waitMs = Math.ceil((r.retryAfter ?? 2 ** attempt) * 1000);
      const tries = `gave up after ${attempt + 1} attempt${attempt ? 's' : ''}`;
      if (attempt === opts.maxRetries) return { ...r, retryable: false, failure: `${describeFailure(r)} (${tries})` };
      if (clock.now() + waitMs >= deadline) {
        // Notion's per-workspace limit can ask for more than a minute: past the budget, say so.
        return { ...r, retryable: false, failure: `${describeFailure(r)} (Retry-After ${Math.ceil(waitMs / 1000)} s is past the verification budget; ${tries})` };
      }
      pacer.pushBack(clock.now() + waitMs);
    }
    return last!;
  };
}

/**
 * Verify unique tokens; returns a status for every one of them. Verdicts come first for all
 * tokens, then the reach of each live one, so a tight budget is spent on what matters most.
 */
export async function verifyTokens(tokens: Iterable<string>, opts: VerifyOptions): Promise<Map<string, Verification>> {
  const unique = [...new Set(tokens)];
  const out = new Map<string, Verification>();
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.budgetMs;
  const call = makeCall(opts, new Pacer(intervalFor(opts.rate), clock), clock, deadline);
  for (const token of unique) out.set(token, classifyMe(await call(token, USERS_ME)));
  if (opts.reach !== false) {
    for (const token of unique) {
      const v = out.get(token)!;
      if (v.status === 'live') v.access = await measureReach((req) => call(token, req, REACH_MAX_BODY));
    }
  }
  return out;
}
