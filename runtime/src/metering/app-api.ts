/**
 * The app-facing local API: what the in-app helpers (`@gpuaas/sdk/app`, the Python
 * `gpuaas_runtime.py`) talk to through `GPUAAS_RUNTIME_URL`. It listens on a Unix socket (mode
 * 0600) or on a free loopback port and needs no secret: only processes inside the allocation reach
 * it. Answers are JSON; refusals are problem+json with a `code` (docs/errors.md, runtime table).
 *
 * - `POST /v1/meter {name, quantity, id?}` → 202 `{accepted: true, id}` once the event is fsynced in
 *   the usage log (a repeated id answers the same, and is counted once).
 * - `POST /v1/meter:batch {events: [{name, quantity, id?}, …]}` → 202 `{accepted: true, ids}`; the
 *   whole batch is validated first, so a refused batch records nothing.
 * - `POST /v1/ready` → 204; `POST /v1/status {message, progress?}` → 204.
 * - `GET /v1/credentials` → 200 `{token, expires_at}`, or 404 `NO_CREDENTIALS` when the runtime has
 *   none (dev mode).
 */
import { createHash } from 'node:crypto';
import { chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { RuntimeError, isRuntimeError } from '../errors.js';
import type { RuntimeErrorCode } from '../errors.js';
import { quantityPrecisionProblem } from './quantity.js';
import type { UsageInput, UsageRecord, UsageWal } from './wal.js';
import { clearStaleSocket } from '../socket.js';
import { giveToTenant } from '../sandbox/tenant.js';

/** A meter the manifest declares (`meters[]`); only `name` and `unit` matter here. */
export interface AppApiMeter {
  name: string;
  unit?: string;
}

export interface AppCredentials {
  token: string;
  /** RFC 3339 expiry of the token. */
  expires_at: string;
}

export interface AppApiOptions {
  /** Declared meters; reports of other names are refused with METER_UNKNOWN. */
  meters: readonly AppApiMeter[];
  wal: UsageWal;
  /** The app called ready(). */
  onReady: () => void | Promise<void>;
  /** The app reported a status; progress is between 0 and 1 when given. */
  onStatus: (message: string, progress: number | undefined) => void | Promise<void>;
  /** The app's current platform credential; undefined (or no callback) answers 404 NO_CREDENTIALS. */
  credentials?: () => Promise<AppCredentials | undefined>;
  /** Called for each new usage record once it is durable (duplicates are not repeated). */
  onUsage?: (record: UsageRecord) => void;
  /** Listen on this Unix socket; default: 127.0.0.1 on a free port. */
  socketPath?: string;
  /**
   * Allocation of the app. When set, event ids the app chooses are scoped to it (see scopedEventId),
   * because the platform counts an id once across all allocations.
   */
  allocationId?: string;
  projectId?: string;
  /** Most events in one batch request (default 10 000). */
  maxBatchEvents?: number;
  logger?: Logger;
}

export interface AppApi {
  /** Value for the app's GPUAAS_RUNTIME_URL: `unix:/path` or `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly socketPath: string | undefined;
  readonly port: number | undefined;
  close(): Promise<void>;
}

/** Largest request body the API reads. */
export const APP_API_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Largest quantity one event may carry (the platform's limit). */
export const MAX_METER_QUANTITY = 1e15;
const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const MAX_SOCKET_PATH_BYTES = 107;

function problem(res: ServerResponse, error: RuntimeError, extra: Record<string, unknown> = {}): void {
  const body = JSON.stringify({
    type: 'about:blank',
    title: error.code,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...error.details,
    ...extra,
  });
  res.writeHead(error.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(code: RuntimeErrorCode, message: string, details?: Record<string, unknown>): RuntimeError {
  return new RuntimeError(code, message, details === undefined ? {} : { details });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > APP_API_MAX_BODY_BYTES) {
      reject(fail('BODY_TOO_LARGE', `the body is larger than ${APP_API_MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > APP_API_MAX_BODY_BYTES) {
        reject(fail('BODY_TOO_LARGE', `the body is larger than ${APP_API_MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJsonObject(
  req: IncomingMessage,
  code: RuntimeErrorCode,
): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw fail(code, 'the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(code, 'the body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * The id an app-chosen event id is stored and billed under: `<allocation>:<id>`, or
 * `<allocation>:sha256:<hex>` when that would exceed the platform's 200 characters. Two tenants
 * whose apps both report `job-42` are then two events, while a retry in the same allocation (also
 * after a runtime restart) is still the same one. Answers carry this id.
 */
export function scopedEventId(allocationId: string, id: string): string {
  const prefix = `${allocationId}:`;
  if (id.startsWith(prefix)) return id;
  const scoped = prefix + id;
  return scoped.length <= 200 ? scoped : `${prefix}sha256:${createHash('sha256').update(id).digest('hex')}`;
}

export async function startAppApi(options: AppApiOptions): Promise<AppApi> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const units = new Map(options.meters.map((m) => [m.name, m.unit]));
  const declared = [...units.keys()];
  const maxBatch = options.maxBatchEvents ?? 10_000;
  const { wal } = options;

  function parseMeter(value: unknown, where: string): UsageInput {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw fail('METER_INVALID', `${where} is not an object { name, quantity, id? }`);
    }
    const { name, quantity, id } = value as Record<string, unknown>;
    if (typeof name !== 'string') throw fail('METER_INVALID', `${where}: name must be a string`);
    if (!units.has(name)) {
      throw fail(
        'METER_UNKNOWN',
        `${where}: meter "${name}" is not declared in the manifest; declared meters: ${declared.length ? declared.join(', ') : '(none)'}`,
        { meters: declared },
      );
    }
    if (
      typeof quantity !== 'number' ||
      !Number.isFinite(quantity) ||
      quantity < 0 ||
      quantity > MAX_METER_QUANTITY
    ) {
      throw fail(
        'METER_INVALID',
        `${where}: quantity ${JSON.stringify(quantity) ?? 'undefined'} is not a number from 0 to ${MAX_METER_QUANTITY}`,
      );
    }
    const imprecise = quantityPrecisionProblem(quantity);
    if (imprecise !== undefined) throw fail('METER_INVALID', `${where}: ${imprecise}`);
    if (id !== undefined && (typeof id !== 'string' || !EVENT_ID.test(id))) {
      throw fail('METER_INVALID', `${where}: id must be 1 to 200 printable ASCII characters without spaces`);
    }
    const input: UsageInput = { meter: name, quantity, source: 'app' };
    if (typeof id === 'string') {
      input.id = options.allocationId === undefined ? id : scopedEventId(options.allocationId, id);
    }
    const unit = units.get(name);
    if (unit !== undefined) input.unit = unit;
    if (options.allocationId !== undefined) input.allocation_id = options.allocationId;
    if (options.projectId !== undefined) input.project_id = options.projectId;
    return input;
  }

  async function record(inputs: UsageInput[]): Promise<string[]> {
    const results = await wal.appendMany(inputs);
    for (const { record, duplicate } of results) if (!duplicate) options.onUsage?.(record);
    return results.map((r) => r.record.id);
  }

  type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/v1/meter': {
      POST: async (req, res) => {
        const input = parseMeter(await readJsonObject(req, 'METER_INVALID'), 'the meter report');
        const [id] = await record([input]);
        reply(res, 202, { accepted: true, id });
      },
    },
    '/v1/meter:batch': {
      POST: async (req, res) => {
        const { events } = await readJsonObject(req, 'METER_INVALID');
        if (!Array.isArray(events) || events.length === 0 || events.length > maxBatch) {
          throw fail('METER_INVALID', `events must be an array of 1 to ${maxBatch} meter reports`);
        }
        const inputs = events.map((event: unknown, i) => parseMeter(event, `events[${i}]`));
        reply(res, 202, { accepted: true, ids: await record(inputs) });
      },
    },
    '/v1/ready': {
      POST: async (req, res) => {
        await readBody(req);
        await options.onReady();
        reply(res, 204);
      },
    },
    '/v1/status': {
      POST: async (req, res) => {
        const { message, progress } = await readJsonObject(req, 'BODY_INVALID');
        if (typeof message !== 'string') throw fail('BODY_INVALID', 'status needs { message: string }');
        if (progress !== undefined && (typeof progress !== 'number' || !(progress >= 0 && progress <= 1))) {
          throw fail('BODY_INVALID', 'progress must be a number between 0 and 1');
        }
        await options.onStatus(message, progress);
        reply(res, 204);
      },
    },
    '/v1/credentials': {
      GET: async (_req, res) => {
        let credentials: AppCredentials | undefined;
        try {
          credentials = await options.credentials?.();
        } catch (error) {
          logger.warn({ err: error }, 'app api: no credential available for the app');
          throw fail('CREDENTIALS_UNAVAILABLE', 'the runtime could not get a platform credential; retry');
        }
        if (credentials === undefined) {
          throw fail('NO_CREDENTIALS', 'the runtime holds no platform credential for this app (dev mode?)');
        }
        res.setHeader('cache-control', 'no-store');
        reply(res, 200, { token: credentials.token, expires_at: credentials.expires_at });
      },
    },
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const methods = routes[path];
    let handler: Handler | undefined;
    if (methods === undefined) {
      handler = () => Promise.reject(fail('ROUTE_NOT_FOUND', `no endpoint at ${path}`));
    } else {
      handler = methods[req.method ?? ''];
      if (handler === undefined) {
        res.setHeader('allow', Object.keys(methods).join(', '));
        handler = () =>
          Promise.reject(fail('METHOD_NOT_ALLOWED', `${req.method ?? '?'} is not allowed here`));
      }
    }
    handler(req, res).catch((error: unknown) => {
      const refusal = isRuntimeError(error)
        ? error
        : new RuntimeError('INTERNAL', 'internal error', { cause: error });
      if (refusal.code === 'INTERNAL' || refusal.code === 'USAGE_LOG_FAILED') {
        logger.error({ err: error, path }, 'app api: request failed');
      }
      if (res.headersSent) res.destroy();
      else {
        if (refusal.code === 'BODY_TOO_LARGE') res.setHeader('connection', 'close');
        problem(res, refusal);
      }
    });
  });

  const { socketPath } = options;
  if (socketPath !== undefined) {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
      throw fail('CONFIG_INVALID', `the app API socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes`);
    }
    await clearStaleSocket(socketPath);
    // The socket must never exist with looser permissions, not even between bind and chmod.
    const umask = process.umask(0o177);
    try {
      await listen(() => server.listen(socketPath));
    } finally {
      process.umask(umask);
    }
    await chmod(socketPath, 0o600);
    // The app runs as the tenant's uid: the socket is its, and no one else's.
    await giveToTenant(socketPath);
  } else {
    await listen(() => server.listen(0, '127.0.0.1'));
  }

  function listen(start: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        resolve();
      });
      start();
    });
  }

  const port = socketPath === undefined ? (server.address() as AddressInfo).port : undefined;
  const url = socketPath === undefined ? `http://127.0.0.1:${port}` : `unix:${socketPath}`;
  logger.info({ url }, 'app api listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    socketPath,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        if (socketPath !== undefined) await rm(socketPath, { force: true });
      })();
      return closing;
    },
  };
}
