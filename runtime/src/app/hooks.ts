/**
 * Lifecycle hooks and the command runner they share with command probes: each command runs in its
 * own process group with a timeout (SIGTERM to the group, SIGKILL after a grace), its output kept
 * as a redacted tail of the last lines, and nothing it forked left running afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { HookName } from './events.js';
import type { HookSpec } from './manifest.js';
import { killGroup, signalGroup, waitGroupGone, within } from './process-group.js';
import { tenantSpawnOptions } from '../sandbox/tenant.js';

export const TRACER_NAME = 'gpuaas-runtime';
export const HOOK_TAIL_LINES = 50;
/** Longest line kept in a tail; output without newlines must not grow it without bound. */
const MAX_TAIL_LINE = 4096;

export interface CommandOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL of the group when the timeout hits (default 5 s). */
  killAfterMs?: number;
  /** Applied to every output line before it is kept. */
  redact?: (text: string) => string;
  tailLines?: number;
  /** Aborting kills the group at once (a stop request during a long install). */
  signal?: AbortSignal;
  /**
   * Called each time the command has printed nothing for this long (and again after each further
   * stretch), with the silence so far: a long, quiet install is reported, not silently awaited.
   */
  quiet?: { afterMs: number; notice: (silentMs: number) => void };
}

export interface CommandResult {
  ok: boolean;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  duration_ms: number;
  tail: string[];
}

/** Keeps the last `limit` lines of one or more byte streams, splitting on newlines. */
class LineTail {
  readonly lines: string[] = [];
  private readonly partial = new Map<object, string>();
  constructor(
    private readonly limit: number,
    private readonly redact: (text: string) => string,
  ) {}

  push(source: object, chunk: string): void {
    const text = (this.partial.get(source) ?? '') + chunk;
    const parts = text.split('\n');
    const rest = parts.pop() ?? '';
    for (const line of parts) this.add(line);
    if (rest.length > MAX_TAIL_LINE) this.add(rest);
    this.partial.set(source, rest.length > MAX_TAIL_LINE ? '' : rest);
  }

  add(line: string): void {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.lines.push(this.redact(clean.length > MAX_TAIL_LINE ? `${clean.slice(0, MAX_TAIL_LINE)}…` : clean));
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  flush(): void {
    for (const [source, rest] of this.partial) {
      if (rest !== '') this.add(rest);
      this.partial.delete(source);
    }
  }
}

/** Runs one command to completion in its own process group; never rejects. */
export async function runCommand(options: CommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const tail = new LineTail(options.tailLines ?? HOOK_TAIL_LINES, options.redact ?? ((t) => t));
  const [file, ...args] = options.argv;
  const finish = (r: Omit<CommandResult, 'duration_ms' | 'tail' | 'ok'>): CommandResult => {
    tail.flush();
    return {
      ...r,
      ok: r.exit_code === 0 && !r.timed_out,
      duration_ms: Math.round(performance.now() - started),
      tail: tail.lines,
    };
  };
  if (file === undefined) return finish({ exit_code: null, signal: null, timed_out: false });
  if (options.signal?.aborted) {
    tail.add('not started: aborted');
    return finish({ exit_code: null, signal: null, timed_out: false });
  }
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    ...tenantSpawnOptions(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  let lastOutput = performance.now();
  child.stdout
    .setEncoding('utf8')
    .on('data', (c: string) => ((lastOutput = performance.now()), tail.push(child.stdout, c)));
  child.stderr
    .setEncoding('utf8')
    .on('data', (c: string) => ((lastOutput = performance.now()), tail.push(child.stderr, c)));
  const quiet = options.quiet;
  let noticedAt = 0;
  const quietTimer =
    quiet === undefined
      ? undefined
      : setInterval(
          () => {
            const now = performance.now();
            const silent = now - lastOutput;
            if (silent >= quiet.afterMs && now - noticedAt >= quiet.afterMs) {
              noticedAt = now;
              quiet.notice(Math.round(silent));
            }
          },
          Math.max(10, Math.min(1000, quiet.afterMs / 4)),
        );
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const pgid = child.pid;
  const stopGroup = (): void => {
    if (pgid === undefined) return;
    signalGroup(pgid, 'SIGTERM');
    killTimer ??= setTimeout(() => void killGroup(pgid), options.killAfterMs ?? 5000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    tail.add(`timed out after ${options.timeoutMs} ms`);
    stopGroup();
  }, options.timeoutMs);
  const onAbort = (): void => {
    if (pgid !== undefined) void killGroup(pgid);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => resolve({ code, signal }));
    },
  );
  clearTimeout(timer);
  clearInterval(quietTimer);
  options.signal?.removeEventListener('abort', onAbort);
  if (outcome.error !== undefined) tail.add(`cannot run ${file}: ${outcome.error.message}`);
  if (pgid !== undefined) {
    // Whatever the command forked and left behind dies with it: a hook must not leave orphans.
    if (!(await waitGroupGone(pgid, 0))) await killGroup(pgid);
    clearTimeout(killTimer);
    // Let the pipes drain what the processes wrote before they died.
    if (!(await within(closed, 1000))) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
  }
  return finish({ exit_code: outcome.code, signal: outcome.signal, timed_out: timedOut });
}

