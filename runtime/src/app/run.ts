/**
 * One version of the app inside an instance: its folders and environment, its hooks, its
 * supervised process and probes, and the gate that says when it became ready (or why it never
 * will). AppInstance drives one of these per launch, and two during an upgrade.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { RuntimeError } from '../errors.js';
import type { HookEvent, HookName, ProbeEvent, ProbeName } from './events.js';
import { describeFailure, isInstalled, markInstalled, runHook } from './hooks.js';
import type { HookResult } from './hooks.js';
import type { LogSink } from './logs.js';
import { appWorkdir, hookSpec, probeSpec, startupBudgetMs, stopSpec } from './manifest.js';
import type { ParamSet } from './params.js';
import { ProbeRunner } from './probes.js';
import type { ProbeResult } from './probes.js';
import { Supervisor } from './supervisor.js';
import type { CrashLoopPolicy, ExitInfo, RestartPolicy } from './supervisor.js';
import { giveToTenant } from '../sandbox/tenant.js';

/** What a version's start came to: ready, finished by itself (exit 0) or stopped on request. */
export type StartOutcome = 'ready' | 'completed' | 'stopped';

/** How an instance hears about a running version and lends it shared things. */
export interface RunHost {
  readonly logger: Logger;
  readonly logs: LogSink;
  readonly instanceId: string;
  readonly baseEnv: Record<string, string>;
  readonly hookKillAfterMs: number;
  readonly hookQuietNoticeMs: number;
  readonly restart: Partial<RestartPolicy> | undefined;
  readonly crashLoop: Partial<CrashLoopPolicy> | undefined;
  readonly readyTimeoutMs: number | undefined;
  now(): number;
  redact(text: string): string;
  hookEvent(event: Omit<HookEvent, 'type' | 'time'>): void;
  probeEvent(event: Omit<ProbeEvent, 'type' | 'time'>): void;
  /** After ready: readiness now fails, or the process crashed and is being restarted. */
  degraded(run: VersionRun, reason: string): void;
  /** After degraded: readiness passes again. */
  recovered(run: VersionRun): void;
  /** After ready: the app crash-looped; nothing runs any more. */
  fatal(run: VersionRun, reason: string): void;
  /** After ready: the app exited 0 by itself. */
  completed(run: VersionRun): void;
}

export interface VersionInput {
  appDir: string;
  manifest: GpuaasAppManifest;
  digest: string;
}

/** A file-system-safe form of a digest (`sha256:ab…` → `sha256-ab…`). */
export function digestSlug(digest: string): string {
  return digest.replace(/[^A-Za-z0-9._-]/g, '-');
}

export class VersionRun {
  readonly appDir: string;
  readonly manifest: GpuaasAppManifest;
  readonly digest: string;
  readonly workdir: string;
  /** GPUAAS_DATA_DIR of this version: one folder per digest, so a rollback finds its data intact. */
  readonly appDataDir: string;
  readonly paramsFile: string;
  params: ParamSet;
  supervisor: Supervisor | undefined;
  readonly hooks = new Map<HookName, Omit<HookEvent, 'type'>>();
  readonly probes = new Map<ProbeName, ProbeRunner>();
  private phase: 'idle' | 'starting' | 'ready' | 'done' = 'idle';
  private readyCalled = false;
  private gate: { resolve: (o: StartOutcome) => void; reject: (e: Error) => void } | undefined;
  private budgetTimer: NodeJS.Timeout | undefined;
  private lastProbe: { name: ProbeName; result: ProbeResult } | undefined;
  lastExit: ExitInfo | undefined;

  constructor(
    private readonly host: RunHost,
    input: VersionInput,
    params: ParamSet,
    dataDir: string,
  ) {
    this.appDir = input.appDir;
    this.manifest = input.manifest;
    this.digest = input.digest;
    this.params = params;
    this.workdir = appWorkdir(input.appDir, input.manifest);
    this.appDataDir = join(dataDir, 'data', digestSlug(input.digest));
    this.paramsFile = join(dataDir, 'params', `${digestSlug(input.digest)}.json`);
  }

  get version(): string {
    return this.manifest.version;
  }

