/**
 * Child processes for the cross-package tests: the built bins (after `tsc --build`) run as a user or
 * a CI job runs them, long-running ones (`gpuaas-platform serve`, `npm start`) started until they
 * print that they are ready, and polling until a condition holds.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestStore } from '@gpuaas/test-support';

// Compiled (test/dist/support/, as `npm run chaos` runs it) it sits one folder deeper.
export const repoRoot = fileURLToPath(
  new URL(import.meta.url.includes('/test/dist/') ? '../../..' : '../..', import.meta.url),
);
export const platformBin = join(repoRoot, 'platform/bin/gpuaas-platform.js');
/** `serve` flags for one local node of two simulated GPUs whose allocations run in bubblewrap sandboxes. */
export const SANDBOXED_NODE: readonly string[] = [
  '--local-node',
  '--simulate',
  '1x2',
  '--gpus',
  'simulated',
  '--sandbox',
  'bubblewrap',
];

export const gpuaasBin = join(repoRoot, 'sdk/cli/bin/gpuaas.js');
export const gpuaasAppBin = join(repoRoot, 'sdk/cli/bin/gpuaas-app.js');
/** Plays the user's browser for `gpuaas auth login` (as BROWSER, or run with a verification URL). */
export const browserScript = join(repoRoot, 'test/support/login-browser.mjs');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Default: the repository root. */
  cwd?: string;
  /** Written to stdin, which is then closed (closed at once without it). */
  stdin?: string;
}

/** Runs a command to its end and collects its output; rejects only when it cannot be started. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd ?? repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs a built bin (or any node script) with this node, in the repository root. */
export function run(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
): Promise<RunResult> {
  return runCommand(process.execPath, [bin, ...args], { env, stdin });
}

/** `gpuaas-platform ARGS` as the operator runs it next to `serve`: on the same data folder and database. */
export function runPlatform(store: TestStore, args: readonly string[], stdin?: string): Promise<RunResult> {
  const db = store.databaseUrl === undefined ? [] : ['--database-url', store.databaseUrl];
  return run(platformBin, [...args, '--data-dir', store.dataDir, ...db], { ...process.env }, stdin);
}

export interface StartOptions {
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Default: the repository root. */
  cwd?: string;
  /** What the process prints once it is ready, matched against all its output on `stream` so far. */
  ready: RegExp;
  /** Default: stdout. */
  stream?: 'stdout' | 'stderr';
  /** How long it may take to get ready before it is killed (default 60 s). */
  timeoutMs?: number;
  /** Its name in errors (default: the command). */
  name?: string;
}

export interface StartedProcess {
  child: ChildProcessWithoutNullStreams;
  /** The match of `ready`. */
  match: RegExpExecArray;
  stdout(): string;
  stderr(): string;
  /** Its exit code once it has ended and its output is complete (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Sends `signal` (default SIGTERM) unless it has ended, and waits for it to end. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running process; resolves once it printed `ready`, rejects if it ends or times out first. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: StartOptions,
): Promise<StartedProcess> {
  const name = options.name ?? command;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd ?? repoRoot });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${name} printed nothing matching ${options.ready} in ${timeoutMs} ms:\n${stdout}${stderr}`,
        ),
      );
    }, timeoutMs);
    const check = (): void => {
      const match = options.ready.exec(options.stream === 'stderr' ? stderr : stdout);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, match, stdout: () => stdout, stderr: () => stderr, exited, stop });
    };
    child.stdout.on('data', (c: Buffer) => ((stdout += c.toString()), check()));
    child.stderr.on('data', (c: Buffer) => ((stderr += c.toString()), check()));
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited ${code} before printing ${options.ready}: ${stderr}`));
    });
  });
}

export interface TestServer {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** SIGTERM, then waits for it to end. */
  stop(): Promise<number | null>;
}

/**
 * `gpuaas-platform serve --json` on a free port over `store` (its data folder and, for
 * PostgreSQL, its database), with `extraArgs` (e.g. `--local-node …`; a later `--port` wins) and
 * `env` added to this process's environment; resolves with its URL.
 */
export async function startServer(
  store: TestStore,
  extraArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<TestServer> {
  const args = ['serve', '--port', '0', '--data-dir', store.dataDir, '--json', ...extraArgs];
  if (store.databaseUrl !== undefined) args.push('--database-url', store.databaseUrl);
  const server = await startProcess(process.execPath, [platformBin, ...args], {
    env: { ...process.env, ...env, CI: '' },
    ready: /"url":\s*"([^"]+)"/,
    name: 'gpuaas-platform serve',
  });
  return { url: server.match[1] ?? '', child: server.child, stop: () => server.stop() };
}

export interface UntilOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Default 100 ms. */
  intervalMs?: number;
  /** What is awaited, for the error. */
  what?: string;
}

/** Calls `probe` until it returns something other than undefined, and returns that. */
export async function until<T>(probe: () => Promise<T | undefined>, options: UntilOptions = {}): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
