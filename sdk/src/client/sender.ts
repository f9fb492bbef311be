/**
 * The one request path of the platform client (in the manner of stripe-node's RequestSender):
 * every call, typed or not, goes through `createRequestSender`, which owns authentication, the
 * correlation id, the idempotency key, retries and the mapping of refusals to `ApiError`.
 */
import { SdkError } from '../errors.js';
import { SDK_VERSION } from '../version.js';
import { apiErrorFromBody } from './api-error.js';
import type { TokenProvider } from './token-provider.js';
import { randomUuid } from './uuid.js';

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 disables retrying). */
  maxRetries?: number;
  /** First backoff step in ms (default 250); doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Backoff ceiling in ms (default 8000). */
  maxDelayMs?: number;
  /** A Retry-After longer than this (default 60 s) is not waited for: the 429 is reported. */
  maxRetryAfterMs?: number;
}

/** What a sender is given besides the request: the caller's own abort signal. */
export interface SendInit {
  /**
   * Aborts the call, body included. Give it here rather than inside the Request: undici's
   * Request only follows a signal through a weakly held controller, so once the Request is
   * garbage-collected (while a long response such as an event stream is read) an abort of the
   * original signal no longer reaches the connection, which then keeps the process alive.
   */
  signal?: AbortSignal | undefined;
}

export interface RequestSenderOptions {
  tokenProvider?: TokenProvider | undefined;
  /** Called with a Request without a signal and the caller's signal in `init`. */
  fetch?: ((input: Request, init?: SendInit) => Promise<Response>) | undefined;
  retry?: RetryOptions | undefined;
  userAgent?: string | undefined;
  /** Replaced in tests to observe waits. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Source of jitter in [0, 1). */
  random?: (() => number) | undefined;
}

export type RequestSender = (request: Request, init?: SendInit) => Promise<Response>;

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Ours in Node; a browser's own (which pages cannot replace) elsewhere. */
function defaultUserAgent(): string | undefined {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return node === undefined ? undefined : `gpuaas-sdk/${SDK_VERSION} node/${node}`;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function codeOf(body: unknown): string | undefined {
  return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
    ? body.code
    : undefined;
}

/**
 * Wraps `fetch` with the client's request discipline:
 * - `Authorization: Bearer` from the token provider, asked on every attempt (so a provider that
 *   refreshes before expiry is honoured) and forced to refresh once on 401 TOKEN_EXPIRED;
 * - one `X-Correlation-Id` per logical call and, for POST, one `Idempotency-Key`, both kept
 *   across retries so a retried create is replayed by the server instead of run twice;
 * - retries with exponential backoff and full jitter on connection errors, 429 (waiting at least
 *   Retry-After), 409 IDEMPOTENCY_IN_FLIGHT and 500/502/503/504;
 * - any other non-2xx becomes an `ApiError`; connection failures past the retries `SdkError`
 *   API_UNREACHABLE. Neither carries the request's headers.
 */
export function createRequestSender(options: RequestSenderOptions = {}): RequestSender {
  const doFetch =
    options.fetch ??
    ((input: Request, init?: SendInit) =>
      globalThis.fetch(input, init?.signal === undefined ? undefined : { signal: init.signal }));
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const maxRetries = options.retry?.maxRetries ?? 3;
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  const maxDelayMs = options.retry?.maxDelayMs ?? 8000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 60_000;
  const userAgent = options.userAgent ?? defaultUserAgent();
  const backoff = (attempt: number): number =>
    Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));

  return async (request: Request, init: SendInit = {}): Promise<Response> => {
    const url = new URL(request.url);
    // The caller's own signal when it gave one; else the Request's (openapi-fetch's typed calls).
    const signal = init.signal ?? request.signal;
    const label = `${request.method} ${url.pathname}`;
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const headers = new Headers(request.headers);
    if (!headers.has('x-correlation-id')) headers.set('x-correlation-id', randomUuid());
    if (request.method === 'POST' && !headers.has('idempotency-key')) {
      headers.set('idempotency-key', randomUuid());
    }
    if (userAgent !== undefined) headers.set('user-agent', userAgent);
    let forceRefresh = false;
    let refreshed = false;

    for (let attempt = 0; ; attempt++) {
      if (options.tokenProvider !== undefined) {
        const token = await options.tokenProvider.getToken({ forceRefresh });
        headers.set('authorization', `Bearer ${token}`);
      }
      forceRefresh = false;
      let response: Response;
      try {
        response = await doFetch(new Request(url, { method: request.method, headers, body: body ?? null }), {
          signal,
        });
      } catch (error) {
        if (signal.aborted || attempt >= maxRetries) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new SdkError('API_UNREACHABLE', `${label} on ${url.origin} failed: ${reason}`, {
            cause: error,
            details: { url: `${url.origin}${url.pathname}`, attempts: attempt + 1 },
          });
        }
        await sleep(backoff(attempt));
        continue;
      }
      if (response.ok || (response.status >= 300 && response.status < 400)) return response;

      const problem = await readJson(response);
      const code = codeOf(problem);
      if (response.status === 401 && code === 'TOKEN_EXPIRED' && !refreshed && options.tokenProvider) {
        // A token can expire between the provider's check and the server's; one forced refresh.
        refreshed = true;
        forceRefresh = true;
        attempt--;
        continue;
      }
      const retryable =
        RETRYABLE_STATUS.has(response.status) ||
        (response.status === 409 && code === 'IDEMPOTENCY_IN_FLIGHT');
      if (retryable && attempt < maxRetries) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === undefined || retryAfter <= maxRetryAfterMs) {
          await sleep(Math.max(retryAfter ?? 0, backoff(attempt)));
          continue;
        }
      }
      throw apiErrorFromBody(response.status, problem, label, response.headers.get('x-correlation-id'));
    }
  };
}
