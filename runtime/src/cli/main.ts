/**
 * `gpuaas-runtime serve --socket PATH [--secret-file FILE]`: runs the runtime's local server
 * until SIGTERM/SIGINT. Ready when it prints `{"event":"listening","socket":PATH}` on stdout (the
 * node agent waits for that line); logs are pino JSON lines on stderr. The secret comes from the
 * file or from GPUAAS_RUNTIME_SECRET, which is then removed from the environment so no shell
 * sees it. Exit status: 0 after a signal, 2 for usage or configuration errors, 70 otherwise.
 *
 * `gpuaas-runtime dev [DIR] [--param k=v]… [--once] [--json] [--data-dir D] [--no-watch]`: runs an
 * app from its folder (see src/dev/dev.ts for what it prints and its exit statuses).
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { durationMs } from '../app/manifest.js';
import { runDev } from '../dev/dev.js';
import { createAppController } from '../control/routes.js';
import { endpointRoutes } from '../control/endpoints.js';
import { isRuntimeError } from '../errors.js';
import { useEgressTunnel } from '../sandbox/egress.js';
import { setTenantUser } from '../sandbox/tenant.js';
import { RUNTIME_SECRET_ENV, startRuntimeServer } from '../server.js';

export interface RuntimeCliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Stops `serve` like SIGTERM does (tests). */
  signal?: AbortSignal;
}

interface ServeOptions {
  socket: string;
  secretFile?: string;
  removeSecretFile?: boolean;
  egressSocket?: string;
  tenantUid?: string;
  tenantGid?: string;
  maxUnpackedBytes?: string;
  allocationId?: string;
  dataDir?: string;
  logLevel: string;
}

/** What apps launched here start from: the allocation's own settings, nothing of the runtime's. */
const APP_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'TZ',
  'TMPDIR',
  'USER',
  'CUDA_VISIBLE_DEVICES',
  'GPUAAS_GPUS',
  'GPUAAS_ALLOCATION_ID',
];

async function readSecret(options: ServeOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env[RUNTIME_SECRET_ENV];
  delete env[RUNTIME_SECRET_ENV];
  if (options.secretFile !== undefined) {
    const secret = (await readFile(options.secretFile, 'utf8')).trim();
    // In a sandbox the file exists only until the runtime has read it.
    if (options.removeSecretFile === true) await rm(options.secretFile, { force: true });
    return secret;
  }
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  throw new CommanderError(2, 'gpuaas.secret', `no secret: pass --secret-file or set ${RUNTIME_SECRET_ENV}`);
}

function positiveBytes(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new CommanderError(
      2,
      'gpuaas.usage',
      `--max-unpacked-bytes: ${JSON.stringify(text)} is not a positive integer`,
    );
  return n;
}

