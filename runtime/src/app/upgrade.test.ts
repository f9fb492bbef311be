import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { AppInstance } from './instance.js';
import { EventLog, processRunning, tempRoot, testEnv, writeApp } from './testing.js';
import type { TestApp } from './testing.js';

let root: string;
let cleanup: () => Promise<void>;
const live: AppInstance[] = [];
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterEach(async () => {
  await Promise.all(live.splice(0).map((i) => i.stop('test cleanup')));
});
afterAll(() => cleanup());

const READY = `health:
  readiness:
    command: [sh, -c, 'test -f "$GPUAAS_DATA_DIR/up"']
    period: 50ms
`;

/** Version 1 writes its data and a pid file both versions' hooks can find. */
async function v1(shared: string): Promise<TestApp> {
  return writeApp(
    root,
    `run:
  entrypoint: [sh, app.sh]
${READY}`,
    {
      'app.sh': `echo v1-data > "$GPUAAS_DATA_DIR/state"\necho $$ > ${shared}/v1.pid\ntouch "$GPUAAS_DATA_DIR/up"\nexec sleep 30\n`,
    },
    '1.0.0',
  );
}

async function launchV1(): Promise<{ app: AppInstance; log: EventLog; shared: string; first: TestApp }> {
  const shared = await mkdtemp(join(root, 'shared-'));
  const first = await v1(shared);
  const app = new AppInstance({
    appDir: first.dir,
    manifest: first.manifest,
    digest: 'sha256:v1',
    dataDir: join(shared, 'instance'),
    env: testEnv(root),
    restart: { initialMs: 20 },
  });
  live.push(app);
  const log = new EventLog(app);
  expect(await app.launch()).toBe('ready');
  return { app, log, shared, first };
}

describe('AppInstance upgrade', () => {
  it('installs the new version while the old one runs, stops the old one, runs upgrade, starts the new one', async () => {
    const { app, log, shared } = await launchV1();
    const oldPid = app.status().pid as number;
    const second = await writeApp(
      root,
      `run:
  entrypoint: [sh, -c, 'touch "$GPUAAS_DATA_DIR/up"; exec sleep 30']
hooks:
  install:
    command: 'kill -0 "$(cat ${shared}/v1.pid)" && echo "v1 still serving"'
  upgrade:
    command: 'echo "from $GPUAAS_PREVIOUS_VERSION"; test "$GPUAAS_PREVIOUS_DATA_DIR" != "$GPUAAS_DATA_DIR" && cp "$GPUAAS_PREVIOUS_DATA_DIR/state" "$GPUAAS_DATA_DIR/state" && kill -0 "$(cat ${shared}/v1.pid)" 2>/dev/null || echo "v1 stopped"; test -d "$GPUAAS_PREVIOUS_APP_DIR"'
${READY}`,
      {},
      '2.0.0',
    );
    const ready: string[] = [];
    app.on('ready', (e) => ready.push(e.version));
    expect(await app.upgrade({ appDir: second.dir, manifest: second.manifest, digest: 'sha256:v2' })).toBe(
      'upgraded',
    );
    expect(log.states()).toEqual(['installing', 'configuring', 'starting', 'ready', 'upgrading', 'ready']);
    expect(log.of('state').at(-1)).toMatchObject({
      state: 'ready',
      version: '2.0.0',
      reason: 'upgraded from 1.0.0',
    });
    expect(ready).toEqual(['2.0.0']);
    const hooks = log.of('hook');
    expect(hooks.map((h) => [h.hook, h.version, h.ok, h.tail])).toEqual([
      ['install', '2.0.0', true, ['v1 still serving']],
      ['upgrade', '2.0.0', true, ['from 1.0.0', 'v1 stopped']],
    ]);
    const data = join(shared, 'instance', 'data');
    expect(await readFile(join(data, 'sha256-v2', 'state'), 'utf8')).toBe('v1-data\n');
    expect(app.status()).toMatchObject({ state: 'ready', app: { version: '2.0.0', digest: 'sha256:v2' } });
    expect(processRunning(oldPid)).toBe(false);
    // The outcome is said once, as an event and in the status, for the platform to record.
    expect(log.of('upgrade')).toEqual([
      { type: 'upgrade', from: '1.0.0', to: '2.0.0', outcome: 'succeeded', time: expect.any(String) },
    ]);
    expect(app.status().last_upgrade).toMatchObject({ from: '1.0.0', to: '2.0.0', outcome: 'succeeded' });
  });

  it('rolls back to the old version when the new one never becomes ready', async () => {
    const { app, log, shared } = await launchV1();
    const oldPid = app.status().pid as number;
    const broken = await writeApp(
      root,
      `run:
  entrypoint: [sh, -c, 'echo v3 > "$GPUAAS_DATA_DIR/mine"; exec sleep 30']
health:
  readiness:
    command: 'false'
    period: 50ms
    timeout: 100ms
    failureThreshold: 6
`,
      {},
      '3.0.0',
    );
    const ready: string[] = [];
    app.on('ready', (e) => ready.push(e.version));
    const error = await app
      .upgrade({ appDir: broken.dir, manifest: broken.manifest, digest: 'sha256:v3' })
      .then(
        () => undefined,
        (e: unknown) => e as RuntimeError,
      );
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error?.code).toBe('UPGRADE_ROLLED_BACK');
    expect(error?.details).toEqual({ from: '1.0.0', to: '3.0.0', stage: 'start' });
    const last = log.of('state').at(-1);
    expect(last).toMatchObject({ state: 'ready', version: '1.0.0' });
    expect(last?.reason).toBe(
      'rolled back to 1.0.0: 3.0.0 failed: not_ready: not ready within 400 ms (readiness exit code 1)',
    );
    expect(log.states().slice(-2)).toEqual(['upgrading', 'ready']);
    expect(ready).toEqual(['1.0.0']);
    const status = app.status();
    expect(status).toMatchObject({ state: 'ready', app: { version: '1.0.0', digest: 'sha256:v1' } });
    expect(status.pid).not.toBe(oldPid);
    expect(processRunning(status.pid as number)).toBe(true);
    expect(log.of('upgrade')).toEqual([
      expect.objectContaining({
        from: '1.0.0',
        to: '3.0.0',
        outcome: 'rolled_back',
        code: 'UPGRADE_ROLLED_BACK',
      }),
    ]);
    expect(status.last_upgrade).toMatchObject({ outcome: 'rolled_back', reason: `upgrade ${last?.reason}` });
    // Without an upgrade hook the new version got a copy of the data; the old data is untouched.
    const data = join(shared, 'instance', 'data');
    expect(await readFile(join(data, 'sha256-v3', 'state'), 'utf8')).toBe('v1-data\n');
    expect(await readFile(join(data, 'sha256-v3', 'mine'), 'utf8')).toBe('v3\n');
    expect(await readdir(join(data, 'sha256-v1'))).not.toContain('mine');
  });
});
