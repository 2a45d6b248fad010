/**
 * A clock whose time moves only when someone sleeps on it: a paced schedule measured on it is exact,
 * whatever the machine's load, and a test of a 1-second spacing takes no second.
 */
import type { Clock } from '../../src/verify/pacer.js';

export class VirtualClock implements Clock {
  private t: number;
  readonly sleeps: number[] = [];
  constructor(start = 1_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    // Concurrent sleepers each advance to their own wake time, never backwards.
    const wake = this.t + ms;
    await new Promise((r) => setImmediate(r));
    this.t = Math.max(this.t, wake);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
