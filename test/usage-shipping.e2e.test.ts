/**
 * The runtime's usage shipper against the platform's real `POST /v1/usage-events` (handler,
 * idempotency keys, database), across restarts of the runtime over one usage log: a batch whose
 * answer was lost is sent again byte for byte and replayed; an event the app reports again after
 * the log forgot it comes with a new time, which must be a duplicate, not 422
 * IDEMPOTENCY_KEY_REUSED (the shipper used to key batches by their ids and went `stuck`); and an
 * event id reported again with other usage is set aside while the rest ships.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { staticTokenProvider } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../platform/src/ids.js';
import { startFakeNode } from '../platform/src/testing/fake-node.js';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { scopedEventId } from '../runtime/src/metering/app-api.js';
import { createUsageShipper } from '../runtime/src/metering/shipper.js';
import type { ShipperState, UsageShipper } from '../runtime/src/metering/shipper.js';
import { openUsageWal } from '../runtime/src/metering/wal.js';
import type { UsageWal } from '../runtime/src/metering/wal.js';

const dialects = await testDialects('usage shipping against the platform');

interface Answer {
  status: number;
  code: string | undefined;
  replayed: boolean;
}

describe.each(dialects)('the usage shipper against the platform on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let allocationId: string;
  let projectId: string;
  let token: string;
  const work: string[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    const login = await t.login('owner@example.com');
    owner = login.token;
    projectId = (
      (await (
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'ship' } })
      ).json()) as {
        id: string;
      }
    ).id;
    await startFakeNode({ url: t.url, token: operator, name: 'n' });
    allocationId = (
      (await (
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: 1 } },
        })
      ).json()) as { id: string }
    ).id;
    // The launch's service account, as api/apps.ts creates it for the runtime.
    const accountId = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id: accountId,
        project_id: projectId,
        name: 'launch',
        scopes: 'usage:write',
        secret_hash: null,
        created_by: login.user.id,
        created_at: isoTime(),
        revoked_at: null,
        allocation_id: allocationId,
      })
      .execute();
    token = (
      await t.platform.issueAccessToken({
        sub: accountId,
        principalType: 'service_account',
        projectId,
        scopes: ['usage:write'],
      })
    ).token;
  });
  afterAll(async () => {
    await t?.close();
    for (const dir of work) await rm(dir, { recursive: true, force: true });
  });

  /** One run of the runtime over the log in `dir`: open, ship, stop, close. */
  const runtime = async (
    dir: string,
    answers: Answer[],
    body: (run: {
      wal: UsageWal;
      shipper: UsageShipper;
      report: (...events: [string, number][]) => Promise<void>;
    }) => Promise<void>,
    options: { loseAnswers?: boolean; logs?: { code?: string }[] } = {},
  ): Promise<ShipperState> => {
    const wal = await openUsageWal({ dir });
    // What the log does on its own at open: confirmed segments of earlier runs are forgotten.
    await wal.compact();
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = await res.text();
      const code = res.status >= 400 ? (JSON.parse(text) as { code?: string }).code : undefined;
      answers.push({ status: res.status, code, replayed: res.headers.get('idempotent-replayed') === 'true' });
      // The platform stored the batch, the runtime dies before it hears so.
      if (options.loseAnswers === true) throw new Error('connection reset after the platform answered');
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const logger =
      options.logs === undefined
        ? pino({ level: 'silent' })
        : pino(
            { level: 'error' },
            { write: (line: string) => void options.logs?.push(JSON.parse(line) as never) },
          );
    const shipper = createUsageShipper({
      wal,
      baseUrl: t.url,
      allocationId,
      tokenProvider: staticTokenProvider(token),
      fetch: recording,
      lingerMs: 0,
      initialBackoffMs: 20,
      maxBackoffMs: 100,
      logger,
    });
    shipper.start();
    // As the app API records a report (one call, one batch of events): ids scoped to the
    // allocation, the time stamped now.
    const report = async (...events: [string, number][]) => {
      await wal.appendMany(
        events.map(([id, quantity]) => ({
          id: scopedEventId(allocationId, id),
          meter: 'requests',
          unit: 'request',
          quantity,
          source: 'app' as const,
          allocation_id: allocationId,
          project_id: projectId,
        })),
      );
    };
    try {
      await body({ wal, shipper, report });
    } finally {
      await shipper.stop({ flushTimeoutMs: options.loseAnswers === true ? 300 : 10_000 });
      await wal.close();
    }
    return shipper.state;
  };
  const stored = async () =>
    Object.fromEntries(
      (
        await t.platform.db
          .selectFrom('usage_events')
          .select(['id', 'quantity'])
          .where('allocation_id', '=', allocationId)
          .execute()
      ).map((r) => [r.id.slice(allocationId.length + 1), r.quantity]),
    );

  it('restarts over the same log: retries replay byte for byte, a re-reported event is a duplicate, nothing is lost or counted twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpuaas-ship-e2e-'));
    work.push(dir);
    const answers: Answer[] = [];

    // Run 1: the app reports `first`; it is shipped on its own and confirmed.
    const one = await runtime(dir, answers, async ({ shipper, report }) => {
      await report(['first', 3]);
      expect((await shipper.flush()).drained).toBe(true);
    });
    expect(one).toMatchObject({ accepted: 1, pending: 0 });

    // Run 2: `second` and `third` reach the platform, but every answer is lost before the runtime dies.
    const two = await runtime(
      dir,
      answers,
      async ({ shipper, report }) => {
        await report(['second', 1], ['third', 2]);
        await expect.poll(() => shipper.state.failures).toBeGreaterThanOrEqual(1);
      },
      { loseAnswers: true },
    );
    expect(two.pending).toBe(2);

    // Run 3: the same records, re-read from the log, go again as the same bytes and replay; then
    // the app reports `first` again, which the log no longer knows: a new time, the same usage.
    const replayedBefore = answers.filter((a) => a.replayed).length;
    const three = await runtime(dir, answers, async ({ shipper, report }) => {
      expect((await shipper.flush()).drained).toBe(true);
      expect(answers.filter((a) => a.replayed).length).toBeGreaterThan(replayedBefore);
      await report(['first', 3]);
      expect((await shipper.flush()).drained).toBe(true);
    });
    expect(three).toMatchObject({
      status: 'stopped',
      duplicates: 1,
      pending: 0,
      rejectedBatches: 0,
      conflicts: 0,
    });
    expect(three.stuck).toBeUndefined();
    expect(answers.filter((a) => a.status >= 400)).toEqual([]);
    expect(answers.map((a) => a.code)).not.toContain('IDEMPOTENCY_KEY_REUSED');
    expect(await stored()).toEqual({ first: '3', second: '1', third: '2' });
    const usage = (await (
      await t.request(`/v1/allocations/${allocationId}/usage`, { token: owner })
    ).json()) as {
      meters: unknown[];
    };
    expect(usage.meters).toEqual([{ meter: 'requests', origin: 'app', quantity: '6', events: 3 }]);
  });

  it('sets aside an event id reported again with other usage (409) and ships the rest of the batch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpuaas-ship-e2e-'));
    work.push(dir);
    const answers: Answer[] = [];
    await runtime(dir, answers, async ({ shipper, report }) => {
      await report(['c-first', 3]);
      expect((await shipper.flush()).drained).toBe(true);
    });
    const logs: { code?: string; record?: { id: string; quantity: number } }[] = [];
    const after = await runtime(
      dir,
      answers,
      async ({ shipper, report }) => {
        await report(['c-first', 0], ['c-next', 4]);
        expect((await shipper.flush()).drained).toBe(true);
      },
      { logs },
    );
    expect(answers.map((a) => [a.status, a.code])).toEqual([
      [200, undefined],
      [409, 'USAGE_EVENT_CONFLICT'],
      [200, undefined],
    ]);
    expect(after).toMatchObject({ conflicts: 1, accepted: 1, pending: 0 });
    expect(after.stuck).toBeUndefined();
    expect(logs.find((l) => l.code === 'USAGE_EVENT_CONFLICT')?.record).toMatchObject({ quantity: 0 });
    const kept = await stored();
    expect([kept['c-first'], kept['c-next']]).toEqual(['3', '4']);
  });

  it("sets aside an event older than the platform's late window (422) and ships the rest of the batch", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpuaas-ship-e2e-'));
    work.push(dir);
    const answers: Answer[] = [];
    const logs: { code?: string; record?: { id: string; quantity: number } }[] = [];
    const after = await runtime(
      dir,
      answers,
      async ({ wal, shipper, report }) => {
        // A runtime that was cut off for longer than the window (35 days by default).
        await wal.appendMany([
          {
            id: scopedEventId(allocationId, 'l-stale'),
            meter: 'requests',
            unit: 'request',
            quantity: 5,
            source: 'app' as const,
            allocation_id: allocationId,
            project_id: projectId,
            time: new Date(Date.now() - 40 * 86_400_000).toISOString(),
          },
        ]);
        await report(['l-fresh', 6]);
        expect((await shipper.flush()).drained).toBe(true);
      },
      { logs },
    );
    expect(answers.map((a) => [a.status, a.code])).toEqual([
      [422, 'USAGE_EVENT_TOO_LATE'],
      [200, undefined],
    ]);
    expect(after).toMatchObject({ tooLate: 1, conflicts: 0, accepted: 1, pending: 0 });
    expect(after.stuck).toBeUndefined();
    expect(logs.find((l) => l.code === 'USAGE_EVENT_TOO_LATE')?.record).toMatchObject({ quantity: 5 });
    const kept = await stored();
    expect([kept['l-stale'], kept['l-fresh']]).toEqual([undefined, '6']);
  });
});
