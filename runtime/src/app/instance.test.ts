import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { freePort } from '@gpuaas/test-support';
import { RuntimeError } from '../errors.js';
import type { HookEvent, ProbeEvent } from './events.js';
import { AppInstance } from './instance.js';
import type { AppInstanceOptions } from './instance.js';
import { installMarkerPath } from './hooks.js';
import { groupAlive } from './process-group.js';
import { EventLog, once, processRunning, tempRoot, testEnv, until, writeApp } from './testing.js';

let root: string;
let cleanup: () => Promise<void>;
const live: AppInstance[] = [];
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterEach(async () => {
  await Promise.all(live.splice(0).map((i) => i.stop('test cleanup')));
});
afterAll(() => cleanup());

const FAST = { restart: { initialMs: 20 }, hookKillAfterMs: 100 } as const;

async function instance(
  yaml: string,
  files: Record<string, string> = {},
  over: Partial<AppInstanceOptions> = {},
): Promise<{ app: AppInstance; log: EventLog; dataDir: string; dir: string; manifest: GpuaasAppManifest }> {
  const { dir, manifest } = await writeApp(root, yaml, files);
  const dataDir = over.dataDir ?? join(dir, '.data');
  const options = {
    appDir: dir,
    manifest,
    digest: 'sha256:aaa',
    dataDir,
    env: testEnv(root),
    ...FAST,
    ...over,
  };
  const app = new AppInstance(options);
  created.set(app, options);
  live.push(app);
  return { app, log: new EventLog(app), dataDir, dir, manifest };
}

const created = new Map<AppInstance, AppInstanceOptions>();
function optionsOf(app: AppInstance): AppInstanceOptions {
  return created.get(app) as AppInstanceOptions;
}

async function rejection(promise: Promise<unknown>): Promise<RuntimeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RuntimeError);
  return error as RuntimeError;
}

const READY_FILE = `health:
  readiness:
    command: [sh, -c, 'test -f "$GPUAAS_DATA_DIR/up"']
    period: 50ms
`;

