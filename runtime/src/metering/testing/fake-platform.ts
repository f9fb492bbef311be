/**
 * A fake of the platform's `POST /v1/usage-events` for tests: stores CloudEvents by id (a repeated
 * id is answered as a duplicate, like the real table's primary key), and can be switched to answer
 * 503, refuse batches with a 4xx, or stop listening altogether (connection refused).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UsageCloudEvent } from '../shipper.js';

export interface FakePlatformRequest {
  ids: string[];
  /** The request body exactly as received. */
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakePlatform {
  readonly url: string;
  /** Stored events by id, each once. */
  readonly stored: Map<string, UsageCloudEvent>;
  readonly requests: FakePlatformRequest[];
  /** Ids answered as duplicates, over all requests. */
  duplicates: number;
  /** 'ok' stores; 'down' answers 503; 'reject' answers 400 problem+json. */
  mode: 'ok' | 'down' | 'reject';
  /** Answered before the mode applies, one per request: a status and the problem's code. */
  next: { status: number; code: string }[];
  /** Lists only these of a batch's ids as stored (to test partial answers); default all. */
  confirmOnly?: (ids: string[]) => string[];
  /** Stops listening: connections are refused until restart(). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakePlatform(): Promise<FakePlatform> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/usage-events') {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const { events } = JSON.parse(body) as { events: UsageCloudEvent[] };
      platform.requests.push({ ids: events.map((e) => e.id), body, headers: req.headers });
      const scripted = platform.next.shift();
      if (scripted !== undefined) {
        res
          .writeHead(scripted.status, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ code: scripted.code, title: scripted.code, status: scripted.status }));
        return;
      }
      if (platform.mode === 'down') {
        res
          .writeHead(503, { 'content-type': 'application/problem+json' })
          .end('{"code":"NOT_READY","title":"Not ready","status":503}');
        return;
      }
      if (platform.mode === 'reject') {
        res
          .writeHead(400, { 'content-type': 'application/problem+json' })
          .end(
            '{"code":"VALIDATION_FAILED","title":"Request validation failed","status":400,"detail":"nope"}',
          );
        return;
      }
      const listed = new Set(platform.confirmOnly?.(events.map((e) => e.id)) ?? events.map((e) => e.id));
      const answer = { accepted: [] as string[], duplicates: [] as string[] };
      for (const event of events) {
        if (platform.stored.has(event.id)) {
          platform.duplicates++;
          if (listed.has(event.id)) answer.duplicates.push(event.id);
        } else {
          platform.stored.set(event.id, event);
          if (listed.has(event.id)) answer.accepted.push(event.id);
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const stop = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  const platform: FakePlatform = {
    url: `http://127.0.0.1:${port}`,
    stored: new Map(),
    requests: [],
    duplicates: 0,
    mode: 'ok',
    next: [],
    stop,
    async restart() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    close: stop,
  };
  return platform;
}
