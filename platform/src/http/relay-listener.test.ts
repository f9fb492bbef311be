/**
 * The listener's routing: only an app endpoint's request on the platform's own host is relayed
 * before Express; the rest (other paths, instance origins, names that are not endpoint names)
 * reach the Express application. A relayed request gets the pipeline's correlation id and its
 * refusals as problem documents. (The relay itself: test/app-endpoints-relay.int.test.ts.)
 */
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { PlatformError } from '../errors.js';
import { relayFirst } from './relay-listener.js';
import type { RelayListenerDeps } from './relay-listener.js';

/** A GET with the Host header given (fetch cannot set Host). */
function get(path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let base = '';
const RELAY = '/v1/allocations/0b9c1c1e-1111-4222-8333-444455556666/app/endpoints/ui/healthz';

describe('the relay-first request listener', () => {
  let server: Server;
  const verified: string[] = [];

  beforeAll(async () => {
    // An Express application answering 299: whatever reaches it was not relayed.
    const app = express();
    app.use((_req, res) => {
      res.status(299).send('express');
    });
    const deps = {
      tokens: {
        verify: (token: string) => {
          verified.push(token);
          return Promise.reject(new PlatformError('TOKEN_INVALID', 'not a token of this platform'));
        },
      },
      logger: createLogger({ level: 'silent', destination: undefined }),
      metrics: createMetrics({ defaultMetrics: false }),
      isAppsHost: (host: string | undefined) => host?.split(':')[0]?.endsWith('.apps.localhost') === true,
    } as unknown as RelayListenerDeps;
    server = createServer(relayFirst(app, deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('relays an endpoint request below Express: its refusal is a problem with a correlation id', async () => {
    const missing = await fetch(base + RELAY, { headers: { 'x-correlation-id': 'relay-listener-0001' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(missing.headers.get('x-correlation-id')).toBe('relay-listener-0001');
    expect(await missing.json()).toMatchObject({
      code: 'TOKEN_MISSING',
      correlation_id: 'relay-listener-0001',
      instance: RELAY,
    });

    const forged = await fetch(`${base}${RELAY}?a=1`, { headers: { authorization: 'Bearer forged' } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: string }).code).toBe('TOKEN_INVALID');
    expect(verified).toEqual(['forged']);
  });

  it.each([
    ['another path', '/v1/allocations/0b9c1c1e-1111-4222-8333-444455556666/app', undefined],
    ['a path outside /v1/allocations', '/v1/apps', undefined],
    ['a name that is not an endpoint name', RELAY.replace('/ui/', '/Not_A_Label/'), undefined],
    ['an instance origin', RELAY, 'x.apps.localhost'],
  ])('leaves %s to Express', async (_what, path, host) => {
    expect(await get(path, host)).toEqual({ status: 299, body: 'express' });
  });
});
