/**
 * A paid app's launch holds one billing interval of its hourly price on the tenant's balance, in
 * the transaction that records the launch; the hold is voided when the launch ends (stopped,
 * relaunched, its allocation released); a launch the project cannot hold is refused with 402 INSUFFICIENT_FUNDS before
 * anything is created or the runtime hears of it. The runtime is a stand-in HTTP server.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StandInLaunch } from '../apps/catalog-fixtures.test.util.js';
import { ECHO_MANIFEST, startLaunchFixture } from '../apps/launch-fixtures.test.util.js';
import type { LaunchFixture } from '../apps/launch-fixtures.test.util.js';
import { checkLedger } from '../billing/check.js';
import { asBillingDb } from '../billing/db.js';
import { findOpenPending, getTransfer } from '../billing/ledger.js';
import { launchHoldId } from '../billing/launch-holds.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('the hold of a paid app launch');

/** 0.50 an hour for 60 s: 8333.33 micros, rounded up. */
const HOLD = 8334n;

describe.each(dialects)('the hold of a paid app launch on %s', (dialect) => {
  let fx: LaunchFixture;
  let t: TestPlatform;
  let host: string;
  let tenant: string;
  let tenantProject: string;
  let allocationId: string;
  let launches: StandInLaunch[];
  let operator: string;
  let dear: { digest: string; reference: string };
  let seq = 0;

  const launch = (artifact: string) =>
    t.request(`/v1/allocations/${allocationId}/app`, {
      method: 'POST',
      token: tenant,
      json: { artifact },
      headers: { 'idempotency-key': `launch-${seq++}` },
    });

  beforeAll(async () => {
    // Rated by hand here: the test reads holds as the launches leave them.
    fx = await startLaunchFixture(dialect, { billing: { intervalSeconds: 60, raterIntervalMs: 600_000 } });
    ({ t, host, tenant, tenantProject, allocationId, operator } = fx);
    launches = fx.runtime.launches;
    await fx.approved('echo', ECHO_MANIFEST);
    // 100000.00 an hour: one minute (1666.67) is far beyond the tenant's starter credit.
    dear = await fx.approved('dear', {
      name: 'echo',
      version: '1.0.0',
      billing: { currency: 'USD', hourlyPrice: '100000' },
    });
  });
  afterAll(() => fx?.close());

  const holdsOf = async () =>
    (await (
      await t.request(`/v1/billing/balance?project_id=${tenantProject}`, { token: tenant })
    ).json()) as { holds_micros: number; available_micros: number; balance_micros: number };
  const openLaunch = async () =>
    (
      await t.platform.db
        .selectFrom('app_launches')
        .select('id')
        .where('allocation_id', '=', allocationId)
        .where('ended_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).id;
  const ledger = () => asBillingDb(t.platform.db);

  it('holds one interval of the hourly price while the launch is in force and voids it when it ends', async () => {
    const before = await holdsOf();
    const res = await launch(`${host}/acme/echo:1.0.0`);
    expect(res.status, await res.clone().text()).toBe(202);
    const first = await openLaunch();
    const hold = await findOpenPending(ledger(), launchHoldId(first));
    expect(hold).toMatchObject({ kind: 'pending', amount: HOLD, category: 'hold', allocationId });
    const held = await holdsOf();
    expect(held.holds_micros).toBe(before.holds_micros + Number(HOLD));
    expect(held.available_micros).toBe(before.available_micros - Number(HOLD));
    // A rater pass keeps it while the app runs, and enforcement does not take it for the GPU's.
    const pass = await t.platform.gpuRater.runOnce();
    expect(pass.exhausted).toEqual([]);
    expect(await findOpenPending(ledger(), launchHoldId(first))).toBeDefined();

    // A relaunch ends the first launch: its hold is voided, the new one holds the next interval.
    expect((await launch(`${host}/acme/echo:1.0.0`)).status).toBe(202);
    const second = await openLaunch();
    expect(second).not.toBe(first);
    expect(await findOpenPending(ledger(), launchHoldId(first))).toBeUndefined();
    expect(await getTransfer(ledger(), `void:${launchHoldId(first)}`)).toMatchObject({
      kind: 'void',
      pendingId: launchHoldId(first),
    });
    expect(await findOpenPending(ledger(), launchHoldId(second))).toBeDefined();
    expect((await holdsOf()).holds_micros).toBe(before.holds_micros + Number(HOLD));

    const stop = await t.request(`/v1/allocations/${allocationId}/app/stop`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': `stop-app-${seq++}` },
    });
    expect(stop.status, await stop.clone().text()).toBe(200);
    expect(await findOpenPending(ledger(), launchHoldId(second))).toBeUndefined();
    const after = await holdsOf();
    expect([after.holds_micros, after.available_micros]).toEqual([
      before.holds_micros,
      before.available_micros,
    ]);
    expect((await checkLedger(ledger())).ok).toBe(true);
  });

  it('refuses a launch the project cannot hold with 402 and creates nothing', async () => {
    const sent = launches.length;
    const count = async (table: 'app_launches' | 'service_accounts') =>
      Number(
        (
          await t.platform.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const rows = [await count('app_launches'), await count('service_accounts')];
    const before = await holdsOf();
    const refused = await launch(dear.reference);
    expect(refused.status, await refused.clone().text()).toBe(402);
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe('INSUFFICIENT_FUNDS');
    expect(problem.detail).toContain('gpuaas billing balance');
    expect(launches.length).toBe(sent);
    expect([await count('app_launches'), await count('service_accounts')]).toEqual(rows);
    expect(await holdsOf()).toEqual(before);

    // Once the project can pay for the interval, the same launch goes ahead and holds it.
    const topup = await t.request('/v1/billing/topups', {
      method: 'POST',
      token: operator,
      json: { project_id: tenantProject, amount: '2000', reason: 'test' },
      headers: { 'idempotency-key': 'topup-dear' },
    });
    expect(topup.status, await topup.clone().text()).toBe(201);
    expect((await launch(dear.reference)).status).toBe(202);
    const dearLaunch = await openLaunch();
    const hold = await findOpenPending(ledger(), launchHoldId(dearLaunch));
    expect(hold?.amount).toBe(1_666_666_667n);

    // The allocation ends: the rater voids its open holds, the app's with them.
    const release = await t.request(`/v1/allocations/${allocationId}/release`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': 'release-launch-hold' },
    });
    expect(release.status, await release.clone().text()).toBeLessThan(300);
    await t.platform.gpuRater.runOnce();
    expect(await findOpenPending(ledger(), launchHoldId(dearLaunch))).toBeUndefined();
    expect((await holdsOf()).holds_micros).toBe(0);
    expect((await checkLedger(ledger())).ok).toBe(true);
  });
});
