/**
 * One measured launch: a fresh `gpuaas-runtime serve` child process (the built bin, with the node
 * flags the node agent uses) on a fresh data folder, so the artifact cache is cold; once it
 * listens, `POST /v1/app/launch` is sent and the clock runs until the runtime's event stream
 * (`GET /v1/app/events`, subscribed before the launch) reports `state: ready`. The runtime's peak
 * RSS (VmHWM) is read at that moment; then the app is stopped and the runtime ends with SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { clearArtifactCache } from '@gpuaas/runtime';

const BIN = fileURLToPath(new URL('../../bin/gpuaas-runtime.js', import.meta.url));

/** A later launch of the same artifact by the same runtime (the cache warm), stopped afterwards. */
export interface WarmRun {
  launchToReadyMs: number;
  launchAnsweredMs: number;
  states: Record<string, number>;
  hooks: Record<string, number>;
}

export interface LaunchRun {
  /** From sending the launch request to the `ready` state event, ms. */
  launchToReadyMs: number;
  /** From the launch request until its 202 answer (fetched and verified), ms. */
  launchAnsweredMs: number;
  /** When each state was first reported, ms after the launch request. */
  states: Record<string, number>;
  /** duration_ms of each hook event, as the runtime measured it. */
  hooks: Record<string, number>;
  /** Peak RSS (VmHWM) of the runtime process when the app was ready, MiB. */
  peakRssMiB: number;
  /** Its VmHWM when the launch was answered (artifact fetched, verified and unpacked), MiB. */
  fetchedPeakRssMiB: number;
  /** CPU seconds (user + system) the runtime spent from the launch request to its answer. */
  fetchCpuSeconds: number;
  /** RSS of the runtime process once it listened, before the launch, MiB. */
  idleRssMiB: number;
  /** The warm relaunches asked for (`warmRelaunches`), in order. */
  warm: WarmRun[];
}

export interface LaunchOptions {
  reference: string;
  trustPolicy: string;
  /** Parent of the run's data and socket folder (removed afterwards). */
  workDir: string;
  /** Node flags for the runtime process. */
  nodeFlags: readonly string[];
  /** Extra environment for the runtime process. */
  env?: Record<string, string>;
  /**
   * Launches of the same artifact by the same runtime after the first one was stopped (its cache
   * warm; the reference pinned to the digest the first launch reported, as the platform sends).
   */
  warmRelaunches?: number;
  timeoutMs?: number;
}

/** User + system CPU seconds of `pid` so far, all its threads (USER_HZ is 100 on Linux). */
function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

interface Call {
  socketPath: string;
  secret: string;
}

