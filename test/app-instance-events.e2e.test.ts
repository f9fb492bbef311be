/**
 * App lifecycle on the platform's event stream with the real runtime: a signed app in a real
 * registry, launched into a running allocation (local node agent, bubblewrap sandbox). A launch
 * whose configure hook fails reaches the member's `GET /v1/events` as `app_instance.hook_failed`
 * with the hook's last 20 lines (the secret parameter redacted by the runtime) and the state
 * changes down to `failed`; the next launch goes to `ready`, its readiness probe then fails
 * (`app_instance.probe_changed`) and it is `degraded`, each event naming its own launch. Another
 * tenant's stream carries none of it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, publishApp, writeKeyPair } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry, openEventStream } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { until } from './support/processes.js';

const SECRET = 's3cr3t-token-4242';

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: events-e2e
version: 1.0.0
publisher: gpuaas-tests
run:
  entrypoint: [sh, run.sh]
resources:
  minimum:
    gpus: { count: 1 }
parameters:
  fail: { type: boolean, default: false }
  token: { type: string, secret: true }
hooks:
  configure:
    command: [sh, configure.sh]
health:
  readiness:
    command: 'test -e "$GPUAAS_DATA_DIR/ready.flag"'
    period: 200ms
    failureThreshold: 1
  stop: { gracePeriod: 2s }
`;

// 26 lines, the last naming the secret, then exit 3: the event keeps the last 20, redacted.
const CONFIGURE = `#!/bin/sh
if [ "$GPUAAS_PARAM_FAIL" = "true" ]; then
  i=1
  while [ $i -le 25 ]; do echo "configure line $i"; i=$((i + 1)); done
  echo "the token is $GPUAAS_PARAM_TOKEN"
  exit 3
fi
`;

// Ready (its readiness probe passes) for two seconds, then not.
const RUN = `#!/bin/sh
touch "$GPUAAS_DATA_DIR/ready.flag"
sleep 2
rm -f "$GPUAAS_DATA_DIR/ready.flag"
while true; do sleep 0.2; done
`;

interface StreamEvent {
  type: string;
  project_id: string | null;
  subject: string;
  data: Record<string, unknown>;
}

async function openStream(url: string, token: string) {
  const stream = await openEventStream<StreamEvent>(url, token);
  expect(stream.status).toBe(200);
  return stream;
}

const tools = requireTools('app instance events e2e (registry, sandbox)', 'docker-registry', 'bwrap');

describe.skipIf(!tools)('app lifecycle on the event stream, with the real runtime', () => {
  let registry: TestRegistry;
  let t: TestPlatform;
  let dir: string;
  let artifact: string;
  let owner: string;
  let projectId: string;
  let allocationId: string;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };
  const launch = (parameters: Record<string, unknown>) =>
    t.request(`/v1/allocations/${allocationId}/app`, {
      method: 'POST',
      token: owner,
      json: { artifact, parameters },
    });
  const latestLaunch = async () =>
    (
      await t.platform.db
        .selectFrom('app_launches')
        .select('id')
        .where('allocation_id', '=', allocationId)
        .orderBy('launched_at', 'desc')
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-instance-events-'));
    const appDir = join(dir, 'app');
    await mkdir(appDir, { recursive: true });
    await writeFile(join(appDir, 'gpuaas-app.yaml'), MANIFEST);
    await writeFile(join(appDir, 'configure.sh'), CONFIGURE, { mode: 0o755 });
    await writeFile(join(appDir, 'run.sh'), RUN, { mode: 0o755 });
    const keys = await writeKeyPair(join(dir, 'acme'));
    artifact = `${registry.host}/acme/events-e2e:1.0.0`;
    await publishApp(appDir, { to: artifact, signingKey: await loadSigningKey(keys.privateKeyPath) });
    t = await startTestPlatform('sqlite', {
      rateLimit: { enabled: false },
      compute: {
        appTrustPolicy: keyTrustPolicy({
          authority: 'acme',
          publicKeyPem: await readFile(keys.publicKeyPath, 'utf8'),
          scopes: [`${registry.host}/acme/**`],
        }),
      },
      localNode: {
        gpus: 'simulated',
        simulated: { nodes: 1, gpusPerNode: 1, model: 'NVIDIA H100 80GB HBM3', memoryMib: 81_559 },
        sandbox: 'bubblewrap',
      },
    });
    owner = (await t.login('owner@example.com')).token;
    projectId = (
      await json<{ id: string }>(
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'events' } }),
        201,
      )
    ).id;
    allocationId = (
      await json<{ id: string }>(
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: 1 } },
        }),
        201,
      )
    ).id;
    await until(async () => {
      const a = await json<{ state: string }>(
        await t.request(`/v1/allocations/${allocationId}`, { token: owner }),
        200,
      );
      return a.state === 'running' ? a : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('streams a hook failure, state changes and a probe change to the member, and nothing to another tenant', async () => {
    const stranger = (await t.login('stranger@example.com')).token;
    const strangerProject = (
      await json<{ id: string }>(
        await t.request('/v1/projects', { method: 'POST', token: stranger, json: { name: 'other' } }),
        201,
      )
    ).id;
    const types = [
      'app_instance.state_changed',
      'app_instance.hook_failed',
      'app_instance.probe_changed',
    ].join(',');
    const member = await openStream(`${t.url}/v1/events?types=${types}`, owner);
    const other = await openStream(`${t.url}/v1/events`, stranger);

    await json(await launch({ fail: true, token: SECRET }), 202);
    const failed = await member.until(
      (e) => e.type === 'app_instance.state_changed' && e.data.to === 'failed',
    );
    const first = await latestLaunch();
    expect(failed.filter((e) => e.type === 'app_instance.state_changed').map((e) => e.data.to)).toEqual([
      'fetching',
      'installing',
      'configuring',
      'failed',
    ]);
    const hook = failed.find((e) => e.type === 'app_instance.hook_failed');
    expect(hook?.data).toMatchObject({ hook: 'configure', exit_code: 3, timed_out: false });
    const lines = hook?.data.last_lines as string[];
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('configure line 7');
    expect(lines.at(-1)).toBe('the token is ***');
    expect(JSON.stringify(failed)).not.toContain(SECRET);
    for (const event of failed) {
      expect(event.subject).toBe(`app_instance/${first}`);
      expect(event.project_id).toBe(projectId);
      expect(event.data).toMatchObject({ launch_id: first, instance_id: first, allocation_id: allocationId });
    }

    // The runtime takes a new launch once the app failed: its events name the new launch.
    await json(await launch({ token: SECRET }), 202);
    const degraded = await member.until(
      (e) => e.type === 'app_instance.state_changed' && e.data.to === 'degraded',
    );
    const second = await latestLaunch();
    expect(second).not.toBe(first);
    const states = degraded.filter((e) => e.type === 'app_instance.state_changed').map((e) => e.data.to);
    expect(states.slice(0, 1)).toEqual(['fetching']);
    expect(states.slice(-2)).toEqual(['ready', 'degraded']);
    const probes = degraded.filter((e) => e.type === 'app_instance.probe_changed').map((e) => e.data);
    expect(probes.at(-1)).toMatchObject({ probe: 'readiness', healthy: false });
    for (const event of degraded) expect(event.data.launch_id).toBe(second);

    // The stranger's stream is in order: its own allocation's event comes with no app event before it.
    await json(
      await t.request('/v1/allocations', {
        method: 'POST',
        token: stranger,
        json: { project_id: strangerProject, gpus: { count: 1 } },
      }),
      201,
    );
    const seen = await other.until((e) => e.project_id === strangerProject);
    expect(seen.filter((e) => e.type.startsWith('app_instance.'))).toEqual([]);
    await member.cancel();
    await other.cancel();
  }, 120_000);
});
