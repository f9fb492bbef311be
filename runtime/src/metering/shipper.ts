/**
 * Ships the usage log to the platform: the oldest pending records, up to 500 at a time, as
 * CloudEvents to `POST /v1/usage-events`. A record leaves the log only when the platform lists it
 * under `accepted` or `duplicates`; the platform dedupes by event id within the allocation, so
 * re-sending after a crash or a lost answer counts nothing twice.
 *
 * The Idempotency-Key is a hash of the exact request body, not of the event ids: the same batch
 * sent again (a retry, or the same records re-read from the log after a restart) is the same bytes
 * and gets the stored answer, while a batch whose ids repeat with other content (an app that
 * reported an event id again after the log had forgotten it, stamped with a new time) is a new
 * request the platform judges event by event — never 422 IDEMPOTENCY_KEY_REUSED, which would
 * hold the log up for good.
 *
 * A 409 USAGE_EVENT_CONFLICT names events whose ids the platform holds with other usage: it keeps
 * the first and stores none of the batch. Those records are set aside (logged at error level with
 * their content, counted in `conflicts`, removed from the log) and the rest is sent again at once,
 * so one bad event never stops the allocation's billing. A 422 USAGE_EVENT_TOO_LATE names events
 * older than the platform's late window (its statements for that time may be closed): they can
 * never be accepted, so they are set aside the same way (counted in `tooLate`).
 *
 * Requests go through the SDK's request sender, like every other call to the platform: it sets
 * the bearer token (refreshed once when the platform says TOKEN_EXPIRED), a correlation id, keeps
 * the batch's Idempotency-Key across its retries, and retries network errors, 429 (after
 * Retry-After), 409 IDEMPOTENCY_IN_FLIGHT and 5xx a few times with backoff and jitter. A batch that
 * still fails after those counts as one failure here, and the shipper backs off exponentially
 * (with jitter, capped at 30 s) and sends it again, for as long as the outage lasts. Another 4xx
 * means the platform refuses the batch as it is (bad token, validation): the shipper logs it at
 * error level, enters the `stuck` state and retries at the cap interval, because dropping billable
 * events is never the right answer and the cause (an expired credential, a platform fix) may go
 * away.
 *
 * Disabled (dev mode, `enabled: false`): nothing is sent; pending records are confirmed locally
 * so the log of a laptop run does not grow forever. The dev runner prints each usage event when
 * it is recorded (the app API's `onUsage`), so nothing is hidden.
 */
import { createHash } from 'node:crypto';
import { createRequestSender, isApiError } from '@gpuaas/sdk';
import type { ApiError, ClientRetryOptions, PlatformComponents, TokenProvider } from '@gpuaas/sdk';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { RuntimeError } from '../errors.js';
import type { UsageRecord, UsageWal } from './wal.js';

/** The platform caps a batch at 1000 events; the runtime sends at most this many. */
export const MAX_USAGE_BATCH = 500;

// The request and answer are the contract's (openapi.yaml `reportUsage`): never a copy kept here.
export type UsageCloudEvent = PlatformComponents['schemas']['UsageEvent'];
type UsageEventBatch = PlatformComponents['schemas']['UsageEventBatch'];
type UsageIngestResult = PlatformComponents['schemas']['UsageIngestResult'];