describe('AppInstance lifecycle', () => {
  it('fails a launch whose install hook hangs, with the timeout and the last lines in the reason', async () => {
    const { app, log } = await instance(`run:
  entrypoint: [sh, -c, 'sleep 30']
hooks:
  install:
    command: 'echo fetching weights; echo "50%"; sleep 30'
    timeout: 200ms
`);
    const error = await rejection(app.launch());
    expect(error.code).toBe('HOOK_FAILED');
    expect(log.states()).toEqual(['installing', 'failed']);
    const hook = log.of('hook')[0] as HookEvent;
    expect(hook).toMatchObject({ hook: 'install', ok: false, timed_out: true, attempts: 1, exit_code: null });
    expect(hook.tail).toEqual(['fetching weights', '50%', 'timed out after 200 ms']);
    expect(app.status().reason).toBe(
      'hook_failed: install timed out after 1 attempt; last output:\nfetching weights\n50%\ntimed out after 200 ms',
    );
    // The runtime's own code, for the platform to relay unchanged.
    expect(app.status()).toMatchObject({ state: 'failed', code: 'HOOK_FAILED' });
  });

  it('installs once per digest, reconfigures on a mutable parameter change, and redacts secrets everywhere', async () => {
    const secret = 'tok-SECRET-4242';
    const yaml = `run:
  entrypoint: [sh, app.sh]
  env: { LAYER: from-run-env }
parameters:
  greeting: { type: string, default: hello, mutable: true }
  token: { type: string, secret: true }
hooks:
  install:
    command: 'echo x >> "$GPUAAS_DATA_DIR/installs"; echo "token is $GPUAAS_PARAM_TOKEN"'
  configure:
    command: 'echo "$GPUAAS_PARAM_GREETING" >> "$GPUAAS_DATA_DIR/configured"; cat "$GPUAAS_PARAMS_FILE"'
${READY_FILE}`;
    const files = {
      'app.sh':
        'echo "app sees $GPUAAS_PARAM_TOKEN, $GPUAAS_PARAM_GREETING, $LAYER"\ntouch "$GPUAAS_DATA_DIR/up"\nexec sleep 30\n',
    };
    const { app, log, dataDir, dir, manifest } = await instance(yaml, files, { params: { token: secret } });
    expect(await app.launch()).toBe('ready');
    expect(log.states()).toEqual(['installing', 'configuring', 'starting', 'ready']);
    const hooks = log.of('hook');
    expect(hooks.map((h) => [h.hook, h.ok])).toEqual([
      ['install', true],
      ['configure', true],
    ]);
    expect(hooks[0]?.tail).toEqual(['token is ***']);
    expect(hooks[1]?.tail.join('\n')).toContain('"token": "***"');
    await log.wait((e) => e.type === 'log' && e.line.startsWith('app sees'));
    expect(app.logs.tail({ stream: 'stdout' }).map((l) => l.line)).toEqual([
      'app sees ***, hello, from-run-env',
    ]);
    expect(await readFile(join(dataDir, 'logs', 'app.stdout.log'), 'utf8')).toBe(
      'app sees ***, hello, from-run-env\n',
    );
    const paramsFile = join(dataDir, 'params', 'sha256-aaa.json');
    expect(JSON.parse(await readFile(paramsFile, 'utf8'))).toEqual({ greeting: 'hello', token: secret });
    expect((await stat(paramsFile)).mode & 0o777).toBe(0o600);
    app.reportStatus(`loaded with ${secret}`, 0.5);
    const status = app.status();
    expect(status).toMatchObject({
      state: 'ready',
      params: { greeting: 'hello', token: '***' },
      app_status: { message: 'loaded with ***', progress: 0.5 },
      app: { name: 'test-app', version: '1.0.0', digest: 'sha256:aaa' },
      probes: { readiness: { verdict: 'passing', ok: true } },
      restarts: 0,
    });
    expect(await readFile(`/proc/${status.pid}/cmdline`, 'utf8')).not.toContain(secret);

    expect(await app.reconfigure({ greeting: 'hi' })).toEqual(['greeting']);
    expect(log.states().slice(-2)).toEqual(['configuring', 'ready']);
    expect(JSON.parse(await readFile(paramsFile, 'utf8'))).toMatchObject({ greeting: 'hi' });
    expect((await rejection(app.reconfigure({ token: 'other' }))).code).toBe('PARAMETERS_INVALID');
    expect(await app.reconfigure({ greeting: 'hi' })).toEqual([]);
    await app.stop();
    expect(JSON.stringify(log.events) + JSON.stringify(app.status())).not.toContain(secret);

    const again = new AppInstance({
      appDir: dir,
      manifest,
      digest: 'sha256:aaa',
      dataDir,
      env: testEnv(root),
      params: { token: secret },
    });
    live.push(again);
    const log2 = new EventLog(again);
    expect(await again.launch()).toBe('ready');
    expect(log2.of('hook').map((h) => h.hook)).toEqual(['configure']);
    const dataFolder = join(dataDir, 'data', 'sha256-aaa');
    expect(await readFile(join(dataFolder, 'installs'), 'utf8')).toBe('x\n');
    expect(await readFile(join(dataFolder, 'configured'), 'utf8')).toBe('hello\nhi\nhello\n');
  });

  it('gates ready on an HTTP readiness probe and reports the real status codes', async () => {
    const port = await freePort();
    const server = `const http = require('node:http');
let n = 0;
http.createServer((req, res) => {
  n++;
  res.writeHead(n <= 2 ? 503 : 200);
  res.end();
}).listen(${port}, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;
    const { app, log } = await instance(
      `run:
  entrypoint: [node, server.cjs]
endpoints:
  - { name: api, port: ${port} }
health:
  readiness:
    http: { endpoint: api, path: /healthz }
    period: 50ms
    failureThreshold: 20
`,
      { 'server.cjs': server },
    );
    const readyEvents: unknown[] = [];
    app.on('ready', (e) => readyEvents.push(e));
    expect(await app.launch()).toBe('ready');
    const statuses = log
      .of('probe')
      .flatMap((p: ProbeEvent) => (p.status === undefined ? [] : [[p.status, p.ok]]));
    expect(statuses).toEqual([
      [503, false],
      [200, true],
    ]);
    const readyAt = log.events.findIndex((e) => e.type === 'state' && e.state === 'ready');
    const okAt = log.events.findIndex((e) => e.type === 'probe' && e.ok);
    expect(okAt).toBeLessThan(readyAt);
    expect(readyEvents).toEqual([
      { version: '1.0.0', digest: 'sha256:aaa', time: expect.any(String) as unknown },
    ]);
    expect(app.status().probes.readiness).toMatchObject({ ok: true, status: 200, message: 'HTTP 200' });
  });

  it('is ready when the app calls ready() if it has no readiness probe, and fails when it never does', async () => {
    const { app, log } = await instance(`run:
  entrypoint: [sh, -c, 'exec sleep 30']
`);
    expect(app.markReady()).toBe(false);
    const launched = app.launch();
    await log.waitState('starting');
    await until(() => app.status().pid !== null, 5000, 'the app process');
    expect(app.state).toBe('starting');
    expect(app.markReady()).toBe(true);
    expect(await launched).toBe('ready');

    const never = await instance(
      `run:
  entrypoint: [sh, -c, 'exec sleep 30']
`,
      {},
      { readyTimeoutMs: 200 },
    );
    const error = await rejection(never.app.launch());
    expect(error.code).toBe('APP_FAILED');
    expect(never.app.status().reason).toBe(
      'not_ready: not ready within 200 ms (the app did not call ready())',
    );
  });

  it('fails an app that crash-loops, after restarting it with backoff', async () => {
    const { app, log } = await instance(
      `run:
  entrypoint: [sh, -c, 'echo boom >&2; exit 3']
`,
      {},
      { crashLoop: { limit: 3, windowMs: 60_000 } },
    );
    const stopped = once(app, 'stopped');
    const error = await rejection(app.launch());
    expect(error.message).toBe('crash_loop');
    expect(log.states()).toEqual(['installing', 'configuring', 'starting', 'failed']);
    expect(app.status()).toMatchObject({
      state: 'failed',
      code: 'APP_FAILED',
      reason: 'crash_loop',
      restarts: 2,
      last_exit: { code: 3, signal: null, reason: 'exit' },
    });
    expect(app.logs.tail({ stream: 'stderr' }).map((l) => l.line)).toEqual(['boom', 'boom', 'boom']);
    expect(await stopped).toEqual([
      { state: 'failed', reason: 'crash_loop', time: expect.any(String) as unknown },
    ]);
  });

  it('restarts the app when liveness fails, then it is ready again', async () => {
    const { app, log, dataDir } = await instance(
      `run:
  entrypoint: [sh, app.sh]
health:
  readiness:
    command: 'true'
    period: 50ms
  liveness:
    command: [sh, -c, 'test ! -f "$GPUAAS_DATA_DIR/dead"']
    period: 50ms
    failureThreshold: 2
`,
      { 'app.sh': 'echo $$ >> "$GPUAAS_DATA_DIR/starts"\nexec sleep 30\n' },
    );
    expect(await app.launch()).toBe('ready');
    const firstPid = app.status().pid;
    const dead = join(dataDir, 'data', 'sha256-aaa', 'dead');
    // Readiness may pass before liveness has run once: fault the app only after a passing
    // liveness result, or its first result is already the failure (a race of the test, seen as
    // a missing third liveness event).
    await log.wait((e) => e.type === 'probe' && e.probe === 'liveness' && e.ok, 5000, 'a passing liveness');
    // The fault clears once the app is being restarted (degraded comes before the restart delay).
    app.on('state', (e) => e.state === 'degraded' && rmSync(dead, { force: true }));
    await writeFile(dead, '');
    await log.wait((e) => e.type === 'state' && e.state === 'ready' && e.reason === 'recovered');
    expect(log.states().slice(-2)).toEqual(['degraded', 'ready']);
    expect(log.of('state').at(-2)?.reason).toBe(
      'crashed (liveness failed: exit code 1); restarting in 20 ms',
    );
    const liveness = (): boolean[] => log.of('probe').flatMap((p) => (p.probe === 'liveness' ? [p.ok] : []));
    // The restarted process's first liveness result may come just after readiness passed.
    await until(() => liveness().length >= 3, 5000, 'the liveness probe of the new process');
    expect(liveness()).toEqual([true, false, true]);
    const status = app.status();
    expect(status.restarts).toBe(1);
    expect(status.pid).not.toBe(firstPid);
    expect(processRunning(firstPid ?? 0)).toBe(false);
    const starts = join(dataDir, 'data', 'sha256-aaa', 'starts');
    // The readiness command does not wait for app.sh, so its second line may come a moment later.
    await until(() => readFileSync(starts, 'utf8').trim().split('\n').length >= 2, 5000, 'the restart');
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toEqual([String(firstPid), String(status.pid)]);
  });

  it('reports a hook that prints nothing for a while in the app logs, and keeps waiting for it', async () => {
    const { app, log } = await instance(
      `run:
  entrypoint: [sh, -c, 'exit 0']
hooks:
  install:
    command: 'echo started; sleep 0.7; echo done'
    timeout: 20s
`,
      {},
      { hookQuietNoticeMs: 200 },
    );
    expect(await app.launch()).toBe('completed');
    const notices = log
      .of('log')
      .map((e) => e.line)
      .filter((l) => l.startsWith('[runtime] install hook: no output for'));
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices[0]).toMatch(/still running \(times out after 20 s\)$/);
    expect(log.of('hook')[0]).toMatchObject({ hook: 'install', ok: true });
  });

  it('cancels a long install when stopped, and runs uninstall only after a stop', async () => {
    const { app, log, dataDir } = await instance(`run:
  entrypoint: [sh, -c, 'exec sleep 30']
hooks:
  install:
    command: 'echo $$ > "$GPUAAS_DATA_DIR/install.pid"; exec sleep 30'
  uninstall:
    command: 'echo bye from $GPUAAS_APP_VERSION'
`);
    const launched = app.launch();
    const pidFile = join(dataDir, 'data', 'sha256-aaa', 'install.pid');
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'),
      5000,
      'the install hook',
    );
    await expect(app.uninstall()).rejects.toMatchObject({ code: 'APP_STATE_CONFLICT' });
    await app.stop();
    expect(await launched).toBe('stopped');
    expect(log.states()).toEqual(['installing', 'stopping', 'stopped']);
    expect(processRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    expect(log.of('hook')[0]).toMatchObject({ hook: 'install', ok: false, timed_out: false });
    expect(existsSync(installMarkerPath(dataDir, 'sha256:aaa'))).toBe(false);
    expect(await app.uninstall()).toMatchObject({ ok: true, tail: ['bye from 1.0.0'] });
    expect(() => new AppInstance({ ...optionsOf(app), params: { nope: 1 } })).toThrow(
      /parameter "nope" is not declared/,
    );
  });

  it('ends a batch app that exits 0 by itself as stopped (exited)', async () => {
    const { app, log } = await instance(`run:
  entrypoint: [sh, -c, 'echo processed 3 items']
`);
    expect(await app.launch()).toBe('completed');
    expect(app.status()).toMatchObject({ state: 'stopped', reason: 'exited' });
    expect(log.of('log').map((l) => l.line)).toEqual(['processed 3 items']);
  });

  it('stops the whole process group: stop hook, SIGTERM, then SIGKILL of a child that ignores it', async () => {
    const child = `process.on('SIGTERM', () => {}); require('node:fs').writeFileSync(process.env.GPUAAS_DATA_DIR + '/child.pid', String(process.pid)); setInterval(() => {}, 1000);`;
    const { app, log, dataDir } = await instance(
      `run:
  entrypoint: [sh, app.sh]
hooks:
  stop:
    command: 'kill -0 "$(cat "$GPUAAS_DATA_DIR/child.pid")" && echo app still running'
    timeout: 500ms
health:
  readiness:
    command: [sh, -c, 'test -f "$GPUAAS_DATA_DIR/child.pid"']
    period: 50ms
  stop:
    gracePeriod: 600ms
`,
      { 'app.sh': `node -e "${child.replace(/"/g, '\\"')}" &\nwait\n` },
    );
    expect(await app.launch()).toBe('ready');
    const pgid = app.status().pid as number;
    const childPid = Number(await readFile(join(dataDir, 'data', 'sha256-aaa', 'child.pid'), 'utf8'));
    onTestFinished(() => {
      if (processRunning(childPid)) process.kill(childPid, 'SIGKILL');
    });
    const started = Date.now();
    await app.stop();
    const took = Date.now() - started;
    expect(log.states().slice(-2)).toEqual(['stopping', 'stopped']);
    expect(log.of('hook').at(-1)).toMatchObject({ hook: 'stop', ok: true, tail: ['app still running'] });
    expect(took).toBeGreaterThanOrEqual(550);
    expect(groupAlive(pgid)).toBe(false);
    expect(processRunning(childPid)).toBe(false);
    // Killed orphans stay zombies until init reaps them; then the group is gone entirely.
    const deadline = Date.now() + 10_000;
    let code: string | undefined;
    while (Date.now() < deadline) {
      try {
        process.kill(-pgid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch (error) {
        code = (error as NodeJS.ErrnoException).code;
        break;
      }
    }
    expect(code).toBe('ESRCH');
  });
});
