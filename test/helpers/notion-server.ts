/**
 * A real HTTP server on 127.0.0.1 that emulates the parts of the Notion API that verification uses
 * (GET /v1/users/me, POST /v1/search, GET /v1/users), with the bodies Notion sends, and misbehaviours
 * to test against.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What is shared with a token, for /v1/search and /v1/users. */
export interface Shared {
  pages?: number;
  databases?: number;
  people?: { name: string; email?: string }[];
  bots?: number;
  /** The integration lacks "read user information": /v1/users answers 403 restricted_resource. */
  usersRestricted?: boolean;
  /** The first `times` search requests answer 429 with this Retry-After and rate_limit_reason. */
  searchLimited?: { times: number; retryAfter: string; reason: string };
}

export type Behaviour =
  | { kind: 'bot'; name: string; workspace: string; owner?: 'workspace' | 'user'; shared?: Shared }
  | { kind: 'person'; name: string; shared?: Shared }
  | { kind: 'restricted' }
  | { kind: 'rate-limited'; times: number; retryAfter: string; reason?: string }
  | { kind: 'overloaded' }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'garbage' }
  | { kind: 'huge' }
  | { kind: 'redirect' };

export interface Seen {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export class NotionEmulator {
  readonly requests: Seen[] = [];
  private readonly tokens = new Map<string, Behaviour>();
  private readonly hits = new Map<string, number>();
  private server: Server | undefined;
  url = '';
  /** What `at` is measured by: wall time unless a test hands in the clock the code under test uses. */
  now: () => number = Date.now;