function tenantOf(options: ServeOptions): { uid: number; gid: number } | undefined {
  if (options.tenantUid === undefined) return undefined;
  const uid = Number(options.tenantUid);
  const gid = Number(options.tenantGid ?? options.tenantUid);
  if (!Number.isInteger(uid) || uid <= 0 || !Number.isInteger(gid) || gid <= 0)
    throw new CommanderError(2, 'gpuaas.usage', '--tenant-uid/--tenant-gid: a positive integer');
  return { uid, gid };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function serve(options: ServeOptions, io: RuntimeCliIo): Promise<void> {
  const secret = await readSecret(options, io.env);
  const tenant = tenantOf(options);
  setTenantUser(tenant);
  if (options.egressSocket !== undefined) useEgressTunnel(options.egressSocket);
  const logger = pino(
    { level: options.logLevel, base: { service: 'gpuaas-runtime', pid: process.pid } },
    pino.destination({ dest: 2, sync: false }),
  );
  const allocationId = options.allocationId ?? io.env.GPUAAS_ALLOCATION_ID;
  const appEnv: Record<string, string> = {};
  for (const name of APP_ENV) {
    const value = io.env[name];
    if (value !== undefined) appEnv[name] = value;
  }
  const controller = createAppController({
    dataDir: options.dataDir ?? join(io.env.HOME ?? process.cwd(), '.gpuaas-runtime'),
    runDir: dirname(options.socket),
    env: appEnv,
    logger,
    ...(options.maxUnpackedBytes === undefined
      ? {}
      : { maxUnpackedBytes: positiveBytes(options.maxUnpackedBytes) }),
  });
  const server = await startRuntimeServer({
    socketPath: options.socket,
    secret,
    env: io.env,
    logger,
    routes: [...controller.routes, ...endpointRoutes({ instance: () => controller.instance(), logger })],
    ...(allocationId === undefined ? {} : { allocationId }),
  });
  io.stdout.write(`${JSON.stringify({ event: 'listening', socket: server.socketPath })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    io.signal?.addEventListener('abort', stop);
    if (io.signal?.aborted === true) stop();
  });
  logger.info('runtime: shutting down');
  await controller.close();
  await server.close();
  logger.flush();
}

interface DevFlags {
  param: string[];
  once?: boolean;
  json?: boolean;
  dataDir?: string;
  watch: boolean;
  debounce?: string;
  readyTimeout?: string;
  usageInterval?: string;
  logLevel: string;
}

function dev(dir: string, flags: DevFlags, io: RuntimeCliIo): Promise<number> {
  const duration = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    try {
      return durationMs(value);
    } catch {
      throw new CommanderError(
        2,
        'gpuaas.usage',
        `${flag}: ${JSON.stringify(value)} is not a duration like 500ms, 30s or 5m`,
      );
    }
  };
  const debounceMs = duration('--debounce', flags.debounce);
  const readyTimeoutMs = duration('--ready-timeout', flags.readyTimeout);
  const usageIntervalMs = duration('--usage-interval', flags.usageInterval);
  return runDev(
    {
      dir,
      params: flags.param,
      once: flags.once === true,
      json: flags.json === true,
      watch: flags.watch,
      logLevel: flags.logLevel,
      ...(flags.dataDir !== undefined && { dataDir: flags.dataDir }),
      ...(debounceMs !== undefined && { debounceMs }),
      ...(readyTimeoutMs !== undefined && { readyTimeoutMs }),
      ...(usageIntervalMs !== undefined && { usageIntervalMs }),
    },
    {
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      ...(io.signal !== undefined ? { signal: io.signal } : { handleSignals: true }),
    },
  );
}

/** Runs the CLI; resolves with the exit status. */
export async function main(
  argv: readonly string[],
  io: RuntimeCliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const program = new Command('gpuaas-runtime')
    .description('The GPUaaS runtime: runs inside an allocation and serves its terminal')
    .version('0.1.0')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride();
  program
    .command('serve')
    .description('Serve the runtime API on a Unix socket until SIGTERM')
    .requiredOption('--socket <path>', 'Unix socket to listen on (created with mode 0600)')
    .option('--secret-file <file>', `file holding the bearer secret (else env ${RUNTIME_SECRET_ENV})`)
    .option('--remove-secret-file', 'delete the secret file once it has been read')
    .option('--egress-socket <path>', "reach the network only through this CONNECT tunnel (the node agent's)")
    .option(
      '--tenant-uid <uid>',
      'run hooks, the app and terminals as this uid (the runtime needs CAP_SETUID)',
    )
    .option('--tenant-gid <gid>', 'their gid (default: the uid)')
    .option('--max-unpacked-bytes <n>', 'refuse artifacts whose files add up to more (ARTIFACT_TOO_LARGE)')
    .option('--allocation-id <id>', 'allocation id reported by /v1/health (else env GPUAAS_ALLOCATION_ID)')
    .option('--data-dir <dir>', 'usage log, app data and artifact cache (default $HOME/.gpuaas-runtime)')
    .option('--log-level <level>', 'pino log level', 'info')
    .exitOverride()
    .configureOutput(program.configureOutput())
    .action((options: ServeOptions) => serve(options, io));
  let status = 0;
  program
    .command('dev')
    .description('Run an app from its folder: hooks, probes, parameters, meters printed, restart on change')
    .argument('[dir]', 'the app folder (holding gpuaas-app.yaml)', '.')
    .option('--param <name=value>', 'a launch parameter, typed by the manifest (repeatable)', collect, [])
    .option('--once', 'run until the app ends by itself or is ready, then stop it; exit 0 only if all passed')
    .option('--json', 'print one JSON object per line (state, hook, probe, log, status, usage, dev, error)')
    .option(
      '--data-dir <dir>',
      'keep the data folder (install markers, logs, usage log) here; default: a temp folder',
    )
    .option('--no-watch', 'do not restart the app when its files change')
    .option(
      '--ready-timeout <duration>',
      "how long the app may take to become ready (default: from the manifest's probes)",
    )
    .option('--usage-interval <duration>', "interval of the runtime's own usage events (default 60s)")
    .option('--debounce <duration>', 'quiet time after a file change before the restart', '300ms')
    .option('--log-level <level>', "pino level of the runtime's own logs on stderr", 'warn')
    .exitOverride()
    .configureOutput(program.configureOutput())
    .action(async (dir: string, flags: DevFlags) => {
      status = await dev(dir, flags, io);
    });
  try {
    await program.parseAsync([...argv]);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return 0;
      if (error.code === 'gpuaas.secret') io.stderr.write(`error[CONFIG_INVALID]: ${error.message}\n`);
      if (error.code === 'gpuaas.usage') io.stderr.write(`error[CONFIG_INVALID]: ${error.message}\n`);
      return 2;
    }
    const code = isRuntimeError(error) ? error.code : 'INTERNAL';
    io.stderr.write(`error[${code}]: ${error instanceof Error ? error.message : String(error)}\n`);
    return code === 'CONFIG_INVALID' || code === 'SOCKET_IN_USE' ? 2 : 70;
  }
}
