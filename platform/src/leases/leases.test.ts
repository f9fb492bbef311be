import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../db/database.js';
import type { PlatformDatabase } from '../db/database.js';
import { isoTime } from '../ids.js';
import { createLogger } from '../logger.js';
import { LeaseLost, isLeaseLost } from './errors.js';
import { LeaseRunner } from './runner.js';
import type { JobLease } from './runner.js';
import { acquireLease, fenceLease, listLeases, releaseLease, renewLease } from './store.js';

const dialects = await testDialects('leases');
const logger = createLogger({ level: 'silent', destination: undefined });
const TTL = 9_000;
const T0 = Date.parse('2030-01-01T00:00:00.000Z');

describe.each(dialects)('leases on %s', (dialect) => {
  let store: TestStore;
  let database: PlatformDatabase;
  let now: number;
  const clock = () => now;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    database = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  });
  afterAll(async () => {
    await database?.close();
    await store?.drop();
  });
  beforeEach(async () => {
    now = T0;
    await database.db.deleteFrom('leases').execute();
    await database.db.deleteFrom('settings').where('key', 'like', 'fenced-%').execute();
  });

  /** A write guarded by the lease, as a job makes one: the setting exists only if it committed. */
  const fencedWrite = (fence: (trx: never) => Promise<void>, key: string) =>
    database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('settings')
        .values({ key, value: 'x', updated_at: isoTime(now) })
        .execute();
      await fence(trx as never);
    });
  const written = async (key: string) =>
    (await database.db.selectFrom('settings').select('key').where('key', '=', key).executeTakeFirst()) !==
    undefined;

  describe('the statements', () => {
    const claim = (owner: string, token: string, extra: { force?: boolean } = {}) =>
      acquireLease(database.db, { name: 'job', owner, token, now, ttlMs: TTL, ...extra });

    it('take a free lease, never a live one of another owner, and an expired one by anyone', async () => {
      expect(await claim('a', 'ta')).toBe(true);
      expect(await claim('b', 'tb')).toBe(false);
      now += TTL - 1;
      expect(await claim('b', 'tb')).toBe(false);
      now += 1;
      expect(await claim('b', 'tb')).toBe(true);
      expect(await listLeases(database.db)).toEqual([
        expect.objectContaining({ name: 'job', owner: 'b', token: 'tb', expires_at: isoTime(now + TTL) }),
      ]);
      // The former holder's token renews and fences nothing any more.
      expect(await renewLease(database.db, { name: 'job', token: 'ta', now, ttlMs: TTL })).toBe(false);
      expect(await renewLease(database.db, { name: 'job', token: 'tb', now, ttlMs: TTL })).toBe(true);
    });

    it('let an owner take its own live lease again under a new token', async () => {
      expect(await claim('a', 't1')).toBe(true);
      expect(await claim('a', 't2')).toBe(true);
      expect(await renewLease(database.db, { name: 'job', token: 't1', now, ttlMs: TTL })).toBe(false);
    });

    it('take a live lease by force only when asked (the sole instance on its database)', async () => {
      expect(await claim('dead', 't1')).toBe(true);
      expect(await claim('sole', 't2', { force: true })).toBe(true);
      expect((await listLeases(database.db))[0]?.owner).toBe('sole');
    });

    it('free a released lease for the next taker at once', async () => {
      expect(await claim('a', 'ta')).toBe(true);
      await releaseLease(database.db, { name: 'job', token: 'other' });
      expect(await claim('b', 'tb')).toBe(false);
      await releaseLease(database.db, { name: 'job', token: 'ta' });
      expect(await claim('b', 'tb')).toBe(true);
    });

    it('fence a write: committed under the live token, refused once expired or taken over', async () => {
      expect(await claim('a', 'ta')).toBe(true);
      const fence = (token: string) => async (trx: never) => {
        if (!(await fenceLease(trx, { name: 'job', token, now }))) throw new LeaseLost('job', 'test');
      };
      await fencedWrite(fence('ta'), 'fenced-1');
      expect(await written('fenced-1')).toBe(true);
      now += TTL;
      await expect(fencedWrite(fence('ta'), 'fenced-2')).rejects.toBeInstanceOf(LeaseLost);
      expect(await written('fenced-2')).toBe(false);
      expect(await claim('b', 'tb')).toBe(true);
      await expect(fencedWrite(fence('ta'), 'fenced-3')).rejects.toBeInstanceOf(LeaseLost);
      expect(await written('fenced-3')).toBe(false);
    });

    // On PostgreSQL the takers race on separate connections; on SQLite one connection serializes
    // them, and the statement must still leave the lease to the first.
    it('give an expired lease to exactly one of many racing takers', async () => {
      expect(await claim('dead', 't0')).toBe(true);
      now += TTL;
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claim(`owner-${i}`, `token-${i}`)),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('the runner', () => {
    const jobLog: string[] = [];
    const job = (who: string) => ({
      start: () => void jobLog.push(`${who} start`),
      stop: () => void jobLog.push(`${who} stop`),
    });
    const runner = (owner: string, extra: { sole?: boolean; db?: PlatformDatabase } = {}) => {
      const r = new LeaseRunner({
        db: (extra.db ?? database).db,
        logger,
        owner,
        ttlMs: TTL,
        clock,
        // Only the test's own ticks, at the test's clock.
        heartbeatMs: 3_600_000,
        sole: extra.sole,
      });
      return { runner: r, lease: r.run('scheduler', job(owner)) };
    };
    beforeEach(() => void jobLog.splice(0));

    it('runs the job on one instance; a dead holder is replaced within ttl + ttl/3', async () => {
      const a = runner('a');
      const b = runner('b');
      await a.runner.start();
      await b.runner.start();
      expect(jobLog).toEqual(['a start']);
      expect([a.lease.held(), b.lease.held()]).toEqual([true, false]);
      // Heartbeats every ttl/3 keep it a's while a lives.
      for (let beat = 0; beat < 6; beat++) {
        now += TTL / 3;
        await a.runner.tick();
        await b.runner.tick();
      }
      expect(jobLog).toEqual(['a start']);
      // a stops beating (killed, paused): b takes over at its first heartbeat after the expiry.
      let waited = 0;
      while (!b.lease.held()) {
        now += TTL / 3;
        waited += TTL / 3;
        await b.runner.tick();
      }
      expect(waited).toBeLessThanOrEqual(TTL + TTL / 3);
      expect(a.lease.held()).toBe(false); // by a's own clock, without a heartbeat
      expect(jobLog).toEqual(['a start', 'b start']);
      // a comes back: its renewal fails and its job stops at once.
      await a.runner.tick();
      expect(jobLog).toEqual(['a start', 'b start', 'a stop']);
      expect(a.runner.held()).toEqual([]);
      await a.runner.stop();
      await b.runner.stop();
    });

    it('fences the former holder’s writes and lets the new holder’s through', async () => {
      const a = runner('a');
      const b = runner('b');
      await a.runner.start();
      await fencedWrite(a.lease.fence, 'fenced-a1');
      now += TTL;
      await b.runner.start();
      expect(b.lease.held()).toBe(true);
      // a paused through the takeover and writes before any heartbeat told it.
      const refused = await fencedWrite(a.lease.fence, 'fenced-a2').catch((e: unknown) => e);
      expect(isLeaseLost(refused) && refused.lease).toBe('scheduler');
      await fencedWrite(b.lease.fence, 'fenced-b1');
      expect([await written('fenced-a1'), await written('fenced-a2'), await written('fenced-b1')]).toEqual([
        true,
        false,
        true,
      ]);
      // The refused fence stopped a's job at once.
      await a.runner.stop();
      expect(jobLog).toEqual(['a start', 'b start', 'a stop']);
      await b.runner.stop();
    });

    it('hands over at once on a clean stop, and a stopped runner holds nothing', async () => {
      const a = runner('a');
      const b = runner('b');
      await a.runner.start();
      await b.runner.start();
      await a.runner.stop();
      expect(await listLeases(database.db)).toEqual([]);
      await b.runner.tick();
      expect(b.lease.held()).toBe(true);
      expect(jobLog).toEqual(['a start', 'a stop', 'b start']);
      await expect(a.lease.fence(undefined as never)).rejects.toBeInstanceOf(LeaseLost);
      await b.runner.stop();
    });

    it('stops the job once a lease it cannot renew (database unreachable) has expired', async () => {
      const own = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
      const a = runner('a', { db: own });
      await a.runner.start();
      await own.close();
      now += TTL / 3;
      await a.runner.tick();
      expect(jobLog).toEqual(['a start']);
      now += TTL;
      await a.runner.tick();
      expect(jobLog).toEqual(['a start', 'a stop']);
      expect(a.lease.held()).toBe(false);
      await a.runner.stop();
    });

    it('as the sole instance, takes at start what a dead process left', async () => {
      const dead = runner('dead');
      await dead.runner.start();
      const sole = runner('sole', { sole: true });
      await sole.runner.start();
      expect(sole.lease.held()).toBe(true);
      await sole.runner.stop();
    });
  });
});

describe('a lease handle', () => {
  it('is one per name; a second job on one lease is refused', () => {
    const r = new LeaseRunner({ db: undefined as never, logger });
    const lease: JobLease = r.lease('x');
    expect(lease.held()).toBe(false);
    r.run('x', { start: () => undefined, stop: () => undefined });
    expect(() => r.run('x', { start: () => undefined, stop: () => undefined })).toThrow(/already has a job/);
  });
});
