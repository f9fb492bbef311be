/**
 * The one request sender of the registry client. It owns retries (connection errors, 408, 429
 * with Retry-After, 502/503/504; exponential backoff with jitter and a cap), authentication
 * (challenge → token → one retry) and the mapping of failed responses to `SdkError` codes, so
 * the blob, manifest and referrer code only says which statuses it expects.
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { SdkError } from '../errors.js';
import { SDK_VERSION } from '../version.js';
import { RegistryAuthenticator } from './auth.js';
import type { CredentialsProvider } from './credentials.js';
import { followGet, toWebResponse, type GetOnce, type NodeAnswer } from './node-get.js';
import { isLoopbackHost, registryEndpoint } from './reference.js';

/** How the client retries; every field has a default. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** Delay before the first retry, doubled each time (default 250 ms). */
  initialDelayMs?: number;
  /** Cap on one backoff delay (default 8 s). */
  maxDelayMs?: number;
  /** Cap on a server's Retry-After (default 60 s). */
  maxRetryAfterMs?: number;
}

/** Reported before each retry, e.g. to print a diagnostic line. */
export interface RetryEvent {
  what: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** `HTTP 503`, `ECONNREFUSED`, … */
  reason: string;
}

/** A request body that can be produced again, so the request can be retried. */
export interface ReopenableBody {
  open(): Readable | AsyncIterable<Uint8Array>;
  /** Byte length, sent as Content-Length. */
  length?: number;
}

/** Bytes in memory, a body that can be reopened, or a one-shot stream (never retried). */
export type RequestBody = Uint8Array | string | ReopenableBody | Readable;

export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** `/v2/…` path on the registry, or an absolute URL (upload Locations). */
  url: string | URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Token scopes the request needs, e.g. `repository:team/app:pull,push`. */
  scopes?: readonly string[];
  /** Statuses handed back to the caller; any other status becomes an SdkError. */
  ok: readonly number[];
  /** What the request does, for error messages: "push blob sha256:… to team/app". */
  what: string;
  /** False when the caller runs its own recovery (chunk uploads); default true. */
  retry?: boolean;
  signal?: AbortSignal;
}

export interface TransportOptions {
  /** `host[:port]` as in references (`docker.io` for Docker Hub, served by registry-1.docker.io). */
  registry: string;
  /** Talk plain HTTP (default: only to loopback hosts: localhost, 127.0.0.0/8, ::1). */
  plainHttp?: boolean;
  /** Where credentials come from; default anonymous (see `defaultCredentials()`). */
  credentials?: CredentialsProvider;
  retry?: RetryOptions;
  /** Told before each retry, e.g. to print a diagnostic on stderr. */
  onRetry?: (event: RetryEvent) => void;
  /** Replaces global fetch (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /**
   * Sends streamed GETs (layer blobs) instead of fetch, their bodies read as Node streams
   * (node-get.ts says why): `nodeHttpGet`, or undici's `request`. Ignored with a replaced
   * `fetch`. `nodeHttpGet` does not go through fetch's global dispatcher (a proxy, a tunnel).
   */
  streamGet?: GetOnce;
  userAgent?: string;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const MAX_ERROR_BODY = 64 * 1024;

/** An error entry of the distribution spec's error body. */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
}

function isReopenable(body: RequestBody | undefined): body is ReopenableBody {
  return typeof body === 'object' && body !== null && 'open' in body && typeof body.open === 'function';
}

/**
 * Hands fetch a plain (non-byte) web stream over the body's chunks. Given an async iterable,
 * undici wraps it in a byte stream whose enqueue copies every chunk, which cost more CPU than
 * hashing a layer; a default stream passes the chunks through as they are.
 */
function toWebStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel(reason) {
        await iterator.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function isOneShot(body: RequestBody | undefined): boolean {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && !isReopenable(body);
}

/** Query strings of upload URLs carry server state; keep them out of messages. */
export function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** An SdkError raised while producing a request body (a short source) reaches fetch's caller as a cause. */
function sdkErrorIn(error: unknown): SdkError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof SdkError) return current;
    current = current.cause;
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export class RegistryTransport {
  readonly registry: string;
  readonly baseUrl: URL;
  readonly userAgent: string;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly streamGet: GetOnce | undefined;
  private readonly retry: Required<RetryOptions>;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;
  private readonly auth: RegistryAuthenticator;

  constructor(options: TransportOptions) {
    this.registry = options.registry;
    const plain = options.plainHttp ?? isLoopbackHost(options.registry);
    this.baseUrl = new URL(`${plain ? 'http' : 'https'}://${registryEndpoint(options.registry)}`);
    this.userAgent = options.userAgent ?? `gpuaas-sdk/${SDK_VERSION} node/${process.versions.node}`;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.streamGet = options.fetch === undefined ? options.streamGet : undefined;
    this.retry = {
      maxRetries: options.retry?.maxRetries ?? 4,
      initialDelayMs: options.retry?.initialDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 8000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
    };
    this.onRetry = options.onRetry;
    this.auth = new RegistryAuthenticator(
      options.registry,
      options.credentials,
      (url, init, what) => this.send(url, init, what, true),
      this.userAgent,
    );
  }

  /** Retries allowed after a first attempt. */
  get maxRetries(): number {
    return this.retry.maxRetries;
  }

  /** Backoff before retry number `attempt` (1-based): exponential, capped, with jitter. */
  backoffMs(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.retry.maxRetryAfterMs);
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1));
    // "Equal jitter": half fixed so retries stay spaced, half random so clients do not stampede.
    return Math.round(exponential / 2 + Math.random() * (exponential / 2));
  }

  /** Waits before a retry and tells the listener. */
  async pause(
    what: string,
    attempt: number,
    reason: string,
    retryAfterMs?: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const delayMs = this.backoffMs(attempt, retryAfterMs);
    this.onRetry?.({ what, attempt, delayMs, reason });
    await sleep(delayMs, undefined, signal === undefined ? undefined : { signal });
  }

  resolve(url: string | URL): URL {
    return new URL(url, this.baseUrl);
  }

  /** Sends with retries but without registry auth or status mapping (token requests). */
  private async send(url: URL, init: RequestInit, what: string, retry: boolean): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, init);
      } catch (error) {
        if (init.signal?.aborted === true) throw error;
        if (retry && attempt < this.retry.maxRetries) {
          await this.pause(what, attempt + 1, reasonOf(error), undefined, init.signal ?? undefined);
          continue;
        }
        throw this.unreachable(what, url, reasonOf(error), attempt, error);
      }
      if (retry && RETRY_STATUSES.has(response.status) && attempt < this.retry.maxRetries) {
        await response.body?.cancel();
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        await this.pause(what, attempt + 1, `HTTP ${response.status}`, retryAfter, init.signal ?? undefined);
        continue;
      }
      return response;
    }
  }

  private unreachable(what: string, url: URL, reason: string, retries: number, cause?: unknown): SdkError {
    return new SdkError(
      'REGISTRY_UNREACHABLE',
      `cannot ${what}: ${redactUrl(url)} failed (${reason}) after ${retries} ${retries === 1 ? 'retry' : 'retries'}`,
      { cause, details: { registry: this.registry, reason, retries } },
    );
  }

  /**
   * Sends a registry request: attaches auth, retries what may be retried, answers one 401 with
   * the challenge flow, and turns statuses outside `ok` into SdkErrors.
   */
  async request(req: RegistryRequest): Promise<Response> {
    const url = this.resolve(req.url);
    const retryAllowed = (req.retry ?? true) && !isOneShot(req.body);
    // Registry credentials and tokens go to the registry's own origin only, never to another host
    // an upload Location or a link may point at.
    const ownOrigin = url.origin === this.baseUrl.origin;
    let authorization = ownOrigin ? await this.auth.authorization(req.scopes) : undefined;
    let challenged = false;
    for (let attempt = 0; ;) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      const init: RequestInit = { method: req.method, headers, redirect: 'follow' };
      if (req.signal !== undefined) init.signal = req.signal;
      if (req.body !== undefined) {
        // Streamed bodies: with redirect 'follow', Node's fetch keeps every chunk sent in case it has
        // to replay them (nodejs/undici#4058), i.e. a whole layer in memory. A stream cannot follow a
        // 307/308 anyway, so 'error' loses nothing and keeps memory flat.
        if (isReopenable(req.body)) {
          init.body = toWebStream(req.body.open());
          init.duplex = 'half';
          init.redirect = 'error';
          if (req.body.length !== undefined) headers['content-length'] = String(req.body.length);
        } else if (typeof req.body === 'string' || req.body instanceof Uint8Array) {
          init.body = req.body;
        } else {
          init.body = req.body;
          init.duplex = 'half';
          init.redirect = 'error';
        }
      }
      let response: Response;
      try {
        response = await this.fetchImpl(url, init);
      } catch (error) {
        if (req.signal?.aborted === true) throw error;
        const own = sdkErrorIn(error);
        if (own !== undefined) throw own;
        if (retryAllowed && attempt < this.retry.maxRetries) {
          attempt++;
          await this.pause(req.what, attempt, reasonOf(error), undefined, req.signal);
          continue;
        }
        throw this.unreachable(req.what, url, reasonOf(error), attempt, error);
      }
      if (response.status === 401 && ownOrigin && !challenged && !isOneShot(req.body)) {
        challenged = true;
        const next = await this.auth.onUnauthorized(response, req.scopes).catch(async (error: unknown) => {
          await response.body?.cancel();
          throw error;
        });
        if (next !== undefined) {
          await response.body?.cancel();
          authorization = next;
          continue;
        }
      }
      if (RETRY_STATUSES.has(response.status) && !req.ok.includes(response.status)) {
        if (retryAllowed && attempt < this.retry.maxRetries) {
          attempt++;
          await response.body?.cancel();
          const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
          await this.pause(req.what, attempt, `HTTP ${response.status}`, retryAfter, req.signal);
          continue;
        }
        if (retryAllowed) {
          await response.body?.cancel();
          throw this.unreachable(req.what, url, `HTTP ${response.status}`, attempt);
        }
      }
      if (req.ok.includes(response.status)) return response;
      throw await this.toError(response, req, url);
    }
  }

  /**
   * A bodiless GET whose answer body is read as a Node stream: through `streamGet` when the
   * transport was given one, else through fetch. The same contract as `request`:
   * auth (one challenge), retries before the answer, statuses outside `ok` as SdkErrors.
   */
  async getStream(
    req: Omit<RegistryRequest, 'method' | 'body'>,
  ): Promise<{ status: number; body: Readable | null }> {
    const streamGet = this.streamGet;
    if (streamGet === undefined) {
      const response = await this.request({ ...req, method: 'GET' });
      const body = response.body === null ? null : Readable.fromWeb(response.body);
      return { status: response.status, body };
    }
    const url = this.resolve(req.url);
    const ownOrigin = url.origin === this.baseUrl.origin;
    let authorization = ownOrigin ? await this.auth.authorization(req.scopes) : undefined;
    let challenged = false;
    for (let attempt = 0; ;) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      let answer: NodeAnswer;
      try {
        answer = await followGet(streamGet, url, headers, req.signal);
      } catch (error) {
        if (req.signal?.aborted === true || error instanceof SdkError) throw error;
        if ((req.retry ?? true) && attempt < this.retry.maxRetries) {
          attempt++;
          await this.pause(req.what, attempt, reasonOf(error), undefined, req.signal);
          continue;
        }
        throw this.unreachable(req.what, url, reasonOf(error), attempt, error);
      }
      if (answer.status === 401 && ownOrigin && !challenged) {
        challenged = true;
        const next = await this.auth.onUnauthorized(answer, req.scopes).catch(async (error: unknown) => {
          await answer.cancel();
          throw error;
        });
        if (next !== undefined) {
          await answer.cancel();
          authorization = next;
          continue;
        }
      }
      if (RETRY_STATUSES.has(answer.status) && !req.ok.includes(answer.status)) {
        await answer.cancel();
        if ((req.retry ?? true) && attempt < this.retry.maxRetries) {
          attempt++;
          const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
          await this.pause(req.what, attempt, `HTTP ${answer.status}`, retryAfter, req.signal);
          continue;
        }
        throw this.unreachable(req.what, url, `HTTP ${answer.status}`, attempt);
      }
      if (req.ok.includes(answer.status)) return { status: answer.status, body: answer.body };
      const response = await toWebResponse(answer, MAX_ERROR_BODY);
      throw await this.toError(response, { ...req, method: 'GET' }, url);
    }
  }

  /** Maps a failed response to an SdkError, keeping the registry's error codes in details. */
  async toError(
    response: Response,
    req: Pick<RegistryRequest, 'what' | 'method'>,
    url: URL,
  ): Promise<SdkError> {
    const errors = await readRegistryErrors(response);
    const details = {
      status: response.status,
      method: req.method,
      url: redactUrl(url),
      registry: this.registry,
      ...(errors.length > 0 ? { registryErrors: errors } : {}),
    };
    const codes = errors.map((e) => e.code);
    const summary =
      errors.length > 0
        ? `: ${errors.map((e) => `${e.code}${e.message ? ` (${e.message})` : ''}`).join(', ')}`
        : '';
    const message = `cannot ${req.what}: HTTP ${response.status}${summary}`;
    if (response.status === 401) return new SdkError('REGISTRY_UNAUTHORIZED', message, { details });
    if (response.status === 403) return new SdkError('REGISTRY_FORBIDDEN', message, { details });
    if (response.status === 404) return new SdkError('NOT_FOUND', message, { details });
    if (codes.includes('DIGEST_INVALID') || codes.includes('SIZE_INVALID')) {
      return new SdkError('DIGEST_MISMATCH', message, { details });
    }
    if (RETRY_STATUSES.has(response.status))
      return new SdkError('REGISTRY_UNREACHABLE', message, { details });
    return new SdkError('REGISTRY_ERROR', message, { details });
  }
}

