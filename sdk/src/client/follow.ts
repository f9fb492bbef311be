/**
 * Following something on the platform until a condition holds (an allocation running, a node
 * drained): the state is re-read on every relevant event of `GET /v1/events` (SSE, resumed with
 * Last-Event-ID after a reconnect) and also every few seconds, so a missed event, a dropped stream
 * or a caller without `events:read` never leaves a wait hanging.
 */
import { ApiError } from './api-error.js';
import type { PlatformClient } from './client.js';
import { SdkError } from '../errors.js';
import { readEventStream, streamChunks } from './sse.js';

/** The envelope of a platform event (asyncapi.yaml); `data` depends on `type`. */
export interface PlatformEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  project_id: string | null;
  data: Record<string, unknown>;
}

export interface EventStreamOptions {
  /** Event types to receive, e.g. `allocation.state_changed`. */
  types: readonly string[];
  projectId?: string | undefined;
  signal: AbortSignal;
  onEvent(event: PlatformEvent): void;
  /** Called each time the stream is open (first connection and every reconnection). */
  onOpen?(): void;
  /** Called once when the stream is refused for good (no scope, no access); polling goes on. */
  onUnavailable?(error: ApiError): void;
}

const RECONNECT_MIN_MS = 500;
const RETRY_FLOOR_MS = 10;
const RECONNECT_MAX_MS = 10_000;

/**
 * Reads the event stream until `signal` aborts, reconnecting with backoff (or the server's
 * `retry:`) and resuming from the last event id. Resolves when aborted or refused for good.
 */
export async function followEvents(client: PlatformClient, options: EventStreamOptions): Promise<void> {
  const { signal } = options;
  let lastEventId = '';
  // The server's `retry:` (floored, so a zero cannot spin) once it sent one, else our default.
  let base = RECONNECT_MIN_MS;
  let wait = base;
  while (!signal.aborted) {
    try {
      const response = await client.request('GET', '/v1/events', {
        query: { types: options.types.join(','), project_id: options.projectId },
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId === '' ? {} : { 'last-event-id': lastEventId }),
        },
        signal,
      });
      if (response.body === null) throw new SdkError('API_RESPONSE_INVALID', 'the event stream has no body');
      options.onOpen?.();
      const stream = readEventStream(streamChunks(response.body), {
        lastEventId,
        onRetry: (ms) => (base = wait = Math.max(RETRY_FLOOR_MS, ms)),
      });
      for await (const message of stream) {
        lastEventId = message.lastEventId;
        wait = base;
        const event = parseEvent(message.data);
        if (event !== undefined) options.onEvent(event);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
        options.onUnavailable?.(error);
        return;
      }
    }
    if (!(await sleepUnlessAborted(wait, signal))) return;
    wait = Math.min(RECONNECT_MAX_MS, wait * 2);
  }
}

/** Waits `ms`; false (at once) when `signal` aborts first. Timers of Node and browsers alike. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function parseEvent(data: string): PlatformEvent | undefined {
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const e = value as Partial<PlatformEvent>;
    if (typeof e.type !== 'string' || typeof e.data !== 'object' || e.data === null) return undefined;
    return value as PlatformEvent;
  } catch {
    return undefined;
  }
}

export interface FollowOptions<T> {
  /** Client for the event stream; its own client so the stream's retries stay separate. */
  events: PlatformClient;
  types: readonly string[];
  projectId?: string | undefined;
  /** Whether an event may concern what is followed (anything else does not trigger a re-read). */
  relevant(event: PlatformEvent): boolean;
  /** Reads the current state. */
  read(): Promise<T>;
  /** Called with every state read, first one included. */
  onRead?(value: T): void;
  until(value: T): boolean;
  /** Re-read at least this often (default 3 s). */
  pollMs?: number | undefined;
  /** Give up after this long; undefined waits for ever. */
  timeoutMs?: number | undefined;
  /** The error thrown on timeout, given the last state read. */
  timeoutError(last: T): Error;
}

/** Re-reads until `until` holds and returns that state; throws `timeoutError` past the timeout. */
export async function follow<T>(options: FollowOptions<T>): Promise<T> {
  const pollMs = options.pollMs ?? 3000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const stop = new AbortController();
  // Counts relevant events, so one that arrives while a read is in flight is not lost.
  let events = 0;
  let wake: (() => void) | undefined;
  // Opened before the first read, so a change right after it is not missed by both.
  void followEvents(options.events, {
    types: options.types,
    projectId: options.projectId,
    signal: stop.signal,
    onEvent(event) {
      if (!options.relevant(event)) return;
      events++;
      wake?.();
    },
  });
  try {
    for (;;) {
      const seen = events;
      const value = await options.read();
      options.onRead?.(value);
      if (options.until(value)) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw options.timeoutError(value);
      if (events !== seen) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(pollMs, remaining));
        function done(): void {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    stop.abort();
  }
}
