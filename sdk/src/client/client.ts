/**
 * The typed platform client: openapi-fetch over the generated `paths`, with every request going
 * through the one request sender (auth, retries, idempotency, correlation ids, typed errors).
 */
import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import { SdkError } from '../errors.js';
import type { paths } from '@gpuaas/platform-contract';
import { createRequestSender } from './sender.js';
import type { RequestSender, RetryOptions, SendInit } from './sender.js';
import { staticTokenProvider } from './token-provider.js';
import type { TokenProvider } from './token-provider.js';

export interface PlatformClientOptions {
  /** The platform's base URL, e.g. `https://gpuaas.example.com` (the API lives under `/v1`). */
  baseUrl: string;
  /** A fixed bearer token; or use `tokenProvider` for tokens that refresh. */
  token?: string | undefined;
  tokenProvider?: TokenProvider | undefined;
  fetch?: ((input: Request, init?: SendInit) => Promise<Response>) | undefined;
  retry?: RetryOptions | undefined;
  userAgent?: string | undefined;
  /** Replaced in tests to observe backoff waits. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface RawRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface PlatformClient {
  readonly baseUrl: string;
  /**
   * Typed calls (openapi-fetch). Refusals throw `ApiError` and connection failures `SdkError`
   * API_UNREACHABLE, so `data` is set whenever a call returns.
   */
  readonly api: Client<paths>;
  /**
   * Untyped escape hatch through the same request path, for endpoints newer than this client's
   * generated types. Resolves with the 2xx response; refusals throw like `api`.
   */
  request(method: string, path: string, init?: RawRequest): Promise<Response>;
  /** The sender every request goes through. */
  readonly send: RequestSender;
}

/**
 * Creates a platform client.
 *
 * @example
 * ```ts
 * const client = createPlatformClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.GPUAAS_TOKEN });
 * const { data } = await client.api.POST('/v1/projects', { body: { name: 'demo' } });
 * for await (const p of listAll((cursor) => client.api.GET('/v1/projects', { params: { query: { cursor } } }))) {
 *   console.log(p.name);
 * }
 * ```
 */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const tokenProvider =
    options.tokenProvider ?? (options.token === undefined ? undefined : staticTokenProvider(options.token));
  const send = createRequestSender({
    tokenProvider,
    fetch: options.fetch,
    retry: options.retry,
    userAgent: options.userAgent,
    sleep: options.sleep,
  });
  const api = createClient<paths>({ baseUrl, fetch: send });
  return {
    baseUrl,
    api,
    send,
    async request(method, path, init = {}) {
      const url = new URL(baseUrl + path);
      for (const [k, v] of Object.entries(init.query ?? {}))
        if (v !== undefined) url.searchParams.set(k, String(v));
      const headers = new Headers(init.headers);
      let body: string | undefined;
      if (init.body !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.body);
      }
      // The signal goes beside the Request, not into it (see SendInit).
      return send(new Request(url, { method, headers, body: body ?? null }), { signal: init.signal });
    },
  };
}

/**
 * Iterates every item of a cursor-paginated list, fetching pages lazily.
 *
 * @param fetchPage - called with `undefined`, then with each `next_cursor` until it is null.
 */
export async function* listAll<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: Page<T> | undefined }>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const { data } = await fetchPage(cursor);
    if (data === undefined) {
      throw new SdkError('API_RESPONSE_INVALID', 'a list call returned no page');
    }
    yield* data.items;
    if (data.next_cursor === null) return;
    cursor = data.next_cursor;
  }
}

/** Every item of a cursor-paginated list, as one array (for commands that print or search all). */
export async function collectAll<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ data?: Page<T> | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const item of listAll(fetchPage)) items.push(item);
  return items;
}