  get pid(): number | undefined {
    return this.supervisor?.pid;
  }

  /** Environment of the app and its hooks: base, GPUAAS_* of this version, params, run.env. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.host.baseEnv,
      GPUAAS_INSTANCE_ID: this.host.instanceId,
      GPUAAS_APP_NAME: this.manifest.name,
      GPUAAS_APP_VERSION: this.manifest.version,
      GPUAAS_APP_DIR: this.appDir,
      GPUAAS_DATA_DIR: this.appDataDir,
      GPUAAS_PARAMS_FILE: this.paramsFile,
      // The app tree is read-only (in an allocation, the unpacked artifact): what tools cache next
      // to the code (Python's bytecode, XDG caches) goes to the app's data folder; run.env may
      // still say otherwise.
      PYTHONPYCACHEPREFIX: join(this.appDataDir, '.cache', 'pycache'),
      XDG_CACHE_HOME: join(this.appDataDir, '.cache'),
      ...this.params.env(),
      ...this.manifest.run.env,
      ...extra,
    };
  }

  async prepare(): Promise<void> {
    await mkdir(this.appDataDir, { recursive: true });
    // The app's data folder and its parameters are the tenant's; the rest of dataDir is not.
    await giveToTenant(this.appDataDir);
    await this.params.writeFile(this.paramsFile);
  }

  /**
   * Runs a declared hook (nothing when undeclared), reports it, and throws HOOK_FAILED with its
   * tail when it fails after its retries.
   */
  async hook(
    name: HookName,
    signal?: AbortSignal,
    extraEnv: Record<string, string> = {},
  ): Promise<HookResult | undefined> {
    const spec = hookSpec(this.manifest, name);
    if (spec === undefined) return undefined;
    const log = this.host.logger.child({ hook: name, version: this.version });
    const result = await runHook(spec, {
      cwd: this.workdir,
      env: this.env({ GPUAAS_HOOK: name, ...extraEnv }),
      redact: (t) => this.host.redact(t),
      killAfterMs: this.host.hookKillAfterMs,
      // In the app's logs (so in `gpuaas app logs` and `gpuaas-app dev`): still running, not hung.
      quiet: {
        afterMs: this.host.hookQuietNoticeMs,
        notice: (silentMs) =>
          this.host.logs.write(
            'stderr',
            `[runtime] ${name} hook: no output for ${Math.round(silentMs / 1000)} s, still running (times out after ${Math.round(spec.timeoutMs / 1000)} s)\n`,
          ),
      },
      ...(signal !== undefined && { signal }),
      onRetry: (attempt, n, delay) =>
        log.warn({ attempt: n, exit_code: attempt.exit_code, delay_ms: delay }, 'hook failed, retrying'),
    });
    const event = {
      hook: name,
      ok: result.ok,
      attempts: result.attempts,
      exit_code: result.exit_code,
      signal: result.signal,
      duration_ms: result.duration_ms,
      timed_out: result.timed_out,
      tail: result.tail,
      version: this.version,
    };
    this.hooks.set(name, { ...event, time: new Date(this.host.now()).toISOString() });
    this.host.hookEvent(event);
    if (result.ok) {
      log.info({ attempts: result.attempts, duration_ms: result.duration_ms }, 'hook passed');
      return result;
    }
    log.warn(
      { attempts: result.attempts, exit_code: result.exit_code, timed_out: result.timed_out },
      'hook failed',
    );
    if (signal?.aborted === true) return result;
    const lines = result.tail.slice(-10);
    throw new RuntimeError(
      'HOOK_FAILED',
      `hook_failed: ${describeFailure(name, result)} after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}${lines.length > 0 ? `; last output:\n${lines.join('\n')}` : ''}`,
      {
        details: { hook: name, exit_code: result.exit_code, timed_out: result.timed_out, tail: result.tail },
      },
    );
  }

  /** The install hook, once per digest: a marker under dataDir records a passed install. */
  async install(dataDir: string, signal?: AbortSignal): Promise<boolean> {
    if (await isInstalled(dataDir, this.digest)) return false;
    const result = await this.hook('install', signal);
    if (signal?.aborted === true || (result !== undefined && !result.ok)) return false;
    await markInstalled(dataDir, this.digest, this.version);
    return true;
  }

