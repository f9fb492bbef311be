/**
 * `gpuaas-runtime serve --socket PATH [--secret-file FILE]`: runs the runtime's local server
 * until SIGTERM/SIGINT. Ready when it prints `{"event":"listening","socket":PATH}` on stdout (the
 * node agent waits for that line); logs are pino JSON lines on stderr. The secret comes from the
 * file or from GPUAAS_RUNTIME_SECRET, which is then removed from the environment so no shell
 * sees it. Exit status: 0 after a signal, 2 for usage or configuration errors, 70 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { pino } from 'pino';
import { isRuntimeError } from '../errors.js';
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
  allocationId?: string;
  logLevel: string;
}

async function readSecret(options: ServeOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env[RUNTIME_SECRET_ENV];
  delete env[RUNTIME_SECRET_ENV];
  if (options.secretFile !== undefined) return (await readFile(options.secretFile, 'utf8')).trim();
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  throw new CommanderError(2, 'gpuaas.secret', `no secret: pass --secret-file or set ${RUNTIME_SECRET_ENV}`);
}

async function serve(options: ServeOptions, io: RuntimeCliIo): Promise<void> {
  const secret = await readSecret(options, io.env);
  const logger = pino(
    { level: options.logLevel, base: { service: 'gpuaas-runtime', pid: process.pid } },
    pino.destination({ dest: 2, sync: false }),
  );
  const allocationId = options.allocationId ?? io.env.GPUAAS_ALLOCATION_ID;
  const server = await startRuntimeServer({
    socketPath: options.socket,
    secret,
    env: io.env,
    logger,
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
  await server.close();
  logger.flush();
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
    .option('--allocation-id <id>', 'allocation id reported by /v1/health (else env GPUAAS_ALLOCATION_ID)')
    .option('--log-level <level>', 'pino log level', 'info')
    .exitOverride()
    .configureOutput(program.configureOutput())
    .action((options: ServeOptions) => serve(options, io));
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return 0;
      if (error.code === 'gpuaas.secret') io.stderr.write(`error[CONFIG_INVALID]: ${error.message}\n`);
      return 2;
    }
    const code = isRuntimeError(error) ? error.code : 'INTERNAL';
    io.stderr.write(`error[${code}]: ${error instanceof Error ? error.message : String(error)}\n`);
    return code === 'CONFIG_INVALID' || code === 'SOCKET_IN_USE' ? 2 : 70;
  }
}
