/**
 * Shared set-up for the control API's tests on a real runtime server: an authenticated JSON client
 * for its Unix socket, a poll helper, a minimal app that says it is ready, and the controller plus
 * server pair every such test starts.
 */
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { startRuntimeServer } from '../server.js';
import type { RuntimeServer } from '../server.js';
import { createAppController } from './routes.js';
import type { AppController } from './routes.js';

export interface ControlAnswer {
  status: number;
  json: Record<string, unknown>;
}

/** A JSON client for the control API that presents `secret` as the runtime's bearer token. */
export function controlClient(secret: string) {
  return (socketPath: string, method: string, path: string, body?: unknown): Promise<ControlAnswer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath,
          method,
          path,
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(text || '{}') as Record<string, unknown>,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

/** Opens the control API's event stream (`path`, with its query) as `secret`; the response, unread. */
export function openControlEvents(
  socketPath: string,
  secret: string,
  path = '/v1/app/events',
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method: 'GET', path, headers: { authorization: `Bearer ${secret}` } },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/** Polls `probe` every 50 ms until it holds; throws after `ms`. */
export async function until(probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The manifest of an app that needs no GPU and stops within 2 s. */
export const readyAppManifest = (name: string) => `apiVersion: gpuaas.dev/v1alpha1
name: ${name}
version: 1.0.0
publisher: gpuaas-tests
run:
  entrypoint: [sh, run.sh]
resources:
  minimum:
    gpus: { count: 0 }
health:
  stop: { gracePeriod: 2s }
`;

/** Says it is ready through the app API (curl-free: a one-line node call), then idles. */
export const READY_RUN = `#!/bin/sh
node -e "require('http').request({socketPath: process.env.GPUAAS_RUNTIME_URL.slice(5), method: 'POST', path: '/v1/ready'}).end()"
while true; do sleep 0.2; done
`;

/** A silent app controller under `dir` behind a runtime server on `dir/run/rt.sock`. */
export async function startControlledRuntime(
  dir: string,
  secret: string,
  registry?: { fetch: typeof fetch },
): Promise<{ controller: AppController; server: RuntimeServer }> {
  const logger = pino({ level: 'silent' });
  await mkdir(join(dir, 'run'), { recursive: true });
  const controller = createAppController({
    dataDir: join(dir, 'data'),
    runDir: join(dir, 'run'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    logger,
    ...(registry === undefined ? {} : { registry }),
  });
  const server = await startRuntimeServer({
    socketPath: join(dir, 'run', 'rt.sock'),
    secret,
    logger,
    routes: controller.routes,
  });
  return { controller, server };
}
