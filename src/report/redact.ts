/**
 * The only place a secret becomes displayable text. Redacted by default: the prefix and four body
 * characters (enough to tell two tokens apart, ~24 bits of a ~270-bit secret), then an ellipsis.
 */
const KNOWN_PREFIXES = ['ntn_', 'secret_', 'nrt_'];

export function redact(secret: string, show = false): string {
  if (show) return secret;
  const prefix = KNOWN_PREFIXES.find((p) => secret.startsWith(p)) ?? secret.slice(0, 4);
  return `${prefix}${secret.slice(prefix.length, prefix.length + 4)}…`;
}

/** Commit metadata as displayable text: a subject or author name can hold a token too. */
export function redactCommit<C extends { author: string; email: string; message: string }>(c: C, secrets: readonly string[], show = false): C {
  if (show) return c;
  return { ...c, author: redactText(c.author, secrets), email: redactText(c.email, secrets), message: redactText(c.message, secrets) };
}

/** Redact every token-shaped run in free text (line context, error messages). */
export function redactText(text: string, secrets: readonly string[], show = false): string {
  if (show) return text;
  let out = text;
  for (const s of secrets) out = out.split(s).join(redact(s));
  // Anything else that looks like a token (a second one on the line, a split piece) goes too.
  return out.replace(/\b(ntn_|secret_|nrt_)([A-Za-z0-9]{4})[A-Za-z0-9]{8,}/g, '$1$2…');
}