  set(token: string, b: Behaviour): this {
    this.tokens.set(token, b);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const at = this.now();
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => this.answer(req, res, at, Buffer.concat(parts).toString('utf8')));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private answer(req: IncomingMessage, res: ServerResponse, at: number, body: string): void {
    {
      this.requests.push({ at, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const b = this.tokens.get(token);
      const n = (this.hits.get(token) ?? 0) + 1;
      this.hits.set(token, n);
      const notFound = () => json(404, { object: 'error', status: 404, code: 'object_not_found', message: 'not found' });
      if (b && (b.kind === 'bot' || b.kind === 'person') && req.url !== '/v1/users/me') return this.shared(req, body, b.shared ?? {}, token, json, notFound);
      if (req.url !== '/v1/users/me' || req.method !== 'GET') return notFound();
      if (!b) return json(401, { object: 'error', status: 401, code: 'unauthorized', message: 'API token is invalid.', request_id: 'r-1' });
      switch (b.kind) {
        case 'bot':
          return json(200, {
            object: 'user',
            id: '16d84278-ab0e-484c-9bdd-b35da3bd8905',
            name: b.name,
            avatar_url: null,
            type: 'bot',
            bot: {
              owner: b.owner === 'user' ? { type: 'user', user: { object: 'user', id: 'u-1', name: 'Ada Lovelace', type: 'person' } } : { type: 'workspace', workspace: true },
              workspace_name: b.workspace,
            },
            request_id: 'r-2',
          });
        case 'person':
          return json(200, { object: 'user', id: 'p-1', name: b.name, avatar_url: null, type: 'person', person: { email: 'ada@example.com' } });
        case 'restricted':
          return json(403, { object: 'error', status: 403, code: 'restricted_resource', message: 'Insufficient permissions for this endpoint.' });
        case 'rate-limited':
          if (n <= b.times) {
            return json(429, { object: 'error', status: 429, code: 'rate_limited', message: 'You have been rate limited.', ...(b.reason ? { additional_data: { rate_limit_reason: b.reason } } : {}) }, { 'retry-after': b.retryAfter });
          }
          return json(200, { object: 'user', id: 'x', name: 'Patient Bot', type: 'bot', bot: { owner: { type: 'workspace', workspace: true }, workspace_name: 'Calm' } });
        case 'overloaded':
          return json(529, { object: 'error', status: 529, code: 'service_overload', message: 'Overloaded.' }, { 'retry-after': '1' });
        case 'status':
          return json(b.status, { object: 'error', status: b.status, code: 'internal_server_error', message: 'oops' });
        case 'slow':
          setTimeout(() => json(200, { object: 'user', id: 's', type: 'bot', name: 'Slow', bot: {} }), b.ms).unref();
          return undefined;
        case 'garbage':
          res.writeHead(200, { 'content-type': 'text/html' });
          return void res.end('<html>captive portal</html>');
        case 'huge':
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(`{"object":"user","id":"h","name":"${'A'.repeat(200_000)}"}`);
        case 'redirect':
          res.writeHead(302, { location: 'http://127.0.0.1:1/steal' });
          return void res.end();
      }
    }
  }

  private searchHits = new Map<string, number>();

  /** /v1/search and /v1/users, paginated as Notion does (start_cursor, page_size ≤ 100, has_more). */
  private shared(req: IncomingMessage, body: string, w: Shared, token: string, json: (s: number, b: unknown, h?: Record<string, string>) => void, notFound: () => void): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = <T>(all: T[], size: unknown, cursor: unknown) => {
      const n = typeof size === 'number' ? size : Number(size ?? 100);
      if (!Number.isInteger(n) || n < 1 || n > 100) return undefined;
      const from = typeof cursor === 'string' && /^c-\d+$/.test(cursor) ? Number(cursor.slice(2)) : 0;
      const results = all.slice(from, from + n);
      const more = from + n < all.length;
      return { object: 'list', results, has_more: more, next_cursor: more ? `c-${from + n}` : null, type: 'page_or_database', request_id: 'r-3' };
    };
    const invalid = (message: string) => json(400, { object: 'error', status: 400, code: 'validation_error', message });
    if (req.method === 'POST' && url.pathname === '/v1/search') {
      const hits = (this.searchHits.get(token) ?? 0) + 1;
      this.searchHits.set(token, hits);
      if (w.searchLimited && hits <= w.searchLimited.times) {
        return json(429, { object: 'error', status: 429, code: 'rate_limited', message: 'Rate limited.', additional_data: { rate_limit_reason: w.searchLimited.reason } }, { 'retry-after': w.searchLimited.retryAfter });
      }
      let q: { filter?: { property?: unknown; value?: unknown }; page_size?: unknown; start_cursor?: unknown };
      try {
        q = JSON.parse(body) as typeof q;
      } catch {
        return json(400, { object: 'error', status: 400, code: 'invalid_json', message: 'Error parsing JSON body.' });
      }
      const kind = q.filter?.value;
      if (q.filter && (q.filter.property !== 'object' || (kind !== 'page' && kind !== 'database'))) return invalid('body.filter.value should be "page" or "database"');
      const all = [
        ...(kind === 'database' ? [] : Array.from({ length: w.pages ?? 0 }, (_, i) => ({ object: 'page', id: `page-${i}` }))),
        ...(kind === 'page' ? [] : Array.from({ length: w.databases ?? 0 }, (_, i) => ({ object: 'database', id: `db-${i}` }))),
      ];
      const list = page(all, q.page_size, q.start_cursor);
      return list ? json(200, list) : invalid('body.page_size should be ≤ 100');
    }
    if (req.method === 'GET' && url.pathname === '/v1/users') {
      if (w.usersRestricted) return json(403, { object: 'error', status: 403, code: 'restricted_resource', message: 'Insufficient permissions for this endpoint.' });
      const all = [
        ...(w.people ?? []).map((p, i) => ({ object: 'user', id: `person-${i}`, type: 'person', name: p.name, person: p.email ? { email: p.email } : {} })),
        ...Array.from({ length: w.bots ?? 0 }, (_, i) => ({ object: 'user', id: `bot-${i}`, type: 'bot', name: `Bot ${i}`, bot: {} })),
      ];
      const list = page(all, url.searchParams.get('page_size') ?? undefined, url.searchParams.get('start_cursor') ?? undefined);
      return list ? json(200, list) : invalid('page_size should be ≤ 100');
    }
    return notFound();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
