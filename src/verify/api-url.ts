/**
 * The one place a token may be sent. The base URL comes from --api-url or NOTION_GUARD_API_URL only,
 * never from a file in the scanned repository (a hostile repo must not be able to collect CI's
 * findings), and plain http is allowed only to loopback addresses (for local emulators and tests).
 */
import { NotionGuardError } from '../errors.js';

export const DEFAULT_API_URL = 'https://api.notion.com';

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  // `localhost` itself only: `*.localhost` names are resolved through DNS by fetch here, so a
  // hostile resolver could send them anywhere.
  if (h === 'localhost') return true;
  // (A regex rather than node:net's isIP: this module is on the hook's start-up path.)
  if (/^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(h)) return true;
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/** Validate and normalise an API base URL (no trailing slash). */
export function parseApiUrl(raw: string, from: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new NotionGuardError('usage', `${from}: not a URL: ${raw}`);
  }
  if (u.username || u.password) throw new NotionGuardError('usage', `${from}: credentials in the URL are not allowed`);
  if (u.search || u.hash) throw new NotionGuardError('usage', `${from}: give a base URL without query or fragment`);
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    throw new NotionGuardError('usage', `${from}: plain http is allowed only to loopback addresses (tokens must not cross a network unencrypted)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new NotionGuardError('usage', `${from}: only https URLs are allowed`);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** The API base URL for this run: the command line wins over the environment. */
export function resolveApiUrl(cliValue: string | undefined, env: Record<string, string | undefined>): string {
  if (cliValue !== undefined) return parseApiUrl(cliValue, '--api-url');
  const fromEnv = env.NOTION_GUARD_API_URL;
  if (fromEnv) return parseApiUrl(fromEnv, 'NOTION_GUARD_API_URL');
  return DEFAULT_API_URL;
}
