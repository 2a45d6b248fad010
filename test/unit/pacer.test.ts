import { describe, expect, it } from 'vitest';
import { Pacer, intervalFor } from '../../src/verify/pacer.js';
import { VirtualClock } from '../helpers/virtual-clock.js';

/** Every window of `n + 1` consecutive starts spans at least one second: never more than n per second. */
function maxPerSecond(starts: number[]): number {
  let worst = 0;
  for (let i = 0; i < starts.length; i++) {
    let j = i;
    while (j + 1 < starts.length && starts[j + 1]! - starts[i]! < 1000) j++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

describe('verification pacer, on a virtual clock', () => {
  it('starts requests one interval apart at 3 per second, and never faster whatever rate is asked', async () => {
    for (const rate of [3, 10, 1000]) {
      const clock = new VirtualClock();
      const pacer = new Pacer(intervalFor(rate), clock);
      const starts: number[] = [];
      for (let i = 0; i < 10; i++) starts.push(await pacer.wait());
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBe(334);
      expect(maxPerSecond(starts)).toBe(3);
    }
  });

  it('a slower rate spaces further', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(intervalFor(1), clock);
    const a = await pacer.wait();
    const b = await pacer.wait();
    expect(b - a).toBe(1000);
  });

  it('concurrent callers each get their own slot', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(intervalFor(3), clock);
    const starts = (await Promise.all(Array.from({ length: 6 }, () => pacer.wait()))).sort((x, y) => x - y);
    expect(new Set(starts).size).toBe(6);
    expect(maxPerSecond(starts)).toBe(3);
  });

  it('does not sleep when the caller was already slower than the rate', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(intervalFor(3), clock);
    await pacer.wait();
    clock.advance(5000);
    const t = clock.now();
    expect(await pacer.wait()).toBe(t);
    expect(clock.sleeps).toEqual([]);
  });

  it('holds every later start until a Retry-After has passed', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(intervalFor(3), clock);
    const first = await pacer.wait();
    pacer.pushBack(first + 7000);
    expect(await pacer.wait()).toBe(first + 7000);
    expect(await pacer.wait()).toBe(first + 7334);
    // A push-back earlier than the schedule changes nothing.
    pacer.pushBack(first);
    expect(await pacer.wait()).toBe(first + 7668);
  });
});