/**
 * Reads a response body up to `max` bytes; `overflow` says more was there (the rest is cancelled),
 * so a hostile or broken server cannot make the client buffer without bound.
 */
export async function readCapped(
  response: Response,
  max: number,
): Promise<{ bytes: Buffer; overflow: boolean }> {
  if (response.body === null) return { bytes: Buffer.alloc(0), overflow: false };
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const result = await reader.read();
    if (result.done) break;
    total += result.value.length;
    if (total > max) {
      await reader.cancel();
      return { bytes: Buffer.concat(chunks), overflow: true };
    }
    chunks.push(Buffer.from(result.value));
  }
  return { bytes: Buffer.concat(chunks), overflow: false };
}

/** Reads the distribution spec's `{ errors: [{ code, message }] }` body, if there is one. */
export async function readRegistryErrors(response: Response): Promise<RegistryErrorEntry[]> {
  let text: string;
  try {
    const { bytes, overflow } = await readCapped(response, MAX_ERROR_BODY);
    if (overflow) return [];
    text = bytes.toString('utf8');
  } catch {
    return [];
  }
  try {
    const parsed = JSON.parse(text) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter(
        (e): e is { code: unknown; message?: unknown } => typeof e === 'object' && e !== null && 'code' in e,
      )
      .filter((e) => typeof e.code === 'string')
      .map((e) => ({
        code: e.code as string,
        ...(typeof e.message === 'string' ? { message: e.message.slice(0, 300) } : {}),
      }));
  } catch {
    return [];
  }
}
