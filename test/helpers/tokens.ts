/** Test tokens, built at run time from a seeded generator: no token-shaped literal is committed. */
import { randomToken, seededRandom, type Random } from '../../src/rules/examples.js';

export const NTN = { prefix: ['nt', 'n_'].join(''), bodyLength: 46 };
export const LEGACY = { prefix: ['sec', 'ret_'].join(''), bodyLength: 43 };

export class TokenFactory {
  private readonly rnd: Random;
  constructor(seed = 42) {
    this.rnd = seededRandom(seed);
  }
  ntn(): string {
    return randomToken(NTN, this.rnd);
  }
  legacy(): string {
    return randomToken(LEGACY, this.rnd);
  }
  /** A token whose body is random base62 with no digit prefix (not the strict public shape). */
  ntnLoose(): string {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let b = '';
    for (let i = 0; i < 46; i++) b += A[Math.floor(this.rnd() * 62)];
    return NTN.prefix + b;
  }
  random(): number {
    return this.rnd();
  }
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');
