/**
 * The chaos test's API client, as a real client behind a load balancer behaves: a request goes to
 * any instance; a connection error, a timeout, a 5xx, 409 IDEMPOTENCY_IN_FLIGHT or 429 sends the
 * same request again — same body, same Idempotency-Key — to the next instance, until a deadline.
 * So a create whose instance died mid-request must come back as the one allocation it made.
 */
import { randomUUID } from 'node:crypto';

export interface Answer<T> {
  status: number;
  body: T;
  /** Attempts beyond the first. */
  retries: number;
  replayed: boolean;
}

export interface ClientStats {
  requests: number;
  retries: number;
  connectionErrors: number;
  serverErrors: number;
  inFlight: number;
  rateLimited: number;
}

export function newClientStats(): ClientStats {
  return { requests: 0, retries: 0, connectionErrors: 0, serverErrors: 0, inFlight: 0, rateLimited: 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CallOptions {
  method?: string;
  token: string;
  json?: unknown;
  /** POSTs get a fresh one unless given (a resent batch under a new key). */
  idempotencyKey?: string;
  /** Give up (throw) after this long; default 120 s. */
  deadlineMs?: number;
  /** Collects each attempt: `+ms instance status` (or the error). */
  trace?: string[];
}

export async function call<T>(
  urls: readonly string[],
  path: string,
  options: CallOptions,
  stats: ClientStats,
): Promise<Answer<T>> {
  const method = options.method ?? (options.json === undefined ? 'GET' : 'POST');
  const key = method === 'POST' ? (options.idempotencyKey ?? randomUUID()) : undefined;
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  let next = Math.floor(Math.random() * urls.length);
  let retries = 0;
  let last = '';
  stats.requests++;
  const began = Date.now();
  const note = (url: string, what: string) => options.trace?.push(`+${Date.now() - began} ${url} ${what}`);
  while (Date.now() < deadline) {
    const url = urls[next++ % urls.length]!;
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(key === undefined ? {} : { 'idempotency-key': key }),
          ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      const body = (text === '' ? {} : JSON.parse(text)) as T & { code?: string };
      note(url, String(res.status));
      const again =
        res.status >= 500 ||
        res.status === 429 ||
        (res.status === 409 && body.code === 'IDEMPOTENCY_IN_FLIGHT');
      if (!again) {
        return {
          status: res.status,
          body,
          retries,
          replayed: res.headers.get('idempotent-replayed') === 'true',
        };
      }
      if (res.status >= 500) stats.serverErrors++;
      else if (res.status === 429) stats.rateLimited++;
      else stats.inFlight++;
      last = `${res.status} ${text.slice(0, 200)}`;
      const after = Number(res.headers.get('retry-after') ?? '0');
      await sleep(Math.min(2000, Math.max(100, after * 1000)));
    } catch (error) {
      stats.connectionErrors++;
      last = (error as Error).message;
      note(url, last);
      await sleep(100);
    }
    retries++;
    stats.retries++;
  }
  throw new Error(`${method} ${path} gave no answer before its deadline (last: ${last})`);
}
