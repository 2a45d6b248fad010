/**
 * Fingerprints: stable for the same secret at the same path, whatever line it moves to (so baselines
 * and ignores survive edits, unlike position-based ones: gitleaks #2239, Kingfisher's offsets). A
 * SHA-256 over a token with ~270 bits of randomness gives nothing back about the token.
 */
import { createHash } from 'node:crypto';

export function fingerprint(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${secret}`).digest('hex').slice(0, 32);
}

/** A path-independent hash of a secret, for deduplication and verification caches. */
export function secretId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