function call(
  c: Call,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: c.socketPath,
        method,
        path,
        headers: {
          authorization: `Bearer ${c.secret}`,
          ...(text === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: answer }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** Subscribes to the runtime's events; calls `onEvent` for each `data:` object. */
function subscribe(c: Call, onEvent: (event: Record<string, unknown>) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: c.socketPath,
        method: 'GET',
        path: '/v1/app/events',
        headers: { authorization: `Bearer ${c.secret}` },
      },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET /v1/app/events answered ${res.statusCode}`));
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const line of frame.split('\n')) {
              if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)) as Record<string, unknown>);
            }
          }
        });
        res.on('error', () => undefined);
        resolve(() => req.destroy());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function startRuntime(dir: string, secret: string, options: LaunchOptions): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...options.nodeFlags,
      BIN,
      'serve',
      '--socket',
      join(dir, 'rt.sock'),
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
    ],
    {
      env: { PATH: process.env.PATH, HOME: dir, LANG: 'C', ...options.env, GPUAAS_RUNTIME_SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`gpuaas-runtime exited with ${String(code)} before listening`)),
    );
    createInterface({ input: child.stdout }).once('line', () => resolve());
  });
  child.removeAllListeners('exit');
  return child;
}

async function stopRuntime(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

export async function measureLaunch(options: LaunchOptions): Promise<LaunchRun> {
  const dir = await mkdtemp(join(options.workDir, 'rt-'));
  const secret = `bench-${process.pid}-${Math.random().toString(36).slice(2)}-0123456789abcdef`;
  const c: Call = { socketPath: join(dir, 'rt.sock'), secret };
  let child: ChildProcess | undefined;
  let unsubscribe: (() => void) | undefined;
  try {
    child = await startRuntime(dir, secret, options);
    const pid = child.pid!;
    const idleRssMiB = procStatusMiB(pid, 'VmRSS');
    let states: Record<string, number> = {};
    let hooks: Record<string, number> = {};
    let started = 0;
    let settle: (outcome: Error | undefined) => void = () => undefined;
    unsubscribe = await subscribe(c, (event) => {
      if (started === 0) return;
      const at = performance.now() - started;
      if (event.type === 'state' && typeof event.state === 'string') {
        states[event.state] ??= at;
        if (event.state === 'ready') settle(undefined);
        if (event.state === 'failed') settle(new Error(`the launch failed: ${String(event.reason)}`));
      }
      if (event.type === 'hook' && typeof event.hook === 'string')
        hooks[event.hook] = Number(event.duration_ms);
    });
    /** One launch until ready; `atAnswer` runs when the launch request was answered. */
    const timed = async (reference: string, atAnswer: () => void = () => undefined) => {
      states = {};
      hooks = {};
      const outcome = new Promise<Error | undefined>((resolve) => (settle = resolve));
      started = performance.now();
      const answer = await call(c, 'POST', '/v1/app/launch', {
        reference,
        trust_policy: options.trustPolicy,
      });
      const launchAnsweredMs = performance.now() - started;
      atAnswer();
      if (answer.status !== 202)
        throw new Error(`POST /v1/app/launch answered ${answer.status}: ${answer.text}`);
      const timeout = setTimeout(
        () => settle(new Error('the app was not ready in time')),
        options.timeoutMs ?? 300_000,
      );
      const failure = await outcome;
      clearTimeout(timeout);
      return { failure, launchAnsweredMs, launchToReadyMs: states.ready ?? Number.NaN, answer: answer.text };
    };
    const stop = async () => {
      const stopped = await call(c, 'POST', '/v1/app/stop');
      started = 0;
      if (stopped.status !== 200)
        throw new Error(`POST /v1/app/stop answered ${stopped.status}: ${stopped.text}`);
    };

    let fetchedPeakRssMiB = 0;
    let fetchCpuSeconds = 0;
    const cpuBefore = procCpuSeconds(pid);
    const first = await timed(options.reference, () => {
      fetchCpuSeconds = procCpuSeconds(pid) - cpuBefore;
      fetchedPeakRssMiB = procStatusMiB(pid, 'VmHWM');
    });
    const peakRssMiB = procStatusMiB(pid, 'VmHWM');
    if (first.failure !== undefined) throw first.failure;
    const firstStates = states;
    const firstHooks = hooks;
    await stop();
    const warm: WarmRun[] = [];
    if ((options.warmRelaunches ?? 0) > 0) {
      const digest = (JSON.parse(first.answer) as { app?: { digest?: unknown } }).app?.digest;
      if (typeof digest !== 'string') throw new Error(`no app digest in the launch answer: ${first.answer}`);
      const pinned = `${options.reference.split('@')[0]}@${digest}`;
      for (let i = 0; i < (options.warmRelaunches ?? 0); i++) {
        const run = await timed(pinned);
        if (run.failure !== undefined) throw run.failure;
        warm.push({
          launchToReadyMs: run.launchToReadyMs,
          launchAnsweredMs: run.launchAnsweredMs,
          states,
          hooks,
        });
        await stop();
      }
    }
    return {
      launchToReadyMs: first.launchToReadyMs,
      launchAnsweredMs: first.launchAnsweredMs,
      states: firstStates,
      hooks: firstHooks,
      peakRssMiB,
      fetchedPeakRssMiB,
      fetchCpuSeconds,
      idleRssMiB,
      warm,
    };
  } finally {
    unsubscribe?.();
    if (child !== undefined) await stopRuntime(child);
    // The cache's trees are read-only: a plain rm fails for users other than root.
    await clearArtifactCache(join(dir, 'data', 'cache'));
    await rm(dir, { recursive: true, force: true });
  }
}
