/**
 * Does a token body look random, as a real token does, or made by hand, as a placeholder, an example
 * or an identifier is? Each check's threshold was chosen so that generated random bodies essentially
 * never fail it (measured by test/unit/randomness.test.ts over many generated bodies).
 */

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Longest run of characters stepping by +1, -1 or 0 (`abcdef`, `98765`, `aaaa`; case-insensitive, so
 * `aBcD` counts). Runs of digits are measured apart: real `ntn_` tokens start with 11 digits, where
 * short runs happen by chance far more often than among 62 symbols.
 */
export function longestSequence(s: string): { mixed: number; digits: number } {
  const lower = s.toLowerCase();
  let mixed = 1;
  let digits = 1;
  let up = 1;
  let down = 1;
  let same = 1;
  for (let i = 1; i < lower.length; i++) {
    const d = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    same = d === 0 ? same + 1 : 1;
    const run = Math.max(up, down, same);
    if (/[0-9]/.test(lower.slice(i - run + 1, i + 1)) && /^[0-9]+$/.test(lower.slice(i - run + 1, i + 1))) {
      digits = Math.max(digits, run);
    } else {
      mixed = Math.max(mixed, run);
    }
  }
  return { mixed, digits };
}

/** Share of adjacent pairs that are distinct: low for periodic bodies such as `abc1abc1abc1…`. */
export function distinctBigramRatio(s: string): number {
  if (s.length < 2) return 1;
  const seen = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) seen.add(s.slice(i, i + 2));
  return seen.size / (s.length - 1);
}

/**
 * Share of the body covered by words: camelCase/PascalCase/lowercase segments of 4+ letters, or any
 * of the given stopwords. Identifiers such as `ManagerClientConfiguration…` score high; a random
 * base62 body almost never has long letter-only runs of one case.
 */
export function wordCoverage(s: string, stopwords: readonly string[]): number {
  const covered = new Uint8Array(s.length);
  // Words: a lower-case run of 3+ (optionally capitalised), or a capitalised 3-letter word (Api, Key).
  for (const m of s.matchAll(/[A-Z]?[a-z]{3,}|[A-Z][a-z]{2}/g)) {
    // A word has vowels and no long consonant cluster; random letters rarely do both.
    if (/[aeiouy]/.test(m[0]) && !/[^aeiouy]{5}/i.test(m[0].slice(1))) {
      covered.fill(1, m.index, m.index + m[0].length);
    }
  }
  const lower = s.toLowerCase();
  for (const w of stopwords) {
    if (w.length < 3) continue;
    let i = lower.indexOf(w);
    while (i !== -1) {
      covered.fill(1, i, i + w.length);
      i = lower.indexOf(w, i + 1);
    }
  }
  let n = 0;
  for (const c of covered) n += c;
  return n / s.length;
}

export interface RandomnessPolicy {
  minEntropy: number;
  requireMixedCase: boolean;
  stopwords: readonly string[];
}

/** Why a body was rejected, or undefined when it looks like a real token. */
export function rejectReason(body: string, policy: RandomnessPolicy): string | undefined {
  if (policy.requireMixedCase && (!/[A-Z]/.test(body) || !/[a-z]/.test(body))) return 'single case';
  if (shannonEntropy(body) < policy.minEntropy) return 'low entropy';
  const seq = longestSequence(body);
  if (seq.mixed >= 6 || seq.digits >= 8) return 'sequential or repeated run';
  if (distinctBigramRatio(body) < 0.6) return 'periodic';
  if (wordCoverage(body, policy.stopwords) >= 0.7) return 'made of words';
  return undefined;
}
