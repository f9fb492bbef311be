/**
 * One platform instance of `npm run bench:placement`, in its own process (forked by
 * placement.bench.ts), so instances and the load generator do not share an event loop. It runs
 * the built platform on the bench's PostgreSQL database with production defaults (response
 * validation off, info logging to stdout, background work under leases) except for a rate limit
 * high enough never to answer 429 and, without heartbeats, a node-unreachable delay longer than
 * the run (with heartbeats it stays the default 15 s, so nodes must beat to stay schedulable).
 * Every instance shares `publicUrl` and the secret key, as `serve` instances must.
 *
 *   node placement-server.ts DATABASE_URL PUBLIC_URL SECRET_KEY UNREACHABLE_SECONDS [seed]
 *
 * With `seed`, the first instance also adds an operator and a tenant (setup, not the measured
 * path), issues their tokens and creates the tenant's project through the API. Protocol over the
 * IPC channel: the child sends `{ ready, url, … }`; the parent sends `'cpu'` (answered with
 * `{ cpu: microseconds }`) and `'stop'`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Level } from 'pino';
import { createPlatform, isoTime, newId } from '@gpuaas/platform';

export interface PlacementServerReady {
  ready: true;
  url: string;
  /** Set on the seeding instance only. */
  seed?: { agentToken: string; tenantToken: string; projectIds: string[] };
}

const [databaseUrl, publicUrl, secretKey, unreachable, seed] = process.argv.slice(2);
if (databaseUrl === undefined || publicUrl === undefined || secretKey === undefined) {
  throw new Error('usage: placement-server.ts DATABASE_URL PUBLIC_URL SECRET_KEY UNREACHABLE_SECONDS [seed]');
}

function send(message: unknown): void {
  if (process.send === undefined) throw new Error('placement-server.ts must be started with fork()');
  process.send(message);
}

const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-bench-placement-'));
const platform = await createPlatform({
  dataDir,
  databaseUrl,
  publicUrl,
  secretKey,
  log: { level: (process.env.BENCH_LOG_LEVEL ?? 'info') as Level },
  rateLimit: { authenticated: { limit: 1_000_000_000, windowSeconds: 60 } },
  validateResponses: 'off',
  localNode: false,
  // Each create holds its first interval from the project's prepaid balance, topped up below.
  billing: { starterCredit: '0' },
  compute: { nodeUnreachableSeconds: Number(unreachable ?? 15) },
});
const { url } = await platform.listen({ port: 0 });

async function seedUsers(): Promise<NonNullable<PlacementServerReady['seed']>> {
  const now = isoTime();
  const user = (email: string, operator: 0 | 1) => ({
    id: newId(),
    email,
    display_name: null,
    operator,
    created_at: now,
    updated_at: now,
    version: 1,
  });
  const operator = user('operator@bench.example', 1);
  const tenant = user('tenant@bench.example', 0);
  await platform.db.insertInto('users').values([operator, tenant]).execute();
  const ttlSeconds = 3600;
  const operatorToken = (await platform.issueAccessToken({ sub: operator.id, operator: true, ttlSeconds }))
    .token;
  const agentToken = (
    await platform.issueAccessToken({ sub: operator.id, operator: true, scopes: ['nodes:agent'], ttlSeconds })
  ).token;
  const tenantToken = (await platform.issueAccessToken({ sub: tenant.id, ttlSeconds })).token;
  const post = async (token: string, path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': newId(),
      },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  // Several projects, as real load comes from many: each project's balance is locked by its holds.
  const projectIds: string[] = [];
  for (let i = 0; i < 8; i++) {
    const { id } = await post(tenantToken, '/v1/projects', { name: `placement-bench-${i}` });
    await post(operatorToken, '/v1/billing/topups', {
      project_id: id,
      amount: '1000000.00',
      reason: 'bench',
    });
    projectIds.push(id);
  }
  return { agentToken, tenantToken, projectIds };
}

const ready: PlacementServerReady = {
  ready: true,
  url,
  ...(seed === 'seed' ? { seed: await seedUsers() } : {}),
};
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ cpu: user + system });
  }
  if (message === 'stop') {
    void platform
      .close({ graceMs: 2000 })
      .then(() => rm(dataDir, { recursive: true, force: true }))
      .then(() => process.disconnect());
  }
});
send(ready);
