/**
 * A stand-in runtime that speaks the control API's event stream as the runtime does
 * (runtime/src/control/routes.ts: `GET /v1/app/events` opens with `{type: 'status', ...status}`,
 * then one `data:` JSON line per event), so a test can script what an app goes through; the real
 * runtime behind the platform is exercised end to end in test/app-instance-events.e2e.test.ts.
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { listenAsLocalRuntime } from './catalog-fixtures.test.util.js';

export const RUNTIME_SECRET = 'x'.repeat(32);

export interface LaunchAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Events sent before the answer (the runtime reports `fetching` while it pulls). */
  before?: Record<string, unknown>[];
}

export interface EventRuntime {
  endpoint: string;
  /** The status the next stream opens with. */
  status: Record<string, unknown>;
  /** Sends an event (its `time` defaults to now) to every open stream. */
  emit(event: Record<string, unknown>): void;
  /** Streams opened so far, and open now. */
  connections(): number;
  open(): number;
  /** Ends every open stream (the runtime restarted, the network dropped). */
  drop(): void;
  /** How the next launches are answered (default: `fetching` reported, then 202). */
  onLaunch: (body: Record<string, unknown>) => LaunchAnswer;
  close(): Promise<void>;
}

export const at = (ms = Date.now()) => new Date(ms).toISOString();

export async function eventRuntime(): Promise<EventRuntime> {
  const streams = new Set<ServerResponse>();
  let connections = 0;
  const write = (event: Record<string, unknown>) => {
    for (const res of streams) res.write(`data: ${JSON.stringify({ time: at(), ...event })}\n\n`);
  };
  const runtime: EventRuntime = {
    endpoint: '',
    status: { state: 'idle', reason: null },
    emit: write,
    connections: () => connections,
    open: () => streams.size,
    drop() {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    onLaunch: () => ({
      status: 202,
      body: { state: 'fetching', reason: null },
      before: [{ type: 'state', state: 'fetching' }],
    }),
    close: () => {
      runtime.drop();
      return closeServer();
    },
  };
  let closeServer = (): Promise<void> => Promise.resolve();
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${RUNTIME_SECRET}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"UNAUTHENTICATED"}');
      return;
    }
    // The platform asks without the app's output (`?exclude=log`), as the real runtime offers.
    if (req.url === '/v1/app/events?exclude=log') {
      connections += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`data: ${JSON.stringify({ type: 'status', ...runtime.status })}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/app/launch') {
        const answer = runtime.onLaunch(JSON.parse(text) as Record<string, unknown>);
        for (const event of answer.before ?? []) write(event);
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(runtime.status));
    });
  });
  const local = await listenAsLocalRuntime(server);
  runtime.endpoint = local.endpoint;
  closeServer = local.close;
  return runtime;
}
