/**
 * The app's main process: started in its own process group, output into the log sink, restarted
 * after a crash with exponential backoff, given up on after too many crashes in a window, and
 * stopped by signalling the whole group and waiting until nothing of it runs.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { RuntimeError } from '../errors.js';
import type { LogSink } from './logs.js';
import { killGroup, terminateGroup, waitGroupGone, within } from './process-group.js';
import { tenantSpawnOptions } from '../sandbox/tenant.js';

export interface RestartPolicy {
  /** First delay before a restart (default 1 s), multiplied each consecutive crash up to maxMs (60 s). */
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** A run at least this long resets the delay to initialMs (default 60 s). */
  stableAfterMs: number;
}

export interface CrashLoopPolicy {
  /** This many crashes within windowMs fail the app (default 5 within 5 min). */
  limit: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialMs: 1000,
  maxMs: 60_000,
  multiplier: 2,
  stableAfterMs: 60_000,
};
export const DEFAULT_CRASH_LOOP_POLICY: CrashLoopPolicy = { limit: 5, windowMs: 5 * 60_000 };

export interface SupervisorOptions {
  argv: string[];
  cwd: string;
  /** Read at every (re)start, so a restart sees parameters changed since. */
  env: () => Record<string, string>;
  logs: LogSink;
  restart?: Partial<RestartPolicy>;
  crashLoop?: Partial<CrashLoopPolicy>;
  now?: () => number;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Why the runtime counts it as a crash: `exit`, `spawn`, or the reason given to restart(). */
  reason: string;
}

export interface SupervisorEvents {
  /** A process started (first start or restart). */
  spawn: [{ pid: number; restarts: number }];
  /** The process ended unexpectedly and will be started again after delay_ms. */
  crash: [ExitInfo & { restarts: number; delay_ms: number }];
  /** Too many crashes in the window: the app is not restarted again. */
  crash_loop: [ExitInfo & { crashes: number; window_ms: number }];
  /** The process exited 0 by itself (a batch job that finished): not restarted. */
  completed: [];
}

/** Supervises one app version's main process across restarts. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly restartPolicy: RestartPolicy;
  private readonly crashPolicy: CrashLoopPolicy;
  private readonly now: () => number;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private crashTimes: number[] = [];
  private consecutive = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartReason: string | undefined;
  private stopping = false;
  private done = false;
  /** Restarts performed so far. */
  restarts = 0;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.restartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
    this.crashPolicy = { ...DEFAULT_CRASH_LOOP_POLICY, ...options.crashLoop };
    this.now = options.now ?? Date.now;
  }

  /** Process id (= process group id) of the running process, if any. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts the first process; rejects APP_FAILED when it cannot be spawned at all. */
  async start(): Promise<number> {
    const pid = await this.spawnOnce();
    if (pid === undefined)
      throw new RuntimeError('APP_FAILED', this.spawnError ?? 'the app could not be started');
    return pid;
  }

  private spawnError: string | undefined;

  private spawnOnce(): Promise<number | undefined> {
    const [file, ...args] = this.options.argv;
    if (file === undefined) return Promise.resolve(undefined);
    const child = spawn(file, args, {
      cwd: this.options.cwd,
      env: this.options.env(),
      ...tenantSpawnOptions(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve) => {
      child.once('error', (error) => {
        this.spawnError = `cannot start ${file}: ${error.message}`;
        this.options.logs.write('stderr', `[runtime] ${this.spawnError}\n`);
        resolve(undefined);
      });
      child.once('spawn', () => {
        const pid = child.pid as number;
        this.child = child;
        this.startedAt = this.now();
        this.options.logs.attach('stdout', child.stdout);
        this.options.logs.attach('stderr', child.stderr);
        const closed = new Promise<void>((done) => child.once('close', () => done()));
        this.exited = new Promise<void>((done) => {
          child.once('exit', (code, signal) => {
            void this.onExit(pid, code, signal, closed).finally(done);
          });
        });
        this.emit('spawn', { pid, restarts: this.restarts });
        resolve(pid);
      });
    });
  }

  private async onExit(
    pgid: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    closed: Promise<void>,
  ): Promise<void> {
    if (this.stopping) {
      await within(closed, 1000);
      return;
    }
    // Whatever the process forked dies with it, so a restart never runs beside leftovers.
    if (!(await waitGroupGone(pgid, 0))) await killGroup(pgid);
    await within(closed, 1000);
    if (this.stopping) return;
    const reason = this.restartReason ?? 'exit';
    this.restartReason = undefined;
    if (code === 0 && reason === 'exit') {
      this.done = true;
      this.emit('completed');
      return;
    }
    this.crashed({ code, signal, reason });
  }

  private crashed(info: ExitInfo): void {
    const now = this.now();
    if (now - this.startedAt >= this.restartPolicy.stableAfterMs) this.consecutive = 0;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.crashPolicy.windowMs), now];
    if (this.crashTimes.length >= this.crashPolicy.limit) {
      this.done = true;
      this.emit('crash_loop', {
        ...info,
        crashes: this.crashTimes.length,
        window_ms: this.crashPolicy.windowMs,
      });
      return;
    }
    this.consecutive++;
    const { initialMs, maxMs, multiplier } = this.restartPolicy;
    const delay = Math.min(maxMs, initialMs * multiplier ** (this.consecutive - 1));
    this.emit('crash', { ...info, restarts: this.restarts, delay_ms: delay });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping || this.done) return;
      this.restarts++;
      void this.spawnOnce().then((pid) => {
        if (pid === undefined && !this.stopping) {
          this.startedAt = this.now();
          this.crashed({ code: null, signal: null, reason: 'spawn' });
        }
      });
    }, delay);
  }

  /**
   * Ends the running process (stop signal, SIGKILL after `graceMs`) and counts it as a crash with
   * `reason`, so it is restarted with backoff (a liveness failure).
   */
  async restart(reason: string, signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const pid = this.pid;
    if (pid === undefined || this.stopping) return;
    this.restartReason = reason;
    await terminateGroup(pid, signal, graceMs);
  }

  /**
   * Stops for good: no restart; `signal` to the group, SIGKILL after `graceMs`, and resolves only
   * when no process of the group runs any more (and its output is read).
   */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<{ killed: boolean }> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child?.pid === undefined) return { killed: false };
    const pgid = child.pid;
    const result =
      child.exitCode === null && child.signalCode === null
        ? await terminateGroup(pgid, signal, graceMs)
        : { killed: false };
    // The leader may have exited before the signal while its children still run.
    if (!(await waitGroupGone(pgid, 0))) await killGroup(pgid);
    await within(this.exited, 2000);
    this.options.logs.flush('stdout');
    this.options.logs.flush('stderr');
    return result;
  }
}
