/**
 * In-app helpers (`@gpuaas/sdk/app`): what an app calls, from inside its allocation, to talk to
 * the GPUaaS runtime — report usage, say it is ready, report progress, get a platform credential.
 *
 * The runtime tells the app where its local API is through `GPUAAS_RUNTIME_URL`
 * (`http://127.0.0.1:PORT` or `unix:/path/to/runtime.sock`). When the variable is unset — the app
 * runs on a laptop, outside any runtime — every call resolves to `{ accepted: false, reason:
 * 'no-runtime' }` and one notice is written to stderr, so the same code runs in both places.
 *
 * @example
 * ```ts
 * import { meter, ready, status } from '@gpuaas/sdk/app';
 * await ready();
 * await status('warming up', 0.5);
 * await meter('tokens', 128);
 * ```
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { SdkError } from '../errors.js';
import {
  DEFAULT_RETRY,
  parseRuntimeUrl,
  sendWithRetry,
  type RetryOptions,
  type RuntimeResponse,
  type RuntimeTarget,
} from './transport.js';

export { parseRuntimeUrl, type RuntimeTarget, type RetryOptions } from './transport.js';

/** Name of the environment variable the runtime sets for the app. */
export const RUNTIME_URL_ENV = 'GPUAAS_RUNTIME_URL';

/** What every call resolves to when no runtime is configured (a plain local run). */
export interface NoRuntime {
  accepted: false;
  reason: 'no-runtime';
}

/** A meter report the runtime accepted; `id` is the event id it will bill under (once). */
export type MeterResult = { accepted: true; id: string } | NoRuntime;
/** A `ready` or `status` call the runtime accepted. */
export type AckResult = { accepted: true } | NoRuntime;
/** A short-lived credential for the platform API, scoped to the app's tenant and permissions. */
export type CredentialsResult = { accepted: true; token: string; expiresAt: string } | NoRuntime;

export interface MeterOptions {
  /**
   * Event id, unique per usage event. Defaults to a random UUID. Pass your own (for example a
   * request id) when the app itself may repeat the call after a crash: the runtime counts an id once.
   */
  id?: string;
  signal?: AbortSignal;
}

export interface AppClientOptions {
  /** Runtime URL; defaults to `env.GPUAAS_RUNTIME_URL`. An empty string means "no runtime". */
  url?: string;
  /** Environment to read `GPUAAS_RUNTIME_URL` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where the one "no runtime" notice goes (default `process.stderr`). */
  stderr?: Pick<Writable, 'write'>;
  /** Time one attempt may take (default 5000 ms). */
  timeoutMs?: number;
  /** Retry settings for connection errors and 429/5xx answers. */
  retry?: Partial<RetryOptions>;
}

export interface AppClient {
  /** The runtime this client talks to, or undefined when there is none. */
  readonly target: RuntimeTarget | undefined;
  /** Reports `quantity` units of the declared meter `name` (see `meters` in gpuaas-app.yaml). */
  meter(name: string, quantity: number, options?: MeterOptions): Promise<MeterResult>;
  /** Tells the runtime the app is ready to serve; billing of the hourly price starts here. */
  ready(): Promise<AckResult>;
  /** Reports a human-readable status and, optionally, progress between 0 and 1. */
  status(message: string, progress?: number): Promise<AckResult>;
  /** Fetches a short-lived platform credential for the app's service account. */
  credentials(): Promise<CredentialsResult>;
  /** Closes idle connections to the runtime. */
  close(): void;
}

const METER_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const NO_RUNTIME: NoRuntime = Object.freeze({ accepted: false, reason: 'no-runtime' });

/**
 * Creates a client for the runtime's local API. Most apps use the module-level `meter`, `ready`,
 * `status` and `credentials` instead, which share one client built from the environment.
 *
 * @example
 * ```ts
 * const runtime = createAppClient({ url: 'unix:/run/gpuaas/runtime.sock' });
 * await runtime.meter('images', 1, { id: `img-${jobId}` });
 * ```
 */
