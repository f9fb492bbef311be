/**
 * The wire side of the in-app helpers: parses GPUAAS_RUNTIME_URL, sends one JSON request over
 * loopback TCP or a unix socket with node:http, and owns the retry loop. Kept apart from the
 * public functions so the retry discipline lives in exactly one place.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SdkError } from '../errors.js';

/** Where the runtime's local API listens. */
export type RuntimeTarget =
  | { kind: 'tcp'; host: string; port: number; basePath: string; url: string }
  | { kind: 'unix'; socketPath: string; url: string };

/**
 * Parses `http://HOST:PORT[/base]` or `unix:/path/to/runtime.sock` (`unix:///path` is accepted too).
 * Throws `RUNTIME_URL_INVALID` for anything else, because a typo here would otherwise look like a
 * runtime that is down and be retried for nothing.
 */
export function parseRuntimeUrl(raw: string): RuntimeTarget {
  const url = raw.trim();
  if (url.startsWith('unix:')) {
    const socketPath = url.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (socketPath === '' || socketPath.includes('\0')) {
      throw new SdkError('RUNTIME_URL_INVALID', `GPUAAS_RUNTIME_URL "${raw}" names no socket path`, {
        details: { hint: 'use unix:/absolute/path/to/runtime.sock' },
      });
    }
    return { kind: 'unix', socketPath, url };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new SdkError('RUNTIME_URL_INVALID', `GPUAAS_RUNTIME_URL "${raw}" is not a URL`, {
      cause,
      details: { hint: 'expected http://127.0.0.1:PORT or unix:/path/to/runtime.sock' },
    });
  }
  if (parsed.protocol !== 'http:' || parsed.hostname === '' || parsed.username || parsed.search) {
    throw new SdkError(
      'RUNTIME_URL_INVALID',
      `GPUAAS_RUNTIME_URL "${raw}" must be a plain http:// URL or a unix: socket path`,
      { details: { hint: 'expected http://127.0.0.1:PORT or unix:/path/to/runtime.sock' } },
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  return { kind: 'tcp', host, port, basePath: parsed.pathname.replace(/\/+$/, ''), url };
}

/** Retry settings; delays grow exponentially with full jitter, capped at `maxDelayMs`. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 4, minDelayMs: 100, maxDelayMs: 2_000 };

export interface RuntimeResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface SendOptions {
  agent: http.Agent;
  timeoutMs: number;
  retry: RetryOptions;
  signal?: AbortSignal | undefined;
}

// Statuses where the runtime itself says "try again": the request had no effect or is idempotent.
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * Sends a request and retries connection errors, timeouts and retryable statuses. The body is
 * identical on every attempt, which is what makes retrying a meter safe: it carries one id.
 * Returns the first non-retryable response; throws `RUNTIME_UNAVAILABLE` when attempts run out.
 */
export async function sendWithRetry(
  target: RuntimeTarget,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  options: SendOptions,
): Promise<RuntimeResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  let lastFailure = '';
  let lastCause: unknown;
  for (let attempt = 0; attempt <= options.retry.retries; attempt++) {
    if (attempt > 0) {
      const cap = Math.min(options.retry.maxDelayMs, options.retry.minDelayMs * 2 ** (attempt - 1));
      await sleep(
        Math.round(Math.random() * cap),
        undefined,
        options.signal ? { signal: options.signal } : {},
      );
    }
    options.signal?.throwIfAborted();
    try {
      const response = await sendOnce(target, method, path, payload, options);
      if (!RETRYABLE_STATUS.has(response.status)) return response;
      lastFailure = `HTTP ${response.status}`;
      lastCause = undefined;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      lastFailure = error instanceof Error ? error.message : String(error);
      lastCause = error;
    }
  }
  throw new SdkError(
    'RUNTIME_UNAVAILABLE',
    `${method} ${path} to the runtime at ${target.url} failed after ${options.retry.retries + 1} attempts: ${lastFailure}`,
    { cause: lastCause, details: { url: target.url, path } },
  );
}

function sendOnce(
  target: RuntimeTarget,
  method: string,
  path: string,
  payload: string | undefined,
  options: SendOptions,
): Promise<RuntimeResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const where =
      target.kind === 'unix'
        ? { socketPath: target.socketPath, path }
        : { host: target.host, port: target.port, path: target.basePath + path };
    const request = http.request({ ...where, method, headers, agent: options.agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.setTimeout(options.timeoutMs, () =>
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
    );
    request.on('error', reject);
    const onAbort = (): void => void request.destroy(options.signal?.reason as Error | undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('close', () => options.signal?.removeEventListener('abort', onAbort));
    request.end(payload);
  });
}
