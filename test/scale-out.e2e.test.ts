/**
 * Several `gpuaas-platform serve` processes (issue 19): on one PostgreSQL database each lease on
 * background work is held by exactly one instance; kill -9 the holder and the survivor takes the
 * scheduler over within 15 s and places an allocation created through it, while the dead one's
 * token fences nothing any more. On SQLite a second server on the same file refuses to start
 * (DATABASE_IN_USE, naming the first's pid), short-lived commands keep working beside it, and a
 * server killed with -9 leaves nothing that blocks the next one.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestStore, freePort, requirePostgres } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE, fenceLease, listLeases } from '@gpuaas/platform';
import type { Tables } from '@gpuaas/platform';
import { startFakeNode } from '../platform/src/testing/fake-node.js';
import { platformBin, run, startProcess, until } from './support/processes.js';
import type { StartedProcess } from './support/processes.js';

const postgres = await requirePostgres('scale-out');
const SECRET = Buffer.alloc(32, 19).toString('base64url');
const env = { ...process.env, CI: '', GPUAAS_SECRET_KEY: SECRET };
const LEASES = Object.values(LEASE).sort();

interface Instance {
  url: string;
  process: StartedProcess;
}

async function serve(dataDir: string, args: readonly string[]): Promise<Instance> {
  const started = await startProcess(
    process.execPath,
    [platformBin, 'serve', '--port', '0', '--data-dir', dataDir, '--json', '--no-demo', ...args],
    { env, ready: /"url":\s*"([^"]+)"/, name: `serve ${dataDir}` },
  );
  return { url: started.match[1] ?? '', process: started };
}

/** The `gpuaas_leases_held` gauge of an instance: lease → 1 (held) or 0. */
async function leasesHeld(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const held: Record<string, number> = {};
  for (const m of text.matchAll(/^gpuaas_leases_held\{lease="([^"]+)"\} (\d+)$/gm))
    held[m[1]!] = Number(m[2]);
  return held;
}

async function token(
  dataDir: string,
  args: readonly string[],
): Promise<{ access_token: string; project_id: string | null }> {
  const result = await run(platformBin, ['token', '--data-dir', dataDir, '--json', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { access_token: string; project_id: string | null };
}

describe.skipIf(!postgres)('two instances on one PostgreSQL database', () => {
  let store: TestStore;
  const instances: Instance[] = [];
  let stopNode: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopNode?.();
    for (const i of instances) await i.process.stop('SIGKILL');
    await store?.drop();
  });

  it('runs each lease on one instance and fails the scheduler over within 15 s of a kill -9', async () => {
    store = await createTestStore('postgres');
    const publicUrl = `http://127.0.0.1:${await freePort()}`;
    const shared = ['--database-url', store.databaseUrl!, '--public-url', publicUrl];
    const dirs = ['a', 'b', 'cli'].map((d) => join(store.dataDir, d));
    for (const d of dirs) await mkdir(d);
    const [dirA, dirB, dirCli] = dirs as [string, string, string];
    const a = await serve(dirA, shared);
    instances.push(a);
    const b = await serve(dirB, shared);
    instances.push(b);

    // Each lease is held by exactly one of them (the first to start took them all).
    const [heldA, heldB] = await Promise.all([leasesHeld(a.url), leasesHeld(b.url)]);
    for (const lease of LEASES) expect((heldA[lease] ?? 0) + (heldB[lease] ?? 0), lease).toBe(1);
    expect(heldA[LEASE.scheduler]).toBe(1);
    const db = new Kysely<Tables>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: store.databaseUrl, max: 2 }) }),
    });
    try {
      const before = await listLeases(db);
      expect(before.map((l) => l.name).sort()).toEqual(LEASES);
      expect(new Set(before.map((l) => l.owner)).size).toBe(1);
      const old = before.find((l) => l.name === LEASE.scheduler)!;

      // A node and a project, through the instance that does not schedule.
      const operator = await token(dirCli, ['--user', 'ops@example.com', '--operator', ...shared]);
      const owner = await token(dirCli, ['--user', 'owner@example.com', '--project', 'scale', ...shared]);
      const node = await startFakeNode({
        url: b.url,
        token: operator.access_token,
        name: 'scale-1',
        gpus: 2,
      });
      stopNode = node.run(200);
      const create = async () => {
        const res = await fetch(`${b.url}/v1/allocations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${owner.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ project_id: owner.project_id, gpus: { count: 1 } }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
        return ((await res.json()) as { id: string }).id;
      };
      const placed = (id: string) =>
        until(
          async () => {
            const res = await fetch(`${b.url}/v1/allocations/${id}`, {
              headers: { authorization: `Bearer ${owner.access_token}` },
            });
            const { state } = (await res.json()) as { state: string };
            return state === 'queued' ? undefined : state;
          },
          { timeoutMs: 15_000, what: `allocation ${id} placed` },
        );
      // Created through b, placed by a's scheduler.
      expect(await placed(await create())).toMatch(/^(scheduled|provisioning|running)$/);

      const killedAt = Date.now();
      expect(await a.process.stop('SIGKILL')).toBeNull();
      await until(async () => ((await leasesHeld(b.url))[LEASE.scheduler] === 1 ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 200,
        what: 'the survivor holds the scheduler lease',
      });
      const failover = Date.now() - killedAt;
      expect(failover).toBeLessThanOrEqual(15_000);
      await until(
        async () => {
          const held = await leasesHeld(b.url);
          return LEASES.every((l) => held[l] === 1) ? true : undefined;
        },
        { timeoutMs: 10_000, what: 'the survivor holds every lease' },
      );

      // An allocation created afterwards through the survivor is placed by it.
      expect(await placed(await create())).toMatch(/^(scheduled|provisioning|running)$/);

      // The dead holder's token fences nothing: a write it had under way would roll back.
      const now = Date.now();
      const fenced = (t: string) =>
        db.transaction().execute((trx) => fenceLease(trx, { name: LEASE.scheduler, token: t, now }));
      const current = (await listLeases(db)).find((l) => l.name === LEASE.scheduler)!;
      expect(current.owner).not.toBe(old.owner);
      expect(await fenced(old.token)).toBe(false);
      expect(await fenced(current.token)).toBe(true);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});

describe('one server per SQLite database', () => {
  let store: TestStore;
  const servers: StartedProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await store?.drop();
  });

  it('refuses a second serve with DATABASE_IN_USE, keeps short-lived commands working, and restarts after kill -9', async () => {
    store = await createTestStore('sqlite');
    const args = ['--no-local-node'];
    const first = await serve(store.dataDir, args);
    servers.push(first.process);

    const second = await run(
      platformBin,
      ['serve', '--port', '0', '--data-dir', store.dataDir, '--json', '--no-demo', ...args],
      env,
    );
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('error[DATABASE_IN_USE]');
    expect(second.stderr).toContain(`pid ${first.process.child.pid}`);
    expect(second.stderr).toContain(`data dir ${store.dataDir}`);
    expect(JSON.parse(second.stdout)).toMatchObject({ error: { code: 'DATABASE_IN_USE' } });

    // Beside the server, a command over the same database still works, and its token is good there.
    const minted = await token(store.dataDir, ['--user', 'user@example.com', '--project', 'lock']);
    const projects = await fetch(`${first.url}/v1/projects`, {
      headers: { authorization: `Bearer ${minted.access_token}` },
    });
    expect(projects.status).toBe(200);

    expect(await first.process.stop('SIGKILL')).toBeNull();
    const restarted = await serve(store.dataDir, args);
    servers.push(restarted.process);
    // Alone on its file, it takes what the killed server held at once, without waiting out the ttl.
    expect(await leasesHeld(restarted.url)).toEqual(Object.fromEntries(LEASES.map((l) => [l, 1])));
    // (A new port is a new issuer without --public-url: a token minted now is good there.)
    const again = await token(store.dataDir, ['--user', 'user@example.com']);
    const after = await fetch(`${restarted.url}/v1/projects`, {
      headers: { authorization: `Bearer ${again.access_token}` },
    });
    expect(after.status).toBe(200);
  }, 90_000);
});
