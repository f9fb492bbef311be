/**
 * The event stream across instances on PostgreSQL: two buses on one database, as two platform
 * instances. Delivery must not depend on which one wrote the event, on the order in which the
 * writers commit, or on how many events a poll finds.
 */
import { createTestStore, requirePostgres } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../db/database.js';
import type { PlatformDatabase } from '../db/database.js';
import { createLogger } from '../logger.js';
import { EventBus } from './bus.js';
import type { EventBusOptions, PlatformEvent } from './bus.js';

const postgres = await requirePostgres('the event bus across instances');

describe.runIf(postgres)('the event bus across instances on postgres', () => {
  let store: TestStore;
  let database: PlatformDatabase;
  const buses: EventBus[] = [];
  const logger = createLogger({ level: 'silent', destination: undefined });

  beforeAll(async () => {
    store = await createTestStore('postgres');
    database = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  });
  afterAll(async () => {
    for (const bus of buses) bus.stop();
    await database?.close();
    await store?.drop();
  });

  const bus = (options: EventBusOptions = {}) => {
    const made = new EventBus(database.db, logger, () => 'http://test', {
      postgresUrl: store.databaseUrl,
      ...options,
    });
    buses.push(made);
    return made;
  };
  /** Collects what `reader` delivers; `until(n)` resolves once n events whose subject starts with `prefix` came. */
  const collect = (reader: EventBus, prefix: string) => {
    const got: PlatformEvent[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    reader.subscribe((event) => {
      if (!event.subject.startsWith(prefix)) return;
      got.push(event);
      for (const w of waiters.filter((w) => got.length >= w.n)) w.resolve();
    });
    const until = (n: number, ms: number) =>
      new Promise<void>((resolve, reject) => {
        if (got.length >= n) return resolve();
        waiters.push({ n, resolve });
        setTimeout(() => reject(new Error(`${got.length} of ${n} events after ${ms} ms`)), ms).unref();
      });
    return { got, until };
  };
  const event = (subject: string) => ({ type: 'test.happened', subject, project_id: null, data: {} });

  it('wakes another instance by NOTIFY, without waiting for its timed poll', async () => {
    // The reader's timed poll is a minute away: only the writer's NOTIFY can bring the event now.
    const reader = collect(bus({ pollMs: 60_000 }), 'wake/');
    const writer = bus({ pollMs: 60_000 });
    await new Promise((r) => setTimeout(r, 500)); // the reader's LISTEN is in place
    const written = await database.db.transaction().execute((trx) => writer.publish(trx, event('wake/1')));
    writer.deliver(written);
    await reader.until(1, 5_000);
    expect(reader.got.map((e) => e.id)).toEqual([written.id]);
  });

  it('delivers an event whose transaction commits after later ones were polled', async () => {
    const reader = collect(bus({ pollMs: 20 }), 'late/');
    const writer = bus();
    let commitEarly!: () => void;
    const early = new Promise<void>((resolve) => (commitEarly = resolve));
    // The first transaction writes, then stays open while a second commits and is polled.
    const slow = database.db.transaction().execute(async (trx) => {
      const e = await writer.publish(trx, event('late/first-written'));
      await early;
      return e;
    });
    const quick = await database.db.transaction().execute((trx) => writer.publish(trx, event('late/second')));
    await reader.until(1, 5_000);
    await new Promise((r) => setTimeout(r, 200)); // several polls move past the quick one
    commitEarly();
    const first = await slow;
    await reader.until(2, 5_000);
    expect(reader.got.map((e) => e.id)).toEqual([quick.id, first.id]);
  });

  it('delivers every event of a burst larger than one poll page, each once', async () => {
    const reader = collect(bus({ pollMs: 20 }), 'burst/');
    const writer = bus();
    const n = 6_000;
    const written = await database.db.transaction().execute((trx) =>
      writer.publishMany(
        trx,
        Array.from({ length: n }, (_, i) => event(`burst/${i}`)),
      ),
    );
    await reader.until(n, 20_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(new Set(reader.got.map((e) => e.id)).size).toBe(n);
    expect(reader.got).toHaveLength(n);
    expect(new Set(written.map((e) => e.id))).toEqual(new Set(reader.got.map((e) => e.id)));
  });
});