export interface UsageShipperOptions {
  wal: UsageWal;
  /** Platform API base URL; batches go to `${baseUrl}/v1/usage-events`. Required unless disabled. */
  baseUrl?: string;
  /** Allocation the usage belongs to (CloudEvents `subject`) unless a record names its own. */
  allocationId: string;
  /** The runtime's platform credential: asked for before every attempt, refreshed on TOKEN_EXPIRED. */
  tokenProvider?: TokenProvider;
  /** false: dev mode, nothing is sent and pending records are confirmed locally (default true). */
  enabled?: boolean;
  /** Events per request, 1 to 500 (default 500). */
  batchSize?: number;
  /** How long a partial batch waits for more events before it goes (default 1000 ms). */
  lingerMs?: number;
  /** First retry delay (default 1000 ms); it doubles per failure up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  /** Retry delay cap, also the retry interval while stuck (default 30 000 ms). */
  maxBackoffMs?: number;
  /** Retries of one batch inside the request sender before it counts as a failure (default 3). */
  retriesPerBatch?: number;
  /** Time one attempt may take (default 15 000 ms). */
  requestTimeoutMs?: number;
  logger?: Logger;
  fetch?: (request: Request, init?: { signal?: AbortSignal | undefined }) => Promise<Response>;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export type ShipperStatus = 'idle' | 'shipping' | 'backoff' | 'stuck' | 'disabled' | 'stopped';

export interface ShipperState {
  status: ShipperStatus;
  /** Records in the log waiting for confirmation. */
  pending: number;
  /** Events the platform stored for the first time. */
  accepted: number;
  /** Events the platform already had (re-sent after a crash or a lost answer). */
  duplicates: number;
  /** Events confirmed without sending (disabled). */
  confirmedLocally: number;
  batches: number;
  failures: number;
  consecutiveFailures: number;
  /** Requests refused with a 4xx other than 429 and 409 conflicts (the stuck-state counter). */
  rejectedBatches: number;
  /** Events set aside because the platform holds other usage under their ids (409 USAGE_EVENT_CONFLICT). */
  conflicts: number;
  /** Events set aside because they are older than the platform's late window (422 USAGE_EVENT_TOO_LATE). */
  tooLate: number;
  lastError?: string;
  /** Present while the platform refuses batches with a 4xx other than 429. */
  stuck?: { status: number; detail: string; since: string };
}

export interface FlushResult {
  /** True when no record was pending any more. */
  drained: boolean;
  pending: number;
}

export interface UsageShipper {
  start(): void;
  readonly state: ShipperState;
  /** Ships (without lingering, retrying at once) until the log is empty or `timeoutMs` passed (default 10 s). */
  flush(options?: { timeoutMs?: number }): Promise<FlushResult>;
  /** Flushes, then stops the loop; an unanswered request is aborted. Unshipped events stay in the log. */
  stop(options?: { flushTimeoutMs?: number }): Promise<FlushResult>;
}

export function toCloudEvent(record: UsageRecord, allocationId: string): UsageCloudEvent {
  const allocation = record.allocation_id ?? allocationId;
  const data: UsageCloudEvent['data'] = {
    meter: record.meter,
    quantity: record.quantity,
    allocation_id: allocation,
    origin: record.source,
  };
  if (record.unit !== undefined) data.unit = record.unit;
  return {
    specversion: '1.0',
    id: record.id,
    source: `gpuaas-runtime/${allocation}`,
    type: 'dev.gpuaas.usage.v1',
    subject: allocation,
    time: record.time,
    datacontenttype: 'application/json',
    data,
  };
}

/** The request body of a batch; the same records always give the same bytes. */
export function batchBody(batch: readonly UsageRecord[], allocationId: string): string {
  const body: UsageEventBatch = { events: batch.map((r) => toCloudEvent(r, allocationId)) };
  return JSON.stringify(body);
}

/** Idempotency-Key of a batch: a hash of its exact body, so only a byte-identical request replays. */
export function idempotencyKey(body: string): string {
  return `usage-${createHash('sha256').update(body).digest('hex')}`;
}

/** Refusals that name events the platform will never take, whatever is sent again. */
const EVENT_REFUSALS = {
  USAGE_EVENT_CONFLICT:
    'usage shipper: the platform holds OTHER usage under this event id; this event is set aside, the stored one counts',
  USAGE_EVENT_TOO_LATE:
    "usage shipper: this event is older than the platform's late window; it is set aside and not billed",
} as const;
type EventRefusal = keyof typeof EVENT_REFUSALS;
const isEventRefusal = (code: string): code is EventRefusal => Object.hasOwn(EVENT_REFUSALS, code);

/** Indexes of the batch's events a refusal of single events points at (`/events/N`). */
function refusedIndexes(error: ApiError, size: number): number[] {
  if (!isEventRefusal(error.code)) return [];
  const indexes = new Set<number>();
  for (const field of error.errors) {
    const match = /^\/events\/(\d+)$/.exec(field.pointer);
    const index = Number(match?.[1] ?? Number.NaN);
    if (Number.isInteger(index) && index < size) indexes.add(index);
  }
  return [...indexes];
}

/** The ids of the batch the platform's answer lists as stored or already stored; none if unreadable. */
function confirmedIds(answer: unknown, sent: ReadonlySet<string>): UsageIngestResult {
  const listed = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && sent.has(id)) : [];
  const result = (typeof answer === 'object' && answer !== null ? answer : {}) as Partial<
    Record<keyof UsageIngestResult, unknown>
  >;
  return { accepted: listed(result.accepted), duplicates: listed(result.duplicates) };
}

type Outcome = { ok: true } | { ok: false; rejected?: { status: number; detail: string } };

type WakeReason = 'append' | 'urgent';