  /**
   * Starts the app process and waits until it is ready, finished by itself, or stopped. Rejects
   * APP_FAILED when it cannot be spawned, crash-loops, or is not ready within its startup budget.
   */
  async start(signal: AbortSignal): Promise<StartOutcome> {
    const gate = new Promise<StartOutcome>((resolve, reject) => (this.gate = { resolve, reject }));
    this.phase = 'starting';
    this.readyCalled = false;
    const supervisor = new Supervisor({
      argv: [...this.manifest.run.entrypoint],
      cwd: this.workdir,
      env: () => this.env(),
      logs: this.host.logs,
      now: () => this.host.now(),
      ...(this.host.restart !== undefined && { restart: this.host.restart }),
      ...(this.host.crashLoop !== undefined && { crashLoop: this.host.crashLoop }),
    });
    this.supervisor = supervisor;
    supervisor.on('spawn', ({ pid, restarts }) => {
      this.host.logger.info({ pid, restarts, version: this.version }, 'app process started');
      this.startProbes();
    });
    supervisor.on('crash', (info) => this.onCrash(info));
    supervisor.on('crash_loop', (info) => {
      this.lastExit = info;
      this.stopProbes();
      this.host.logger.error({ ...info, version: this.version }, 'app crash-looped');
      this.settle(new RuntimeError('APP_FAILED', 'crash_loop', { details: { ...info } }), () =>
        this.host.fatal(this, 'crash_loop'),
      );
    });
    supervisor.on('completed', () => {
      this.stopProbes();
      this.host.logger.info({ version: this.version }, 'app exited 0 by itself');
      this.settle('completed', () => this.host.completed(this));
    });
    const onAbort = (): void => this.settle('stopped', () => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const budget = this.host.readyTimeoutMs ?? startupBudgetMs(this.manifest);
    this.budgetTimer = setTimeout(() => {
      const why = this.lastProbe
        ? `${this.lastProbe.name} ${this.lastProbe.result.message ?? 'failing'}`
        : this.manifest.health?.readiness === undefined
          ? 'the app did not call ready()'
          : 'no probe answered';
      this.settle(
        new RuntimeError('APP_FAILED', `not_ready: not ready within ${budget} ms (${why})`),
        () => undefined,
      );
    }, budget);
    try {
      await supervisor.start();
    } catch (error) {
      this.settle(error as Error, () => undefined);
    }
    try {
      return await gate;
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(this.budgetTimer);
    }
  }

  /** Resolves or rejects the start gate while starting; otherwise runs `after` (post-ready news). */
  private settle(outcome: StartOutcome | Error, after: () => void): void {
    if (this.phase === 'starting' && this.gate !== undefined) {
      this.phase = outcome === 'ready' ? 'ready' : 'done';
      const gate = this.gate;
      this.gate = undefined;
      if (outcome instanceof Error) gate.reject(outcome);
      else gate.resolve(outcome);
      return;
    }
    if (this.phase === 'ready') {
      if (outcome !== 'ready') this.phase = 'done';
      after();
    }
  }

  private onCrash(info: ExitInfo & { restarts: number; delay_ms: number }): void {
    this.lastExit = info;
    this.stopProbes();
    this.readyCalled = false;
    const how =
      info.reason !== 'exit'
        ? info.reason
        : info.signal !== null
          ? `killed by ${info.signal}`
          : `exit code ${info.code}`;
    this.host.logger.warn({ ...info, version: this.version }, 'app crashed; restarting');
    if (this.phase === 'ready')
      this.host.degraded(this, `crashed (${how}); restarting in ${info.delay_ms} ms`);
  }

  private startProbes(): void {
    const context = { cwd: this.workdir, env: this.env(), redact: (t: string) => this.host.redact(t) };
    const make = (name: ProbeName): ProbeRunner | undefined => {
      const spec = probeSpec(this.manifest, name);
      if (spec === undefined) return undefined;
      const runner = new ProbeRunner(spec, context);
      runner.on('change', (r) => this.host.probeEvent({ probe: name, ok: r.ok, ...pick(r) }));
      runner.on('result', (r) => {
        if (!r.ok) this.lastProbe = { name, result: r };
      });
      this.probes.set(name, runner);
      return runner;
    };
    const main = (): void => {
      const readiness = make('readiness');
      readiness?.on('passed', () => this.onReadiness(true));
      readiness?.on('failed', (r) => this.onReadiness(false, `readiness failing: ${r.message ?? ''}`));
      readiness?.start();
      const liveness = make('liveness');
      liveness?.on('failed', (r) => void this.restartFor(`liveness failed: ${r.message ?? ''}`));
      liveness?.start();
      if (readiness === undefined && this.readyCalled) this.onReadiness(true);
    };
    const startup = make('startup');
    if (startup === undefined) return main();
    startup.on('passed', () => {
      startup.stop();
      main();
    });
    startup.on('failed', (r) => void this.restartFor(`startup failed: ${r.message ?? ''}`));
    startup.start();
  }

  private async restartFor(reason: string): Promise<void> {
    this.stopProbes();
    const stop = stopSpec(this.manifest);
    await this.supervisor?.restart(reason, stop.signal, stop.gracePeriodMs);
  }

  private onReadiness(ok: boolean, reason = ''): void {
    if (ok) {
      if (this.phase === 'starting') this.settle('ready', () => undefined);
      else if (this.phase === 'ready') this.host.recovered(this);
    } else if (this.phase === 'ready') {
      this.host.degraded(this, reason);
    }
  }

  /** The app said it is ready (local API). Counts only when there is no readiness probe. */
  markReady(): boolean {
    if (this.manifest.health?.readiness !== undefined || this.supervisor?.pid === undefined) return false;
    this.readyCalled = true;
    const startup = this.probes.get('startup');
    // Before startup passes, the call is remembered and counts once startup passes.
    if (startup === undefined || startup.verdict === 'passing') this.onReadiness(true);
    return true;
  }

  stopProbes(): void {
    for (const runner of this.probes.values()) runner.stop();
  }

  /**
   * Stops the app for good: stop hook (when the app runs), the stop signal, SIGKILL of the whole
   * group once the grace period (counted from the stop hook's start) is over; resolves when no
   * process of the group runs.
   */
  async stop(options: { runHook: boolean }): Promise<void> {
    this.phase = 'done';
    this.gate?.resolve('stopped');
    this.gate = undefined;
    clearTimeout(this.budgetTimer);
    this.stopProbes();
    const supervisor = this.supervisor;
    if (supervisor === undefined) return;
    const spec = stopSpec(this.manifest);
    const deadline = this.host.now() + spec.gracePeriodMs;
    if (options.runHook && supervisor.pid !== undefined) {
      const hook = hookSpec(this.manifest, 'stop');
      if (hook !== undefined) {
        const budget = new AbortController();
        const timer = setTimeout(() => budget.abort(), spec.gracePeriodMs);
        await this.hook('stop', budget.signal).catch((error: unknown) => {
          this.host.logger.warn({ err: error }, 'stop hook failed; stopping the app anyway');
        });
        clearTimeout(timer);
      }
    }
    const result = await supervisor.stop(spec.signal, Math.max(0, deadline - this.host.now()));
    this.host.logger.info({ version: this.version, killed: result.killed }, 'app stopped');
  }

  probeStatus(): Partial<
    Record<ProbeName, { verdict: string; ok?: boolean; status?: number; message?: string }>
  > {
    const out: Partial<
      Record<ProbeName, { verdict: string; ok?: boolean; status?: number; message?: string }>
    > = {};
    for (const [name, runner] of this.probes) {
      const last = runner.lastResult;
      out[name] = { verdict: runner.verdict, ...(last !== undefined && { ok: last.ok, ...pick(last) }) };
    }
    return out;
  }
}

function pick(r: ProbeResult): { status?: number; message?: string } {
  return {
    ...(r.status !== undefined && { status: r.status }),
    ...(r.message !== undefined && { message: r.message }),
  };
}
