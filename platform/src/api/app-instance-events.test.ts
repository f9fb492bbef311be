/**
 * App lifecycle on the public event stream: an instance launched with `POST /v1/apps/instances`
 * into an allocation whose runtime (a stand-in speaking its event stream) goes fetching →
 * installing → ready reaches `GET /v1/events` as `app_instance.state_changed` for the project's
 * member, its viewer and an operator, and not for another tenant. A launch the runtime refuses
 * answers the platform's problem with the runtime's own code (`runtime_code`) and detail, and
 * leaves no app_instance event behind.
 */
import { testDialects, openEventStream } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogVersion,
  createProject,
  runningAllocation,
  startCatalogFixture,
} from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../apps/catalog-fixtures.test.util.js';
import { eventRuntime } from '../apps/instance-events.test.util.js';
import type { EventRuntime } from '../apps/instance-events.test.util.js';

const dialects = await testDialects('app instance events');

interface StreamEvent {
  type: string;
  subject: string;
  project_id: string | null;
  data: Record<string, unknown>;
}

async function openStream(url: string, token: string) {
  const stream = await openEventStream<StreamEvent>(url, token);
  expect(stream.status).toBe(200);
  return stream;
}

describe.each(dialects)('app instance events on %s', (dialect) => {
  let f: CatalogFixture;
  let runtime: EventRuntime;
  let tenant: string;
  let tenantProject: string;
  let allocationId: string;
  let seq = 0;

  const launch = async () => {
    const res = await f.t.request('/v1/apps/instances', {
      method: 'POST',
      token: tenant,
      json: {
        project_id: tenantProject,
        allocation_id: allocationId,
        app: 'acme/echo',
        accepted_permissions: ['projects:read'],
      },
      headers: { 'idempotency-key': `instance-events-${seq++}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const stream = (token: string, query = '') => openStream(`${f.t.url}/v1/events${query}`, token);

  beforeAll(async () => {
    runtime = await eventRuntime();
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect));
    allocationId = await runningAllocation(f.t, f.operator, tenant, tenantProject, runtime.endpoint);
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.0.0',
      manifest: { name: 'echo', permissions: { scopes: ['projects:read'] } },
    });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
  });

  it('streams the launch’s state changes to the project’s member, viewer and operators only', async () => {
    const added = await f.t.request(`/v1/projects/${tenantProject}/members`, {
      method: 'POST',
      token: tenant,
      json: { email: 'viewer@example.com', role: 'viewer' },
    });
    expect(added.status).toBe(201);
    const viewer = (await f.t.login('viewer@example.com')).token;
    const stranger = (await f.t.login('stranger@example.com')).token;
    const strangerProject = await createProject(f.t, stranger, 'elsewhere');
    const types = '?types=app_instance.state_changed,app_instance.hook_failed,app_instance.probe_changed';
    const streams = {
      member: await stream(tenant, types),
      viewer: await stream(viewer, types),
      operator: await stream(f.operator, types),
      stranger: await stream(stranger),
    };

    const launched = await launch();
    expect(launched.status, JSON.stringify(launched.body)).toBeLessThan(300);
    const instanceId = launched.body.id as string;
    runtime.emit({ type: 'state', state: 'installing', previous: 'fetching', version: '1.0.0' });
    runtime.emit({ type: 'state', state: 'ready', previous: 'installing', version: '1.0.0' });

    const ready = (e: StreamEvent) => e.type === 'app_instance.state_changed' && e.data.to === 'ready';
    for (const who of ['member', 'viewer', 'operator'] as const) {
      const events = await streams[who].until(ready);
      expect(
        events.map((e) => [e.type, e.data.from, e.data.to]),
        who,
      ).toEqual([
        ['app_instance.state_changed', null, 'fetching'],
        ['app_instance.state_changed', 'fetching', 'installing'],
        ['app_instance.state_changed', 'installing', 'ready'],
      ]);
      for (const event of events) {
        expect(event.subject).toBe(`app_instance/${instanceId}`);
        expect(event.project_id).toBe(tenantProject);
        expect(event.data).toMatchObject({
          instance_id: instanceId,
          allocation_id: allocationId,
          app: launched.body.app,
          version: '1.0.0',
        });
      }
    }
    // The stranger's stream carries its own project's events, in order: none of the app's came first.
    const own = await f.t.request('/v1/allocations', {
      method: 'POST',
      token: stranger,
      json: { project_id: strangerProject, gpus: { count: 1 } },
    });
    expect(own.status).toBe(201);
    const strangerSaw = await streams.stranger.until((e) => e.project_id === strangerProject);
    expect(strangerSaw.filter((e) => e.type.startsWith('app_instance.'))).toEqual([]);
    for (const s of Object.values(streams)) await s.cancel();
  });

  it.each([
    [
      'an app already running there',
      {
        status: 409,
        body: { code: 'APP_STATE_CONFLICT', message: 'an app is already launched here: stop it' },
      },
      [],
    ],
    [
      'an artifact its trust policy refuses',
      { status: 403, body: { code: 'ARTIFACT_UNTRUSTED', message: 'no policy covers this artifact' } },
      [
        { type: 'state', state: 'fetching' },
        { type: 'state', state: 'failed' },
      ],
    ],
  ])('a launch the runtime refuses for %s keeps its code and detail', async (_what, answer, before) => {
    const countEvents = async () =>
      (
        await f.t.platform.db
          .selectFrom('platform_events')
          .select('id')
          .where('type', 'like', 'app_instance.%')
          .execute()
      ).length;
    const eventsBefore = await countEvents();
    runtime.onLaunch = () => ({ ...answer, before });
    const refused = await launch();
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body).toMatchObject({ code: 'APP_LAUNCH_FAILED', runtime_code: answer.body.code });
    expect(refused.body.detail).toContain(`${answer.body.code}: ${answer.body.message}`);
    await new Promise((r) => setTimeout(r, 600));
    expect(await countEvents()).toBe(eventsBefore);
  });
});
