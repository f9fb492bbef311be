/**
 * AppInstance: the state machine of one app in an allocation. It runs the lifecycle (install once
 * per digest → configure → start → ready), supervises the process, reacts to probes, stops it
 * without leaving a process behind, and upgrades with rollback. Everything it reports (events,
 * status, logs) is redacted of secret parameters.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { RuntimeError, isRuntimeError } from '../errors.js';
import type { AppEvent, HookEvent, ProbeEvent, UpgradeEvent, UpgradeOutcome } from './events.js';
import { installMarkerPath } from './hooks.js';
import type { HookResult } from './hooks.js';
import { LogSink } from './logs.js';
import { assertMutable, createRedactor, ParamSet } from './params.js';
import type { ParamValues } from './params.js';
import type { AppInstanceEvents, AppInstanceOptions, AppStatus, AppVersionSpec } from './instance-types.js';
import { VersionRun } from './run.js';

export type {
  AppInstanceEvents,
  AppInstanceOptions,
  AppStatus,
  AppVersionSpec,
  ProbeStatus,
} from './instance-types.js';
import type { RunHost, StartOutcome } from './run.js';
import { canTransition, isFinalState } from './states.js';
import type { AppState } from './states.js';
import type { CrashLoopPolicy, RestartPolicy } from './supervisor.js';
import { runUpgrade } from './upgrade.js';
import type { UpgradeHost } from './upgrade.js';

function defaultEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

export class AppInstance extends EventEmitter<AppInstanceEvents> implements RunHost {
  readonly instanceId: string;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly logs: LogSink;
  readonly baseEnv: Record<string, string>;
  readonly hookKillAfterMs: number;
  readonly hookQuietNoticeMs: number;
  readonly restart: Partial<RestartPolicy> | undefined;
  readonly crashLoop: Partial<CrashLoopPolicy> | undefined;
  readonly readyTimeoutMs: number | undefined;
  private readonly clock: { now(): number };
  private current: VersionRun;
  private upgradingTo: VersionRun | undefined;
  private upgradeVersions: { from: string; to: string } | undefined;
  private lastUpgrade: Omit<UpgradeEvent, 'type'> | undefined;
  private stateValue: AppState = 'idle';
  private reasonValue: string | undefined;
  /** The runtime code of the failure that ended the app (HOOK_FAILED, APP_FAILED), shown in status(). */
  private failureCode: string | undefined;
  private since: number;
  private readyAt: number | undefined;
  private appStatus: AppStatus['app_status'];
  private readonly secrets = new Set<string>();
  private redactor: (text: string) => string = (t) => t;
  private ops = new AbortController();
  private stopping: Promise<void> | undefined;

  /** Validates the parameters at once: throws PARAMETERS_INVALID before anything runs. */
  constructor(options: AppInstanceOptions) {
    super();
    this.instanceId = options.instanceId ?? randomUUID();
    this.dataDir = options.dataDir;
    this.clock = options.clock ?? { now: Date.now };
    this.since = this.clock.now();
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ instance_id: this.instanceId });
    this.baseEnv = options.env ?? defaultEnv();
    this.hookKillAfterMs = options.hookKillAfterMs ?? 5000;
    this.hookQuietNoticeMs = options.hookQuietNoticeMs ?? 30_000;
    this.restart = options.restart;
    this.crashLoop = options.crashLoop;
    this.readyTimeoutMs = options.readyTimeoutMs;
    this.logs = new LogSink({
      dir: join(options.dataDir, 'logs'),
      ...options.logFiles,
      redact: (t) => this.redact(t),
      now: () => this.clock.now(),
    });
    this.logs.on('line', (l) => this.publish({ type: 'log', stream: l.stream, line: l.line, time: l.time }));
    this.current = this.versionRun(options);
  }

  private versionRun(spec: AppVersionSpec): VersionRun {
    const params = ParamSet.resolve(spec.manifest, spec.params);
    this.learnSecrets(params);
    return new VersionRun(this, spec, params, this.dataDir);
  }

  private learnSecrets(params: ParamSet): void {
    for (const name of params.secretNames) {
      const v = params.values[name];
      if (v !== undefined) this.secrets.add(typeof v === 'string' ? v : JSON.stringify(v));
    }
    this.redactor = createRedactor([...this.secrets]);
  }

  /** Replaces every secret parameter value this instance has seen with `***`. */
  redact(text: string): string {
    return this.redactor(text);
  }

  now(): number {
    return this.clock.now();
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  get state(): AppState {
    return this.stateValue;
  }

  get version(): string {
    return this.current.version;
  }

  /** The manifest of the version running now (an upgrade changes it once the new version runs). */
  get manifest(): GpuaasAppManifest {
    return this.current.manifest;
  }

  private publish(event: AppEvent): void {
    // Each event goes out under its own type; the union is too wide for the typed emit().
    const emit = this.emit.bind(this) as (name: AppEvent['type'] | 'event', payload: AppEvent) => boolean;
    emit(event.type, event);
    emit('event', event);
  }

  private setState(state: AppState, reason?: string): void {
    const previous = this.stateValue;
    if (!canTransition(previous, state)) {
      this.logger.error({ from: previous, to: state, reason }, 'invalid state transition ignored');
      return;
    }
    this.stateValue = state;
    this.reasonValue = reason === undefined ? undefined : this.redact(reason);
    this.since = this.clock.now();
    this.logger.info({ state, previous, reason: this.reasonValue, version: this.version }, 'state');
    this.publish({
      type: 'state',
      state,
      previous,
      ...(this.reasonValue !== undefined && { reason: this.reasonValue }),
      version: this.version,
      time: this.iso(),
    });
  }

  hookEvent(event: Omit<HookEvent, 'type' | 'time'>): void {
    this.publish({ type: 'hook', ...event, time: this.iso() });
  }

  probeEvent(event: Omit<ProbeEvent, 'type' | 'time'>): void {
    const message = event.message === undefined ? undefined : this.redact(event.message);
    this.logger.info({ probe: event.probe, ok: event.ok, status: event.status, message }, 'probe changed');
    this.publish({ type: 'probe', ...event, ...(message !== undefined && { message }), time: this.iso() });
  }

  private becameReady(reason?: string): void {
    this.setState('ready', reason);
    this.readyAt = this.clock.now();
    this.emit('ready', { version: this.version, digest: this.current.digest, time: this.iso() });
  }

  /**
   * Runs the lifecycle: installing (once per digest) → configuring → starting → ready. Resolves
   * `ready`, `completed` (a batch app exited 0 by itself) or `stopped` (stop() came first); on
   * failure the instance ends `failed` and this rejects (HOOK_FAILED, APP_FAILED).
   */
  async launch(): Promise<StartOutcome> {
    if (this.stateValue !== 'idle' && this.stateValue !== 'fetching') {
      throw new RuntimeError('APP_STATE_CONFLICT', `cannot launch: the app is ${this.stateValue}`);
    }
    const signal = this.ops.signal;
    const run = this.current;
    try {
      await run.prepare();
      this.setState('installing');
      await run.install(this.dataDir, signal);
      if (signal.aborted) return await this.stopped();
      this.setState('configuring');
      await run.hook('configure', signal);
      if (signal.aborted) return await this.stopped();
      this.setState('starting');
      await run.hook('start', signal);
      if (signal.aborted) return await this.stopped();
      const outcome = await run.start(signal);
      if (outcome === 'stopped' || signal.aborted) return await this.stopped();
      if (outcome === 'completed') {
        this.finish('stopped', 'exited');
        return 'completed';
      }
      this.becameReady();
      return 'ready';
    } catch (error) {
      if (signal.aborted) return await this.stopped();
      await this.failWith(error);
      throw error;
    }
  }

  private async stopped(): Promise<'stopped'> {
    await this.stopping;
    return 'stopped';
  }

  private async failWith(error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.failureCode = isRuntimeError(error) ? error.code : 'APP_FAILED';
    this.ops.abort();
    // Killing a running app can take its grace period; the state says so meanwhile.
    if (this.current.pid !== undefined && this.stateValue !== 'stopping') this.setState('stopping', reason);
    await this.current.stop({ runHook: false });
    this.finish('failed', reason);
  }

  /** Enters a final state once nothing runs any more, and says so. */
  private finish(state: 'stopped' | 'failed', reason?: string): void {
    if (isFinalState(this.stateValue)) return;
    this.setState(state, reason);
    this.logs.close();
    this.emit('stopped', {
      state,
      ...(this.reasonValue !== undefined && { reason: this.reasonValue }),
      time: this.iso(),
    });
  }

  /**
   * The app called `ready()` through the local API. Counts when the app has no readiness probe
   * (with one, the probe decides); returns whether it counted.
   */
  markReady(): boolean {
    return this.current.markReady();
  }

  /** The app's status() report: redacted, kept for status() and sent as a `status` event. */
  reportStatus(message: string, progress?: number): void {
    const clean = this.redact(message);
    const time = this.iso();
    this.appStatus = { message: clean, ...(progress !== undefined && { progress }), time };
    this.publish({ type: 'status', message: clean, ...(progress !== undefined && { progress }), time });
  }

  /**
   * Stops the app: stop hook, stop signal, SIGKILL of the group after the grace period; resolves
   * once no process of it runs (state `stopped`). A stop during launch cancels the running hook.
   */
  stop(reason = 'requested'): Promise<void> {
    if (isFinalState(this.stateValue)) return Promise.resolve();
    this.stopping ??= (async () => {
      this.setState('stopping', reason);
      this.ops.abort();
      const runs = [this.upgradingTo, this.current].filter((r): r is VersionRun => r !== undefined);
      for (const run of new Set(runs)) await run.stop({ runHook: true });
      // An upgrade may have switched versions while the first stop ran.
      if (!runs.includes(this.current)) await this.current.stop({ runHook: false });
      this.finish('stopped', reason);
    })();
    return this.stopping;
  }

  /**
   * Applies new parameter values on a running app (merged onto the current ones): only `mutable`
   * parameters may change; the params file is rewritten and the configure hook runs again. When
   * it fails the previous values are restored and this rejects HOOK_FAILED; the app keeps running.
   * Resolves the names that changed. The app's environment changes at its next restart.
   */
  async reconfigure(params: ParamValues): Promise<string[]> {
    const state = this.stateValue;
    if (state !== 'ready' && state !== 'degraded') {
      throw new RuntimeError('APP_STATE_CONFLICT', `cannot reconfigure: the app is ${state}`);
    }
    const run = this.current;
    const previous = run.params;
    const next = ParamSet.resolve(run.manifest, { ...previous.values, ...params });
    const changed = assertMutable(run.manifest, next, previous);
    if (changed.length === 0) return [];
    this.learnSecrets(next);
    this.setState('configuring', `parameters changed: ${changed.join(', ')}`);
    run.params = next;
    try {
      await run.prepare();
      await run.hook('configure', this.ops.signal);
    } catch (error) {
      run.params = previous;
      await run.prepare();
      if (this.stateValue === 'configuring')
        this.setState(state, 'configure failed; previous parameters kept');
      throw error;
    }
    if (this.stateValue === 'configuring') this.setState(state);
    return changed;
  }

  /**
   * Upgrades to another version: its install (while the old one still serves), stop of the old
   * one, its upgrade hook (GPUAAS_PREVIOUS_APP_DIR, GPUAAS_PREVIOUS_DATA_DIR, GPUAAS_DATA_DIR),
   * then its configure/start and the wait for ready. When any of that fails, the old version is
   * started again and this rejects UPGRADE_ROLLED_BACK (state `ready` on the old version, with the
   * reason). Without an upgrade hook the old data folder is copied for the new version.
   */
  async upgrade(next: AppVersionSpec): Promise<'upgraded' | 'stopped'> {
    const state = this.stateValue;
    if (state !== 'ready' && state !== 'degraded') {
      throw new RuntimeError('APP_STATE_CONFLICT', `cannot upgrade: the app is ${state}`);
    }
    const old = this.current;
    const fresh = this.versionRun(next);
    this.upgradingTo = fresh;
    this.upgradeVersions = { from: old.version, to: fresh.version };
    this.setState('upgrading', `${old.version} → ${fresh.version}`);
    const versions = { from: old.version, to: fresh.version };
    try {
      const outcome = await runUpgrade(this.upgradeHost(), old, fresh, this.ops.signal);
      if (outcome === 'stopped') await this.stopping;
      this.upgradeEnded(versions, outcome === 'stopped' ? 'stopped' : 'succeeded');
      return outcome;
    } catch (error) {
      const code = isRuntimeError(error) ? error.code : 'APP_FAILED';
      const reason = error instanceof Error ? error.message : String(error);
      this.upgradeEnded(versions, code === 'UPGRADE_ROLLED_BACK' ? 'rolled_back' : 'failed', {
        reason,
        code,
      });
      throw error;
    } finally {
      this.upgradingTo = undefined;
      this.upgradeVersions = undefined;
    }
  }

  /** Remembers how the upgrade ended (status().last_upgrade) and says so with an `upgrade` event. */
  private upgradeEnded(
    versions: { from: string; to: string },
    outcome: UpgradeOutcome,
    failure?: { reason: string; code: string },
  ): void {
    const reason = failure === undefined ? undefined : this.redact(failure.reason);
    const code = failure?.code;
    this.lastUpgrade = {
      ...versions,
      outcome,
      ...(reason !== undefined && { reason }),
      ...(code !== undefined && { code }),
      time: this.iso(),
    };
    this.publish({ type: 'upgrade', ...this.lastUpgrade });
  }

  private upgradeHost(): UpgradeHost {
    return {
      dataDir: this.dataDir,
      logger: this.logger,
      state: () => this.stateValue,
      setState: (state, reason) => this.setState(state, reason),
      setCurrent: (run) => (this.current = run),
      becameReady: (reason) => this.becameReady(reason),
      fail: (error) => this.failWith(error),
      copyData: async (from, to) => {
        const entries = await readdir(to).catch(() => []);
        if (entries.length === 0)
          await cp(from, to, { recursive: true, preserveTimestamps: true, force: false });
      },
    };
  }

  /** The uninstall hook of the current version (after a stop), then its install marker is removed. */
  async uninstall(): Promise<HookResult | undefined> {
    if (!isFinalState(this.stateValue)) {
      throw new RuntimeError(
        'APP_STATE_CONFLICT',
        `cannot uninstall: the app is ${this.stateValue}; stop it first`,
      );
    }
    const result = await this.current.hook('uninstall');
    await rm(installMarkerPath(this.dataDir, this.current.digest), { force: true });
    return result;
  }

  // RunHost callbacks: news from the running version after it was ready.

  degraded(run: VersionRun, reason: string): void {
    if (run === this.current && this.stateValue === 'ready') this.setState('degraded', reason);
  }

  recovered(run: VersionRun): void {
    // Billing never stopped while degraded, so this is no new `ready` event.
    if (run === this.current && this.stateValue === 'degraded') this.setState('ready', 'recovered');
  }

  fatal(run: VersionRun, reason: string): void {
    if (run !== this.current || isFinalState(this.stateValue) || this.stateValue === 'stopping') return;
    void this.failWith(new RuntimeError('APP_FAILED', reason));
  }

  completed(run: VersionRun): void {
    if (run !== this.current || isFinalState(this.stateValue) || this.stateValue === 'stopping') return;
    this.ops.abort();
    void run.stop({ runHook: false }).then(() => this.finish('stopped', 'exited'));
  }

  /** A snapshot for the control API; secrets redacted. */
  status(): AppStatus {
    const run = this.current;
    const hooks: AppStatus['hooks'] = {};
    for (const [name, h] of run.hooks) hooks[name] = h;
    return {
      instance_id: this.instanceId,
      state: this.stateValue,
      ...(this.reasonValue !== undefined && { reason: this.reasonValue }),
      ...(this.stateValue === 'failed' && this.failureCode !== undefined && { code: this.failureCode }),
      since: new Date(this.since).toISOString(),
      app: {
        name: run.manifest.name,
        publisher: run.manifest.publisher,
        version: run.version,
        digest: run.digest,
      },
      pid: run.pid ?? null,
      restarts: run.supervisor?.restarts ?? 0,
      ...(this.readyAt !== undefined && { ready_at: new Date(this.readyAt).toISOString() }),
      ...(run.lastExit !== undefined && {
        last_exit: {
          code: run.lastExit.code,
          signal: run.lastExit.signal,
          reason: this.redact(run.lastExit.reason),
        },
      }),
      probes: run.probeStatus(),
      hooks,
      params: run.params.redacted(),
      ...(this.appStatus !== undefined && { app_status: this.appStatus }),
      ...(this.upgradeVersions !== undefined && { upgrade: this.upgradeVersions }),
      ...(this.lastUpgrade !== undefined && { last_upgrade: this.lastUpgrade }),
    };
  }
}
