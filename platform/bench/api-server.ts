/**
 * The server side of `npm run bench:api`, run in its own process (forked by api.bench.ts) so the
 * load generator does not share its event loop. `platform` mode starts the built platform with
 * production defaults (response validation off, info logging to stdout, rate limiting on with a
 * budget high enough not to answer 429) and seeds a user, a token and a project; `baseline` mode
 * starts a bare Express app answering the same routes with the same JSON, no auth and no database.
 *
 * Protocol over the IPC channel: the child sends `{ ready, url, token?, projectId? }`; the parent
 * sends `'cpu'` (answered with `{ cpu: microseconds }`) and `'stop'`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Level } from 'pino';
import { createPlatform, isoTime, newId } from '@gpuaas/platform';

export interface ServerReady {
  ready: true;
  url: string;
  token: string;
  projectId: string;
}

const mode = process.argv[2] ?? 'platform';
const databaseUrl = process.argv[3];

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function send(message: unknown): void {
  if (process.send === undefined) throw new Error('api-server.ts must be started with fork()');
  process.send(message);
}

async function startBaseline(): Promise<{ ready: ServerReady; stop: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const now = isoTime();
  const project = (id: string, name: string) => ({
    id,
    organization_id: '0190a0b0-0000-7000-8000-00000000a000',
    name,
    description: null,
    role: 'owner',
    created_at: now,
    updated_at: now,
  });
  app.get('/v1/projects/:id', (req, res) => {
    res.setHeader('ETag', '"1"');
    res.json(project(req.params.id, 'bench'));
  });
  app.post('/v1/projects', express.json(), (req, res) => {
    const id = newId();
    res.status(201).setHeader('ETag', '"1"');
    res.setHeader('Location', `/v1/projects/${id}`);
    res.json(project(id, (req.body as { name: string }).name));
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ready: { ready: true, url: `http://127.0.0.1:${port}`, token: 'none', projectId: newId() },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function startPlatform(): Promise<{ ready: ServerReady; stop: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-bench-api-'));
  const platform = await createPlatform({
    dataDir,
    databaseUrl,
    log: { level: (process.env.BENCH_LOG_LEVEL ?? 'info') as Level },
    // The limiter still counts every request (it is part of the hot path); it just never refuses.
    rateLimit: { authenticated: { limit: 1_000_000_000, windowSeconds: 60 } },
    validateResponses: 'off',
    defaultMetrics: true,
  });
  const { url } = await platform.listen({ port: 0 });
  const now = isoTime();
  const userId = newId();
  await platform.db
    .insertInto('users')
    .values({
      id: userId,
      email: 'bench@example.com',
      display_name: null,
      operator: 0,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
  const { token } = await platform.issueAccessToken({ sub: userId, ttlSeconds: 3600 });
  const created = await fetch(`${url}/v1/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  if (created.status !== 201) throw new Error(`seeding the project answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  return {
    ready: { ready: true, url, token, projectId: id },
    async stop() {
      await platform.close({ graceMs: 2000 });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const { ready, stop } = mode === 'baseline' ? await startBaseline() : await startPlatform();
process.on('message', (message) => {
  if (message === 'cpu') send({ cpu: cpuMicros() });
  if (message === 'stop') {
    void stop().then(() => process.disconnect());
  }
});
send(ready);
