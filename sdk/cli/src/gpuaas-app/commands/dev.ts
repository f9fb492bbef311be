/**
 * `gpuaas-app dev [DIR]`: runs the app from its folder under the real runtime (hooks, probes,
 * parameters, meters printed as they arrive, restart on file change). The CLI never depends on the
 * runtime: it finds `@gpuaas/runtime` when the command runs (next to the app, in the current folder,
 * or next to this CLI) and hands over to its `gpuaas-runtime dev`, forwarding output and signals and
 * exiting with its status.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdkError } from '@gpuaas/sdk/common';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';

const RUNTIME_PACKAGE = '@gpuaas/runtime';
const RUNTIME_BIN = 'gpuaas-runtime';

function binOf(packageJson: string): string | undefined {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string; bin?: unknown };
  if (pkg.name !== RUNTIME_PACKAGE) return undefined;
  const rel =
    typeof pkg.bin === 'string'
      ? pkg.bin
      : typeof pkg.bin === 'object' && pkg.bin !== null
        ? (pkg.bin as Record<string, unknown>)[RUNTIME_BIN]
        : undefined;
  return typeof rel === 'string' ? join(dirname(packageJson), rel) : undefined;
}

/** The runtime's package.json as seen from `dir`, or undefined when it does not resolve there. */
function resolvePackageJson(dir: string): string | undefined {
  const require = createRequire(join(dir, 'noop.js'));
  try {
    return require.resolve(`${RUNTIME_PACKAGE}/package.json`);
  } catch {
    // Versions that do not export ./package.json: walk up from the main entry.
  }
  let main: string;
  try {
    main = require.resolve(RUNTIME_PACKAGE);
  } catch {
    return undefined;
  }
  for (let folder = dirname(main); folder !== dirname(folder); folder = dirname(folder)) {
    const candidate = join(folder, 'package.json');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The `gpuaas-runtime` bin of the first `@gpuaas/runtime` that resolves from one of `dirs`. */
export function findRuntimeBin(dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const packageJson = resolvePackageJson(dir);
    const bin = packageJson === undefined ? undefined : binOf(packageJson);
    if (bin !== undefined && existsSync(bin)) return bin;
  }
  return undefined;
}

export function runtimeMissing(): SdkError {
  return new SdkError(
    'RUNTIME_NOT_INSTALLED',
    `gpuaas-app dev runs the app under the GPUaaS runtime, and ${RUNTIME_PACKAGE} is not installed`,
    { details: { hint: `npm i -D ${RUNTIME_PACKAGE}` } },
  );
}

interface DevFlags {
  param: string[];
  once?: boolean;
  json?: boolean;
  dataDir?: string;
  watch: boolean;
  readyTimeout?: string;
}

function forwardedArgs(dir: string, flags: DevFlags, io: CliIo): string[] {
  const args = ['dev', dir];
  for (const p of flags.param) args.push('--param', p);
  if (flags.once === true) args.push('--once');
  if (flags.json === true) args.push('--json');
  if (flags.dataDir !== undefined) args.push('--data-dir', resolve(io.cwd, flags.dataDir));
  if (!flags.watch) args.push('--no-watch');
  if (flags.readyTimeout !== undefined) args.push('--ready-timeout', flags.readyTimeout);
  return args;
}

/** Runs `node <bin> …args` with the io's streams; resolves its exit status (128+n for signal n). */
export function runRuntime(bin: string, args: readonly string[], io: CliIo): Promise<number> {
  const direct = io.stdout === process.stdout && io.stderr === process.stderr;
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: io.cwd,
    env: io.env,
    stdio: ['ignore', direct ? 'inherit' : 'pipe', direct ? 'inherit' : 'pipe'],
  });
  child.stdout?.pipe(io.stdout, { end: false });
  child.stderr?.pipe(io.stderr, { end: false });
  // The runtime stops the app gracefully on these; this process only waits for it to finish.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  for (const s of signals) process.on(s, forward);
  return new Promise((resolvePromise, reject) => {
    child.once('error', (error) => {
      for (const s of signals) process.off(s, forward);
      reject(new SdkError('INTERNAL', `could not start ${bin}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolvePromise(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}

export const registerDev: RegisterCommand = (program, ctx) => {
  program
    .command('dev')
    .description('Run the app from its folder under the GPUaaS runtime (needs @gpuaas/runtime)')
    .argument('[dir]', 'the app folder (default: .)', '.')
    .option(
      '--param <name=value>',
      'a launch parameter, typed by the manifest (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--once', 'run until the app ends by itself or is ready, then stop it; exit 0 only if all passed')
    .option('--json', 'print one JSON object per line (state, hook, probe, log, status, usage, dev, error)')
    .option('--data-dir <dir>', 'keep install markers, logs and app data here (default: a temp folder)')
    .option('--no-watch', 'do not restart the app when its files change')
    .option('--ready-timeout <duration>', 'how long the app may take to become ready (e.g. 90s)')
    .action(async (dir: string, flags: DevFlags) => {
      const io = ctx.io;
      const appDir = resolve(io.cwd, dir);
      const here = dirname(fileURLToPath(import.meta.url));
      const bin = findRuntimeBin([appDir, io.cwd, here]);
      if (bin === undefined) throw runtimeMissing();
      ctx.setExitCode(await runRuntime(bin, forwardedArgs(appDir, flags, io), io));
    });
};
