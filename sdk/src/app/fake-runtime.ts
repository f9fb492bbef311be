/**
 * A fake of the runtime's local API for app authors' tests (and ours): it speaks the same
 * contract as the real runtime — meter, ready, status, credentials — records what the app sent,
 * dedupes meter events by id and refuses undeclared meters with METER_UNKNOWN. Point the app at
 * it with `GPUAAS_RUNTIME_URL=<fake.url>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeMeterEvent {
  name: string;
  quantity: number;
  id: string;
}

export interface FakeStatus {
  message: string;
  progress?: number;
}

export interface FakeRuntimeOptions {
  /** Declared meter names; reports of other names get 400 METER_UNKNOWN. Absent: accept any. */
  meters?: readonly string[];
  /** Listen on this unix socket instead of a loopback TCP port. */
  socketPath?: string;
  /** Token handed out by GET /v1/credentials (default `fake-token`). */
  token?: string;
}

export interface FakeRuntime {
  /** Value for GPUAAS_RUNTIME_URL. */
  readonly url: string;
  /** Accepted meter events, each id once, in arrival order. */
  readonly meters: FakeMeterEvent[];
  /** Every meter request received, duplicates included (to observe retries). */
  readonly meterRequests: FakeMeterEvent[];
  readonly statuses: FakeStatus[];
  /** How many times the app called ready. */
  readonly readyCalls: number;
  /** Sum of accepted quantities for one meter. */
  total(name: string): number;
  /** Resolves once `predicate` holds, polling every 20 ms; rejects after `timeoutMs`. */
  waitFor(predicate: (runtime: FakeRuntime) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a fake runtime API on a free loopback port (or on `socketPath`).
 *
 * @example
 * ```ts
 * const runtime = await startFakeRuntime({ meters: ['tokens'] });
 * const client = createAppClient({ url: runtime.url });
 * await client.meter('tokens', 3);
 * expect(runtime.total('tokens')).toBe(3);
 * await runtime.close();
 * ```
 */
export async function startFakeRuntime(options: FakeRuntimeOptions = {}): Promise<FakeRuntime> {
  const meters: FakeMeterEvent[] = [];
  const meterRequests: FakeMeterEvent[] = [];
  const statuses: FakeStatus[] = [];
  const seen = new Set<string>();
  let readyCalls = 0;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = `${request.method ?? ''} ${(request.url ?? '').split('?')[0] ?? ''}`;
      let body: unknown;
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : {};
      } catch {
        return problem(response, 400, 'BAD_REQUEST', 'body is not JSON');
      }
      const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      switch (route) {
        case 'POST /v1/meter': {
          const { name, quantity, id } = record;
          if (typeof name !== 'string' || typeof quantity !== 'number' || quantity < 0) {
            return problem(response, 400, 'BAD_REQUEST', 'expected { name, quantity >= 0, id? }');
          }
          if (options.meters && !options.meters.includes(name)) {
            return problem(response, 400, 'METER_UNKNOWN', `meter "${name}" is not declared in the manifest`);
          }
          const eventId = typeof id === 'string' && id !== '' ? id : `fake-${meterRequests.length}`;
          meterRequests.push({ name, quantity, id: eventId });
          if (!seen.has(eventId)) {
            seen.add(eventId);
            meters.push({ name, quantity, id: eventId });
          }
          return json(response, 202, { accepted: true, id: eventId });
        }
        case 'POST /v1/ready':
          readyCalls++;
          return json(response, 204, undefined);
        case 'POST /v1/status': {
          const { message, progress } = record;
          if (typeof message !== 'string')
            return problem(response, 400, 'BAD_REQUEST', 'expected { message }');
          if (progress !== undefined && (typeof progress !== 'number' || progress < 0 || progress > 1)) {
            return problem(response, 400, 'BAD_REQUEST', 'progress must be between 0 and 1');
          }
          statuses.push(typeof progress === 'number' ? { message, progress } : { message });
          return json(response, 204, undefined);
        }
        case 'GET /v1/credentials':
          return json(response, 200, {
            token: options.token ?? 'fake-token',
            expires_at: new Date(Date.now() + 15 * 60_000).toISOString(),
          });
        default:
          return problem(response, 404, 'NOT_FOUND', `no route ${route}`);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (options.socketPath) server.listen(options.socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const url = options.socketPath
    ? `unix:${options.socketPath}`
    : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const runtime: FakeRuntime = {
    url,
    meters,
    meterRequests,
    statuses,
    get readyCalls() {
      return readyCalls;
    },
    total: (name) => meters.filter((m) => m.name === name).reduce((sum, m) => sum + m.quantity, 0),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(runtime)) {
        if (Date.now() > deadline) throw new Error(`fake runtime: condition not met within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return runtime;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

function problem(response: http.ServerResponse, status: number, code: string, detail: string): void {
  const text = JSON.stringify({ type: 'about:blank', title: code, status, code, detail });
  response.writeHead(status, { 'content-type': 'application/problem+json' }).end(text);
}