export function createUsageShipper(options: UsageShipperOptions): UsageShipper {
  const { wal, allocationId } = options;
  const enabled = options.enabled ?? true;
  const batchSize = Math.max(1, Math.min(MAX_USAGE_BATCH, options.batchSize ?? MAX_USAGE_BATCH));
  const lingerMs = options.lingerMs ?? 1_000;
  const initialBackoffMs = options.initialBackoffMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const logger = options.logger ?? pino({ level: 'silent' });
  const fetchImpl =
    options.fetch ??
    ((request: Request, init?: { signal?: AbortSignal | undefined }) => fetch(request, init));
  const random = options.random ?? Math.random;
  if (enabled && !options.baseUrl) {
    throw new RuntimeError(
      'CONFIG_INVALID',
      'the usage shipper needs the platform base URL (or enabled: false)',
    );
  }
  const endpoint = `${(options.baseUrl ?? '').replace(/\/+$/, '')}/v1/usage-events`;
  const retry: ClientRetryOptions = {
    maxRetries: options.retriesPerBatch ?? 3,
    baseDelayMs: initialBackoffMs,
    maxDelayMs: maxBackoffMs,
  };
  const sender = createRequestSender({
    tokenProvider: options.tokenProvider,
    // Each attempt has its own deadline, so a hung platform costs one timeout, then a retry.
    fetch: (request, init) => {
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      return fetchImpl(request, {
        signal: init?.signal === undefined ? timeout : AbortSignal.any([init.signal, timeout]),
      });
    },
    retry,
    random,
    sleep: (ms) => sleepUnlessHalted(ms),
  });

  const state: ShipperState = {
    status: enabled ? 'idle' : 'disabled',
    pending: wal.pendingCount,
    accepted: 0,
    duplicates: 0,
    confirmedLocally: 0,
    batches: 0,
    failures: 0,
    consecutiveFailures: 0,
    rejectedBatches: 0,
    conflicts: 0,
    tooLate: 0,
  };
  let started = false;
  let stopped = false;
  let urgent = 0;
  let loop: Promise<void> | undefined;
  // Aborted by stop(): ends a request in flight and the sender's backoff waits.
  const halt = new AbortController();
  let sleeper: { wakeOn: WakeReason; done: () => void } | undefined;
  const idleWaiters = new Set<() => void>();

  function wake(reason: WakeReason): void {
    if (sleeper && (reason === 'urgent' || sleeper.wakeOn === 'append')) sleeper.done();
  }

  function nap(ms: number | undefined, wakeOn: WakeReason): Promise<void> {
    return new Promise((resolve) => {
      if (stopped) return resolve();
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms);
      const done = (): void => {
        clearTimeout(timer);
        sleeper = undefined;
        resolve();
      };
      sleeper = { wakeOn, done };
    });
  }

  /** The sender's backoff waits; stop() cuts them short. */
  function sleepUnlessHalted(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (halt.signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        halt.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      halt.signal.addEventListener('abort', done);
    });
  }

  const unsubscribe = wal.onAppend(() => wake('append'));

  function backoffMs(failures: number): number {
    const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.max(0, failures - 1));
    // Equal jitter: never less than half the step, so a fleet of runtimes spreads without hammering.
    return ceiling / 2 + (random() * ceiling) / 2;
  }

  /** Takes the events the platform refused one by one out of the log, loudly. */
  async function setAside(
    batch: UsageRecord[],
    indexes: number[],
    code: EventRefusal,
    detail: string,
  ): Promise<void> {
    const records = indexes.map((i) => batch[i]).filter((r): r is UsageRecord => r !== undefined);
    for (const record of records) logger.error({ code, record, detail }, EVENT_REFUSALS[code]);
    const removed = await wal.confirm(records.map((r) => r.id));
    if (code === 'USAGE_EVENT_TOO_LATE') state.tooLate += removed;
    else state.conflicts += removed;
  }

  /** One batch through the sender; what it answers, or why it failed after the sender's retries. */
  async function send(batch: UsageRecord[]): Promise<Outcome> {
    const ids = batch.map((r) => r.id);
    const body = batchBody(batch, allocationId);
    let answer: unknown;
    try {
      const response = await sender(
        new Request(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            // The sender keeps a key it is given: this one follows the body's bytes (see above).
            'idempotency-key': idempotencyKey(body),
          },
          body,
        }),
        { signal: halt.signal },
      );
      answer = await response.json().catch(() => undefined);
    } catch (error) {
      return failed(error, batch);
    }
    const { accepted, duplicates } = confirmedIds(answer, new Set(ids));
    const confirmed = await wal.confirm([...accepted, ...duplicates]);
    if (accepted.length + duplicates.length === 0) {
      state.lastError = `POST ${endpoint}: the answer confirmed none of ${ids.length} events`;
      return { ok: false };
    }
    state.accepted += accepted.length;
    state.duplicates += duplicates.length;
    state.batches++;
    if (accepted.length + duplicates.length < ids.length) {
      logger.warn(
        { sent: ids.length, confirmed },
        'usage shipper: the platform confirmed part of a batch; the rest is sent again',
      );
    }
    return { ok: true };
  }

  /** What a batch that failed after the sender's retries means for the loop. */
  async function failed(error: unknown, batch: UsageRecord[]): Promise<Outcome> {
    if (!isApiError(error)) {
      // Unreachable, timed out, no token yet: back off and send it again.
      state.lastError = `POST ${endpoint}: ${error instanceof Error ? error.message : String(error)}`;
      return { ok: false };
    }
    const detail = `${error.code}: ${error.message}`.slice(0, 500);
    state.lastError = `POST ${endpoint}: HTTP ${error.status} ${detail}`;
    const refused = refusedIndexes(error, batch.length);
    if (refused.length > 0 && isEventRefusal(error.code)) {
      // Nothing of the batch was stored; what is left goes again at once, under its own key.
      await setAside(batch, refused, error.code, detail);
      return { ok: true };
    }
    // The sender has already waited these out a few times; the loop goes on backing off.
    const retryable = error.status === 429 || error.status >= 500 || error.code === 'IDEMPOTENCY_IN_FLIGHT';
    return retryable ? { ok: false } : { ok: false, rejected: { status: error.status, detail } };
  }

  async function run(): Promise<void> {
    while (!stopped) {
      let batch = wal.pending(batchSize);
      state.pending = wal.pendingCount;
      if (batch.length === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters.clear();
        if (state.status !== 'stuck') state.status = enabled ? 'idle' : 'disabled';
        await nap(undefined, 'append');
        continue;
      }
      if (!enabled) {
        const confirmed = await wal.confirm(batch.map((r) => r.id)).catch((error: unknown) => {
          logger.error({ err: error }, 'usage shipper: local confirmation failed');
          return 0;
        });
        state.confirmedLocally += confirmed;
        if (confirmed === 0) await nap(initialBackoffMs, 'urgent');
        continue;
      }
      if (batch.length < batchSize && urgent === 0 && lingerMs > 0) {
        await nap(lingerMs, 'urgent');
        if (stopped) break;
        batch = wal.pending(batchSize);
        if (batch.length === 0) continue;
      }
      if (state.status !== 'stuck') state.status = 'shipping';
      const outcome = await send(batch).catch((error: unknown): Outcome => {
        // wal.confirm failed: the log is broken; keep retrying rather than pretend it shipped.
        state.lastError = error instanceof Error ? error.message : String(error);
        return { ok: false };
      });
      state.pending = wal.pendingCount;
      if (outcome.ok) {
        if (state.stuck)
          logger.info({ since: state.stuck.since }, 'usage shipper: the platform accepts usage again');
        state.consecutiveFailures = 0;
        delete state.stuck;
        state.status = 'shipping';
        continue;
      }
      state.failures++;
      state.consecutiveFailures++;
      let delay: number;
      if (outcome.rejected) {
        state.rejectedBatches++;
        state.stuck ??= { ...outcome.rejected, since: new Date().toISOString() };
        state.status = 'stuck';
        delay = maxBackoffMs;
        logger.error(
          {
            code: 'USAGE_REJECTED',
            status: outcome.rejected.status,
            detail: outcome.rejected.detail,
            pending: state.pending,
            first_id: batch[0]?.id,
          },
          'usage shipper: the platform REFUSED a usage batch; the events stay in the log and are retried',
        );
      } else {
        delay = backoffMs(state.consecutiveFailures);
        if (state.status !== 'stuck') state.status = 'backoff';
        logger.warn(
          { err: state.lastError, retry_in_ms: Math.round(delay), pending: state.pending },
          'usage shipper: shipping failed, retrying',
        );
      }
      await nap(delay, 'urgent');
    }
  }

  function start(): void {
    if (started || stopped) return;
    started = true;
    loop = run().catch((error: unknown) => logger.error({ err: error }, 'usage shipper: loop ended'));
  }

  async function flush(flushOptions: { timeoutMs?: number } = {}): Promise<FlushResult> {
    if (stopped) return { drained: wal.pendingCount === 0, pending: wal.pendingCount };
    start();
    urgent++;
    wake('urgent');
    let timer: NodeJS.Timeout | undefined;
    let waiter: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        waiter = resolve;
        idleWaiters.add(resolve);
        timer = setTimeout(resolve, flushOptions.timeoutMs ?? 10_000);
      });
    } finally {
      clearTimeout(timer);
      if (waiter) idleWaiters.delete(waiter);
      urgent--;
    }
    return { drained: wal.pendingCount === 0, pending: wal.pendingCount };
  }

  return {
    start,
    get state() {
      return { ...state, pending: wal.pendingCount, ...(state.stuck ? { stuck: { ...state.stuck } } : {}) };
    },
    flush,
    async stop(stopOptions = {}) {
      await flush(stopOptions.flushTimeoutMs === undefined ? {} : { timeoutMs: stopOptions.flushTimeoutMs });
      stopped = true;
      unsubscribe();
      halt.abort(new Error('the shipper is stopping'));
      wake('urgent');
      await loop;
      state.status = 'stopped';
      return { drained: wal.pendingCount === 0, pending: wal.pendingCount };
    },
  };
}
