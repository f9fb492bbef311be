/**
 * `@gpuaas/sdk/testing`: lets an app's own tests run its hooks and its process against a fake
 * runtime, with the environment the real runtime gives them (GPUAAS_PARAM_*, GPUAAS_PARAMS_FILE,
 * GPUAAS_DATA_DIR, GPUAAS_RUNTIME_URL, `run.env`, the hook's `env`), and look at what the app
 * metered, whether it called ready(), and its status reports. It needs no runtime package; for a
 * run under the real runtime use `gpuaas-app dev --once`.
 *
 * @example
 * ```ts
 * const ctx = await createAppTestContext({ appDir: '.', params: { max_tokens: 16 } });
 * expect((await ctx.runHook('configure')).ok).toBe(true);
 * const app = ctx.startApp();
 * await ctx.waitFor(() => ctx.readyCalled);
 * await app.stop();
 * await ctx.close();
 * ```
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command, GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { startFakeRuntime } from '../app/fake-runtime.js';
import type { FakeMeterEvent, FakeRuntime, FakeStatus } from '../app/fake-runtime.js';
import { DEFAULT_HOOK_TIMEOUT, DEFAULT_STOP_GRACE_PERIOD, loadManifest } from '../manifest/index.js';
import { resolveParams } from './params.js';

export { startFakeRuntime } from '../app/fake-runtime.js';
export type { FakeMeterEvent, FakeRuntime, FakeRuntimeOptions, FakeStatus } from '../app/fake-runtime.js';

export type TestHookName = 'install' | 'configure' | 'start' | 'stop' | 'upgrade' | 'uninstall';

export interface AppTestContextOptions {
  /** The app folder (holding gpuaas-app.yaml); relative to the current folder. */
  appDir: string;
  /** Launch parameters as JSON values; checked against the manifest, defaults applied. */
  params?: Record<string, unknown>;
  /** Extra environment of hooks and the app (below `run.env` and the hook's `env`). */
  env?: Record<string, string>;
  /** GPUAAS_DATA_DIR and the params file live here (default: a temp folder that close() removes). */
  dataDir?: string;
}

export interface HookRunResult {
  hook: TestHookName;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
}

