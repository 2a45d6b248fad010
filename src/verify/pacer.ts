/**
 * Request pacing for verification. The clock is injected so the schedule itself can be tested
 * exactly: wall-clock arrival times at a server include connection setup and scheduling jitter, and
 * say nothing certain about when requests were started.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Spaces request starts at least `intervalMs` apart; `pushBack` holds every start until a time. */
export class Pacer {
  private next = -Infinity;
  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Resolves when the caller may start a request; returns the start time it was given. */
  async wait(): Promise<number> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    // Reserve the slot before sleeping so concurrent callers queue behind it rather than share it.
    this.next = at + this.intervalMs;
    if (at > now) await this.clock.sleep(at - now);
    return at;
  }

  /** The earliest time the next caller could start. */
  nextStart(): number {
    return Math.max(this.clock.now(), this.next);
  }

  /** After a Retry-After, nothing starts before it has passed. */
  pushBack(untilMs: number): void {
    this.next = Math.max(this.next, untilMs);
  }
}

/** The interval for a rate in requests per second, never faster than Notion's average of 3. */
export function intervalFor(rate: number): number {
  return Math.ceil(1000 / Math.min(3, Math.max(0.01, rate)));
}