export function createAppClient(options: AppClientOptions = {}): AppClient {
  const raw = options.url ?? (options.env ?? process.env)[RUNTIME_URL_ENV] ?? '';
  const target = raw.trim() === '' ? undefined : parseRuntimeUrl(raw);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const send = {
    agent,
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
  let noticeWritten = false;
  const noRuntime = (): NoRuntime => {
    if (!noticeWritten) {
      noticeWritten = true;
      (options.stderr ?? process.stderr).write(
        `gpuaas: ${RUNTIME_URL_ENV} is not set, so meter/ready/status calls are not sent (local run)\n`,
      );
    }
    return NO_RUNTIME;
  };

  return {
    target,
    async meter(name, quantity, meterOptions = {}) {
      if (typeof name !== 'string' || !METER_NAME.test(name)) {
        throw invalid(`meter name ${JSON.stringify(name)} is not lower snake case (^[a-z][a-z0-9_]{0,63}$)`);
      }
      if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
        throw invalid(`meter "${name}": quantity ${String(quantity)} is not a finite number >= 0`);
      }
      const id = meterOptions.id ?? randomUUID();
      if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
        throw invalid(`meter "${name}": id must be a string of 1 to 200 characters`);
      }
      if (!target) return noRuntime();
      const response = await sendWithRetry(
        target,
        'POST',
        '/v1/meter',
        { name, quantity, id },
        withSignal(send, meterOptions.signal),
      );
      expectStatus(response, [200, 202], 'POST /v1/meter');
      const answer = parseJson(response);
      const acceptedId = isRecord(answer) && typeof answer.id === 'string' ? answer.id : id;
      return { accepted: true, id: acceptedId };
    },
    async ready() {
      if (!target) return noRuntime();
      expectStatus(
        await sendWithRetry(target, 'POST', '/v1/ready', {}, send),
        [200, 202, 204],
        'POST /v1/ready',
      );
      return { accepted: true };
    },
    async status(message, progress) {
      if (typeof message !== 'string') throw invalid('status message must be a string');
      if (progress !== undefined && (typeof progress !== 'number' || !(progress >= 0 && progress <= 1))) {
        throw invalid(`status progress ${String(progress)} is not a number between 0 and 1`);
      }
      if (!target) return noRuntime();
      const body = progress === undefined ? { message } : { message, progress };
      const response = await sendWithRetry(target, 'POST', '/v1/status', body, send);
      expectStatus(response, [200, 202, 204], 'POST /v1/status');
      return { accepted: true };
    },
    async credentials() {
      if (!target) return noRuntime();
      const response = await sendWithRetry(target, 'GET', '/v1/credentials', undefined, send);
      expectStatus(response, [200], 'GET /v1/credentials');
      const answer = parseJson(response);
      if (!isRecord(answer) || typeof answer.token !== 'string' || typeof answer.expires_at !== 'string') {
        throw new SdkError('RUNTIME_REJECTED', 'GET /v1/credentials answered without { token, expires_at }', {
          details: { status: response.status },
        });
      }
      return { accepted: true, token: answer.token, expiresAt: answer.expires_at };
    },
    close() {
      agent.destroy();
    },
  };
}

let shared: { url: string; client: AppClient } | undefined;

// The shared client follows the environment: a test or a launcher that sets GPUAAS_RUNTIME_URL
// after import still reaches the runtime, and the no-runtime notice is written once per process.
function defaultClient(): AppClient {
  const url = process.env[RUNTIME_URL_ENV] ?? '';
  if (shared?.url !== url) {
    shared?.client.close();
    shared = { url, client: createAppClient({ url }) };
  }
  return shared.client;
}

/**
 * Reports usage of a meter declared in gpuaas-app.yaml. Each call carries a fresh event id, reused
 * across retries, so a retried call is counted once.
 *
 * @example
 * ```ts
 * await meter('tokens', completion.tokens.length);
 * ```
 */
export function meter(name: string, quantity: number, options?: MeterOptions): Promise<MeterResult> {
  return defaultClient().meter(name, quantity, options);
}

/** Tells the runtime the app is ready to serve (in addition to any readiness probe). */
export function ready(): Promise<AckResult> {
  return defaultClient().ready();
}

/**
 * Reports a status line shown to the tenant and, for batch jobs, progress between 0 and 1.
 *
 * @example
 * ```ts
 * await status(`processed ${done}/${total}`, done / total);
 * ```
 */
export function status(message: string, progress?: number): Promise<AckResult> {
  return defaultClient().status(message, progress);
}

/** Fetches a short-lived credential for the platform API (scoped by `permissions` in the manifest). */
export function credentials(): Promise<CredentialsResult> {
  return defaultClient().credentials();
}

function invalid(message: string): SdkError {
  return new SdkError('APP_ARGUMENT_INVALID', message);
}

function withSignal<T extends object>(
  options: T,
  signal: AbortSignal | undefined,
): T & { signal?: AbortSignal } {
  return signal ? { ...options, signal } : options;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(response: RuntimeResponse): unknown {
  if (response.body === '') return undefined;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

// Maps a non-success answer to RUNTIME_REJECTED, keeping the runtime's problem+json code (such as
// METER_UNKNOWN) in details so callers can branch on it without parsing messages.
function expectStatus(response: RuntimeResponse, ok: readonly number[], what: string): void {
  if (ok.includes(response.status)) return;
  const problem = parseJson(response);
  const runtimeCode = isRecord(problem) && typeof problem.code === 'string' ? problem.code : undefined;
  const detail =
    isRecord(problem) && typeof problem.detail === 'string'
      ? problem.detail
      : isRecord(problem) && typeof problem.title === 'string'
        ? problem.title
        : response.body.slice(0, 200);
  throw new SdkError(
    'RUNTIME_REJECTED',
    `${what} was refused by the runtime (HTTP ${response.status}${runtimeCode ? ` ${runtimeCode}` : ''})${detail ? `: ${detail}` : ''}`,
    { details: { status: response.status, ...(runtimeCode ? { runtimeCode } : {}) } },
  );
}
