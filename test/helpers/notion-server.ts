/**
 * A real HTTP server on 127.0.0.1 that emulates the parts of the Notion API that verification uses
 * (GET /v1/users/me), with the bodies Notion sends, and misbehaviours to test against.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour =
  | { kind: 'bot'; name: string; workspace: string; owner?: 'workspace' | 'user' }
  | { kind: 'person'; name: string }
  | { kind: 'restricted' }
  | { kind: 'rate-limited'; times: number; retryAfter: string }
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
      this.requests.push({ at: this.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const b = this.tokens.get(token);
      const n = (this.hits.get(token) ?? 0) + 1;
      this.hits.set(token, n);
      if (req.url !== '/v1/users/me' || req.method !== 'GET') return json(404, { object: 'error', status: 404, code: 'object_not_found', message: 'not found' });
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
          if (n <= b.times) return json(429, { object: 'error', status: 429, code: 'rate_limited', message: 'You have been rate limited.' }, { 'retry-after': b.retryAfter });
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
          return res.end('<html>captive portal</html>');
        case 'huge':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(`{"object":"user","id":"h","name":"${'A'.repeat(200_000)}"}`);
        case 'redirect':
          res.writeHead(302, { location: 'http://127.0.0.1:1/steal' });
          return res.end();
      }
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