export interface TestAppProcess {
  readonly pid: number | undefined;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Stop signal of the manifest (default SIGTERM) to its process group, SIGKILL after the grace period. */
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

export interface AppTestContext {
  readonly appDir: string;
  readonly manifest: GpuaasAppManifest;
  readonly dataDir: string;
  /** The parameter values the app gets (defaults applied). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The fake runtime the app talks to (GPUAAS_RUNTIME_URL). */
  readonly runtime: FakeRuntime;
  /** Meter events the app reported, each id once. */
  readonly meters: readonly FakeMeterEvent[];
  readonly statuses: readonly FakeStatus[];
  /** The app called ready(). */
  readonly readyCalled: boolean;
  /** Sum of one meter's quantities. */
  total(meter: string): number;
  /** The environment of the app (and, with GPUAAS_HOOK, of its hooks). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Runs a declared hook once (no retries) with its timeout; throws NOT_FOUND when undeclared. */
  runHook(name: TestHookName): Promise<HookRunResult>;
  /** Starts `run.entrypoint` in `run.workdir` with the app's environment, in its own process group. */
  startApp(): TestAppProcess;
  /** Polls `predicate` every 20 ms; rejects after `timeoutMs` (default 10 s). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops started apps, closes the fake runtime, removes the temp data folder. */
  close(): Promise<void>;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
function durationMs(value: string): number {
  const match = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  return match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? NaN);
}

function argvOf(command: Command): string[] {
  return typeof command === 'string' ? ['/bin/sh', '-c', command] : [...command];
}

function paramEnvName(name: string): string {
  return `GPUAAS_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

interface Spawned {
  pid: number | undefined;
  stdout: () => string;
  stderr: () => string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function spawnGroup(argv: string[], cwd: string, env: Record<string, string>): Spawned {
  const [file = '', ...args] = argv;
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), (output += c.toString())));
  child.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), (output += c.toString())));
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) => {
    child.once('error', (error) => {
      output += `${error.message}\n`;
      stderr += `${error.message}\n`;
      done({ code: null, signal: null });
    });
    child.once('close', (code, signal) => done({ code, signal }));
  });
  return { pid: child.pid, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

export async function createAppTestContext(options: AppTestContextOptions): Promise<AppTestContext> {
  const appDir = resolve(options.appDir);
  const { manifest } = await loadManifest(appDir);
  const params = resolveParams(manifest, options.params ?? {});
  const tempDir =
    options.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'gpuaas-app-test-')) : undefined;
  const dataDir = resolve(tempDir ?? options.dataDir ?? '.');
  const appDataDir = join(dataDir, 'data');
  const paramsFile = join(dataDir, 'params.json');
  await mkdir(appDataDir, { recursive: true });
  await writeFile(paramsFile, `${JSON.stringify(params, null, 2)}\n`, { mode: 0o600 });
  const runtime = await startFakeRuntime({ meters: (manifest.meters ?? []).map((m) => m.name) });
  const workdir = resolve(appDir, manifest.run.workdir ?? '.');
  const started: TestAppProcess[] = [];

  const env = (extra: Record<string, string> = {}): Record<string, string> => {
    const base: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) {
      const v = process.env[k];
      if (v !== undefined) base[k] = v;
    }
    const paramEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(params))
      paramEnv[paramEnvName(name)] = typeof value === 'string' ? value : JSON.stringify(value);
    return {
      ...base,
      ...options.env,
      GPUAAS_INSTANCE_ID: 'test',
      GPUAAS_APP_NAME: manifest.name,
      GPUAAS_APP_VERSION: manifest.version,
      GPUAAS_APP_DIR: appDir,
      GPUAAS_DATA_DIR: appDataDir,
      GPUAAS_PARAMS_FILE: paramsFile,
      GPUAAS_RUNTIME_URL: runtime.url,
      ...paramEnv,
      ...manifest.run.env,
      ...extra,
    };
  };

  const context: AppTestContext = {
    appDir,
    manifest,
    dataDir,
    params,
    runtime,
    meters: runtime.meters,
    statuses: runtime.statuses,
    get readyCalled() {
      return runtime.readyCalls > 0;
    },
    total: (meter) => runtime.total(meter),
    env,
    async runHook(name) {
      const hook = manifest.hooks?.[name];
      if (hook === undefined) {
        throw new SdkError(
          'NOT_FOUND',
          `${manifest.name} declares no ${name} hook (hooks.${name} in gpuaas-app.yaml)`,
        );
      }
      const timeoutMs = durationMs(hook.timeout ?? DEFAULT_HOOK_TIMEOUT);
      const startedAt = performance.now();
      const run = spawnGroup(argvOf(hook.command), workdir, { ...env({ GPUAAS_HOOK: name }), ...hook.env });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(run.pid, 'SIGKILL');
      }, timeoutMs);
      const { code, signal } = await run.exited;
      clearTimeout(timer);
      // Whatever the hook started in the background must not outlive it (as under the runtime).
      killGroup(run.pid, 'SIGKILL');
      return {
        hook: name,
        ok: code === 0 && !timedOut,
        exitCode: code,
        signal,
        timedOut,
        durationMs: Math.round(performance.now() - startedAt),
        stdout: run.stdout(),
        stderr: run.stderr(),
        output: run.output(),
      };
    },
    startApp() {
      const run = spawnGroup(argvOf(manifest.run.entrypoint), workdir, env());
      const graceMs = durationMs(manifest.health?.stop?.gracePeriod ?? DEFAULT_STOP_GRACE_PERIOD);
      const signal = manifest.health?.stop?.signal ?? 'SIGTERM';
      let stopping: Promise<{ code: number | null; signal: string | null }> | undefined;
      const app: TestAppProcess = {
        pid: run.pid,
        output: run.output,
        exited: run.exited,
        stop() {
          stopping ??= (async () => {
            killGroup(run.pid, signal);
            const timer = setTimeout(() => killGroup(run.pid, 'SIGKILL'), graceMs);
            const result = await run.exited;
            clearTimeout(timer);
            killGroup(run.pid, 'SIGKILL');
            return result;
          })();
          return stopping;
        },
      };
      started.push(app);
      return app;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`app test: condition not met within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await Promise.all(started.map((a) => a.stop()));
      await runtime.close();
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
    },
  };
  return context;
}
