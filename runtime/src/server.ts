/**
 * The runtime's local server: HTTP on a Unix socket (mode 0600) inside the allocation, reached by
 * the node agent and the platform's terminal proxy. Routes: `GET /v1/health` (no secret needed)
 * and `GET /v1/terminal` (WebSocket, `gpuaas.terminal.v1`); callers add theirs with `routes`.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { bearerCheck } from './auth.js';
import { RuntimeError } from './errors.js';
import { createRouter, sendJson } from './routes.js';
import type { RuntimeRoute } from './routes.js';
import { createTerminalService } from './terminal/service.js';
import { clearStaleSocket } from './socket.js';

/** Environment variable that may carry the runtime secret; it never reaches a shell. */
export const RUNTIME_SECRET_ENV = 'GPUAAS_RUNTIME_SECRET';

export interface RuntimeServerOptions {
  socketPath: string;
  /** Callers must send `authorization: Bearer <secret>` (at least 16 characters). */
  secret: string;
  allocationId?: string;
  /** argv of the login shell (default `bash -l`, or `sh -l` without bash). */
  shell?: string[];
  /** Environment of terminal processes (default: this process's, without the secret). */
  env?: Record<string, string | undefined>;
  /** Working folder of terminal processes (default: HOME of `env`). */
  cwd?: string;
  logger?: Logger;
  /** Grace between SIGHUP and SIGKILL when a terminal's client leaves (default 3 s). */
  killGraceMs?: number;
  /** More routes on the same server (the app lifecycle API). */
  routes?: readonly RuntimeRoute[];
}

export interface RuntimeServer {
  readonly socketPath: string;
  /** Same as socketPath: where the server listens. */
  readonly address: string;
  /** Open terminal sessions and the largest send queue any of them had (diagnostics). */
  terminalStats(): { sessions: number; peakBufferedAmount: number };
  /** Hangs up every terminal, stops listening and removes the socket. */
  close(): Promise<void>;
}

/** Longest socket path the kernel takes (sun_path holds 108 bytes with the NUL). */
const MAX_SOCKET_PATH_BYTES = 107;

function onPath(command: string, env: Record<string, string>): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, command), fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function defaultShell(env: Record<string, string>): string[] {
  return onPath('bash', env) ? ['bash', '-l'] : ['sh', '-l'];
}

export async function startRuntimeServer(options: RuntimeServerOptions): Promise<RuntimeServer> {
  const { socketPath, secret } = options;
  if (secret.length < 16)
    throw new RuntimeError('CONFIG_INVALID', 'the runtime secret must have at least 16 characters');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new RuntimeError('CONFIG_INVALID', `the socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes`);
  }
  const logger = options.logger ?? pino({ level: 'silent' });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) {
    if (value !== undefined && key !== RUNTIME_SECRET_ENV) env[key] = value;
  }
  const terminals = createTerminalService({
    shell: options.shell ?? defaultShell(env),
    env,
    cwd: options.cwd ?? env.HOME ?? homedir(),
    logger,
    killGraceMs: options.killGraceMs ?? 3_000,
  });
  const health: RuntimeRoute = {
    method: 'GET',
    path: '/v1/health',
    auth: 'none',
    handle: (_req, res) =>
      sendJson(res, 200, { status: 'ok', allocation_id: options.allocationId ?? null, pid: process.pid }),
  };
  const router = createRouter([health, terminals.route, ...(options.routes ?? [])], {
    authorized: bearerCheck(secret),
    logger,
  });
  const server = createServer((req, res) => router.handleRequest(req, res));
  server.on('upgrade', (req, socket, head) => router.handleUpgrade(req, socket, head));

  await clearStaleSocket(socketPath);
  // The socket must never exist with looser permissions, not even between bind and chmod.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  await chmod(socketPath, 0o600);
  logger.info({ socket: socketPath, allocation_id: options.allocationId }, 'runtime listening');

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    address: socketPath,
    terminalStats: () => ({ sessions: terminals.count, peakBufferedAmount: terminals.peakBufferedAmount }),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await terminals.closeAll();
        server.closeAllConnections();
        await stopped;
        await rm(socketPath, { force: true });
        logger.info('runtime stopped');
      })();
      return closing;
    },
  };
}