export interface HookResult extends CommandResult {
  hook: HookName;
  attempts: number;
}

export interface HookRunOptions {
  cwd: string;
  env: Record<string, string>;
  redact?: (text: string) => string;
  killAfterMs?: number;
  signal?: AbortSignal;
  /** Called after every failed attempt that will be retried, with the delay before the next. */
  onRetry?: (attempt: CommandResult, attemptNumber: number, delayMs: number) => void;
  /** See CommandOptions.quiet. */
  quiet?: CommandOptions['quiet'];
}

/** Delay before retry `n` (1-based): initial × multiplier^(n-1), capped at max. */
export function retryDelayMs(backoff: HookSpec['backoff'], n: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** (n - 1));
}

/**
 * Runs a hook with its retries and backoff. The result is the last attempt's, with `attempts` and
 * the total `duration_ms` (backoff included). One OpenTelemetry span per hook run, one span event
 * per attempt.
 */
export async function runHook(spec: HookSpec, options: HookRunOptions): Promise<HookResult> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(`hook ${spec.name}`, async (span) => {
    const started = performance.now();
    span.setAttribute('gpuaas.hook', spec.name);
    let attempt = 0;
    let result: CommandResult;
    for (;;) {
      attempt++;
      result = await runCommand({
        argv: spec.argv,
        cwd: options.cwd,
        env: { ...options.env, ...spec.env },
        timeoutMs: spec.timeoutMs,
        ...(options.killAfterMs !== undefined && { killAfterMs: options.killAfterMs }),
        ...(options.redact !== undefined && { redact: options.redact }),
        ...(options.signal !== undefined && { signal: options.signal }),
        ...(options.quiet !== undefined && { quiet: options.quiet }),
      });
      span.addEvent('attempt', {
        'gpuaas.hook.attempt': attempt,
        'gpuaas.hook.exit_code': result.exit_code ?? -1,
        'gpuaas.hook.timed_out': result.timed_out,
      });
      if (result.ok || attempt > spec.retries || options.signal?.aborted) break;
      const delay = retryDelayMs(spec.backoff, attempt);
      options.onRetry?.(result, attempt, delay);
      await sleep(delay, undefined, { signal: options.signal }).catch(() => undefined);
      if (options.signal?.aborted) break;
    }
    span.setAttributes({
      'gpuaas.hook.attempts': attempt,
      'gpuaas.hook.exit_code': result.exit_code ?? -1,
      'gpuaas.hook.timed_out': result.timed_out,
    });
    if (!result.ok)
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeFailure(spec.name, result) });
    span.end();
    return {
      ...result,
      hook: spec.name,
      attempts: attempt,
      duration_ms: Math.round(performance.now() - started),
    };
  });
}

/** One line saying how a command failed, for state reasons and error messages. */
export function describeFailure(name: string, result: CommandResult): string {
  if (result.timed_out) return `${name} timed out`;
  if (result.signal !== null) return `${name} was killed by ${result.signal}`;
  if (result.exit_code === null) return `${name} could not be started`;
  return `${name} exited with code ${result.exit_code}`;
}

/** Where the marker that an artifact digest is installed lives (install runs once per digest). */
export function installMarkerPath(dataDir: string, digest: string): string {
  return join(dataDir, 'installed', digest.replace(/[^A-Za-z0-9._-]/g, '-'));
}

export async function isInstalled(dataDir: string, digest: string): Promise<boolean> {
  try {
    await readFile(installMarkerPath(dataDir, digest));
    return true;
  } catch {
    return false;
  }
}

export async function markInstalled(dataDir: string, digest: string, version: string): Promise<void> {
  const path = installMarkerPath(dataDir, digest);
  await mkdir(join(dataDir, 'installed'), { recursive: true });
  await writeFile(path, `${JSON.stringify({ digest, version, installed_at: new Date().toISOString() })}\n`);
}
