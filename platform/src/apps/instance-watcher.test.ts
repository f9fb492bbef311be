/**
 * The AppInstanceWatcher against a stand-in runtime behind a running allocation, on a real
 * platform database: the runtime's state changes, hook failures and probe changes become
 * `app_instance.*` events once however many watchers (platform instances) follow it; a watcher
 * that connects late reports the state the app is in, once; a dropped stream is reopened; events
 * of a launch wait for its record and a refused launch leaves none; following ends with the
 * launch and the allocation; what a runtime sends is bounded.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { createProject, runningAllocation } from './catalog-fixtures.test.util.js';
import { at, eventRuntime } from './instance-events.test.util.js';
import { AppInstanceWatcher } from './instance-watcher.js';

const dialects = await testDialects('app instance watcher');

async function until(probe: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 400));

describe.each(dialects)('the app instance watcher on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let tenant: string;
  let projectId: string;
  const cleanup: (() => Promise<void>)[] = [];

  const watcher = (afterEndMs = 300) => {
    const w = new AppInstanceWatcher({
      db: t.platform.db,
      bus: t.platform.compute.bus,
      logger: t.platform.logger,
      scanMs: 100,
      reconnect: { minMs: 50, maxMs: 200 },
      afterEndMs,
    });
    cleanup.push(() => w.stop());
    return w;
  };

  /** A stand-in runtime behind a running allocation of the project. */
  const scenario = async () => {
    const runtime = await eventRuntime();
    cleanup.push(() => runtime.close());
    const allocationId = await runningAllocation(t, operator, tenant, projectId, runtime.endpoint);
    return { runtime, allocationId };
  };

  const recordLaunch = async (allocationId: string, instanceId: string | null = null) => {
    const id = newId();
    await t.platform.db
      .insertInto('app_launches')
      .values({
        id,
        allocation_id: allocationId,
        project_id: projectId,
        version_id: null,
        reference: 'registry.example.com/acme/echo:1.0.0',
        digest: '',
        service_account_id: null,
        launched_by: 'user:test',
        launched_at: isoTime(),
        ended_at: null,
        pricing: null,
        instance_id: instanceId,
      })
      .execute();
    return id;
  };

  /** The app_instance events recorded about the allocation, oldest first. */
  const recorded = async (allocationId: string) =>
    (
      await t.platform.db
        .selectFrom('platform_events')
        .selectAll()
        .where('type', 'like', 'app_instance.%')
        .orderBy('id')
        .execute()
    )
      .map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> }))
      .filter((row) => row.data.allocation_id === allocationId);

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    // The platform's own watcher would follow too; these tests run the watchers they count.
    await t.platform.apps.instanceEvents.stop();
    operator = (await t.login('ops@example.com', { operator: true })).token;
    tenant = (await t.login('tenant@example.com')).token;
    projectId = await createProject(t, tenant, 'watched');
  }, 60_000);
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('publishes state, hook and probe changes once, however many platform instances follow', async () => {
    const { runtime, allocationId } = await scenario();
    const instanceId = newId();
    const launchId = await recordLaunch(allocationId, instanceId);
    watcher().start();
    watcher().start();
    await until(() => runtime.open() === 2);

    const tail = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    // A millisecond apart: events of one millisecond are recorded in either order.
    const start = Date.now();
    const time = (i: number) => at(start + i);
    runtime.emit({ type: 'state', state: 'installing', previous: 'idle', version: '1.0.0', time: time(0) });
    runtime.emit({ type: 'log', stream: 'stdout', line: 'not an event of the platform' });
    runtime.emit({
      type: 'hook',
      hook: 'configure',
      ok: false,
      attempts: 1,
      exit_code: 3,
      signal: null,
      duration_ms: 12,
      timed_out: false,
      tail,
      version: '1.0.0',
      time: time(1),
    });
    runtime.emit({ type: 'hook', hook: 'install', ok: true, exit_code: 0, tail: [], version: '1.0.0' });
    runtime.emit({
      type: 'probe',
      probe: 'readiness',
      ok: false,
      status: 503,
      message: 'not yet',
      time: time(2),
    });
    runtime.emit({
      type: 'state',
      state: 'failed',
      previous: 'configuring',
      reason: 'hook_failed: configure',
      time: time(3),
    });
    await until(async () => (await recorded(allocationId)).length >= 4);
    await settle();

    const events = await recorded(allocationId);
    expect(events.map((e) => e.type)).toEqual([
      'app_instance.state_changed',
      'app_instance.hook_failed',
      'app_instance.probe_changed',
      'app_instance.state_changed',
    ]);
    for (const event of events) {
      expect(event.subject).toBe(`app_instance/${instanceId}`);
      expect(event.project_id).toBe(projectId);
      expect(event.data).toMatchObject({
        instance_id: instanceId,
        launch_id: launchId,
        allocation_id: allocationId,
        app: null,
        version: '1.0.0',
      });
    }
    expect(events[0]?.data).toMatchObject({ from: 'idle', to: 'installing' });
    expect(events[1]?.data).toMatchObject({
      hook: 'configure',
      exit_code: 3,
      timed_out: false,
      last_lines: tail.slice(10),
    });
    expect(events[2]?.data).toMatchObject({
      probe: 'readiness',
      healthy: false,
      status: 503,
      message: 'not yet',
    });
    expect(events[3]?.data).toMatchObject({
      from: 'configuring',
      to: 'failed',
      reason: 'hook_failed: configure',
    });
  });

  it('reports the state an app is in when it connects, once across restarts and instances', async () => {
    const { runtime, allocationId } = await scenario();
    const launchId = await recordLaunch(allocationId);
    runtime.status = {
      state: 'ready',
      reason: null,
      since: at(Date.now() - 60_000),
      app: { version: '2.0.0' },
    };
    const first = watcher();
    first.start();
    await until(async () => (await recorded(allocationId)).length === 1);
    expect((await recorded(allocationId))[0]?.data).toMatchObject({
      from: null,
      to: 'ready',
      launch_id: launchId,
      instance_id: launchId,
      version: '2.0.0',
    });

    // A live change, then a platform (re)starting: the snapshot's `since` is a moment before the
    // event's time, as the runtime stamps them, and the change is not reported twice.
    const now = Date.now();
    runtime.emit({ type: 'state', state: 'degraded', previous: 'ready', time: at(now) });
    await until(async () => (await recorded(allocationId)).length === 2);
    await first.stop();
    runtime.status = { ...runtime.status, state: 'degraded', since: at(now - 1) };
    watcher().start();
    watcher().start();
    await until(() => runtime.open() === 2);
    await settle();
    expect((await recorded(allocationId)).map((e) => e.data.to)).toEqual(['ready', 'degraded']);
  });

  it('reopens a dropped stream and reports what changed while it was down', async () => {
    const { runtime, allocationId } = await scenario();
    await recordLaunch(allocationId);
    runtime.status = { state: 'ready', reason: null, since: at(Date.now() - 60_000) };
    watcher().start();
    await until(async () => (await recorded(allocationId)).length === 1);

    runtime.drop();
    runtime.status = { state: 'degraded', reason: 'readiness failing', since: at() };
    await until(() => runtime.connections() >= 2 && runtime.open() === 1);
    await until(async () => (await recorded(allocationId)).length === 2);
    runtime.emit({ type: 'probe', probe: 'readiness', ok: true });
    await until(async () => (await recorded(allocationId)).length === 3);
    const events = await recorded(allocationId);
    expect(events[1]?.data).toMatchObject({ from: 'ready', to: 'degraded', reason: 'readiness failing' });
    expect(events[2]?.data).toMatchObject({ probe: 'readiness', healthy: true });
  });

  it('holds a launch’s first events until the platform records it; a refused launch leaves none', async () => {
    const { runtime, allocationId } = await scenario();
    const w = watcher(5_000);
    await w.watch(allocationId);
    expect(runtime.open()).toBe(1);

    const start = Date.now();
    runtime.emit({ type: 'state', state: 'fetching', time: at(start) });
    runtime.emit({
      type: 'state',
      state: 'installing',
      previous: 'fetching',
      version: '1.0.0',
      time: at(start + 1),
    });
    await settle();
    expect(await recorded(allocationId)).toEqual([]);
    const launchId = await recordLaunch(allocationId);
    await until(async () => (await recorded(allocationId)).length === 2);
    expect((await recorded(allocationId)).map((e) => [e.data.launch_id, e.data.from, e.data.to])).toEqual([
      [launchId, null, 'fetching'],
      [launchId, 'fetching', 'installing'],
    ]);

    // Another launch into the allocation, refused while it fetched: no instance, no events.
    runtime.emit({ type: 'state', state: 'fetching' });
    runtime.emit({ type: 'state', state: 'failed' });
    await settle();
    expect(await recorded(allocationId)).toHaveLength(2);
  });

  it('stops following when the launch ended, and when the allocation stops running', async () => {
    const { runtime, allocationId } = await scenario();
    const launchId = await recordLaunch(allocationId);
    const w = watcher();
    w.start();
    await until(() => runtime.open() === 1);
    await t.platform.db
      .updateTable('app_launches')
      .set({ ended_at: isoTime() })
      .where('id', '=', launchId)
      .execute();
    // It still hears the app's last states a moment, then lets go.
    runtime.emit({ type: 'state', state: 'stopped', previous: 'stopping' });
    await until(async () => (await recorded(allocationId)).length === 1);
    await until(() => runtime.open() === 0 && !w.followed().includes(allocationId));

    await recordLaunch(allocationId);
    await until(() => runtime.open() === 1);
    const released = await t.request(`/v1/allocations/${allocationId}/release`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': `release-${allocationId}` },
    });
    expect(released.status).toBeLessThan(300);
    await until(() => runtime.open() === 0 && !w.followed().includes(allocationId));
  });

  it('bounds what a runtime sends: odd names are dropped, an oversized message ends the stream', async () => {
    const { runtime, allocationId } = await scenario();
    await recordLaunch(allocationId);
    watcher().start();
    await until(() => runtime.open() === 1);
    runtime.emit({ type: 'state', state: '<b>ready</b>', previous: 'starting' });
    runtime.emit({ type: 'probe', probe: 'readiness', ok: 'yes' });
    runtime.emit({ type: 'hook', hook: 'configure', ok: false, exit_code: 1, tail: ['x'.repeat(5_000)] });
    runtime.emit({ type: 'state', state: 'ready', previous: 'starting', reason: 'r'.repeat(300_000) });
    await until(() => runtime.connections() >= 2);
    runtime.emit({ type: 'state', state: 'ready', previous: 'starting', reason: 'ok' });
    await until(async () => (await recorded(allocationId)).length === 2);
    const [hook, state] = await recorded(allocationId);
    expect((hook?.data.last_lines as string[])[0]).toHaveLength(1001);
    expect(state?.data).toMatchObject({ from: 'starting', to: 'ready', reason: 'ok' });
  });
});
