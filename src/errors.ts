/**
 * Known errors: each prints as one line and exits 2. Anything else is a bug and keeps its stack for
 * `--debug`. Messages must never contain a token (see report/redact.ts).
 */
export type ErrorCode = 'usage' | 'rule-file' | 'config' | 'git' | 'io' | 'verify' | 'interrupted' | 'internal';

export class NotionGuardError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotionGuardError';
    this.code = code;
  }
}

export function isKnownError(e: unknown): e is NotionGuardError {
  return e instanceof NotionGuardError;
}
