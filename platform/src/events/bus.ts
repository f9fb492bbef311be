/**
 * The platform's event stream. Every event is written to `platform_events` (in the transaction of
 * the change it describes, when there is one) and delivered to this instance's subscribers at
 * once; a poller picks up events written by other instances on the same database. Rows are read
 * with an overlap window and de-duplicated by id, because ids from several instances do not
 * commit in id order.
 *
 * On PostgreSQL (docs/scale-out.md) the poller is woken at once by the writer's NOTIFY (wake.ts)
 * and polls every POLL_MS besides, and each poll reads only the rows it may not have seen: those
 * of transactions at or above the previous poll's snapshot horizon (`pg_snapshot_xmin`; every
 * transaction below it had ended, so its rows were visible to that poll) instead of the whole
 * overlap window again, which grew with the event rate (2 events a placement: at 1,000 placements
 * a second the 5 s window held 10,000 rows, past the 5,000 a poll read).
 */
import { AsyncResource } from 'node:async_hooks';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { currentContext } from '../context.js';
import { afterCommit } from '../db/joined-transaction.js';
import { isoTime, newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { EventWake } from './wake.js';

/** The envelope of asyncapi.yaml (CloudEvents field names). */
export interface PlatformEvent {
  specversion: '1.0';
  id: string;
  /** e.g. `allocation.state_changed`, `node.status_changed` (asyncapi.yaml). */
  type: string;
  /** The platform instance's URL. */
  source: string;
  /** What the event is about, e.g. `allocation/<id>`. */
  subject: string;
  time: string;
  /** Of the request that caused it; a fresh id for the reconciler's own changes. */
  correlation_id: string;
  project_id: string | null;
  data: Record<string, unknown>;
}

export interface NewEvent {
  type: string;
  subject: string;
  project_id: string | null;
  data: Record<string, unknown>;
}

type Listener = (event: PlatformEvent) => void;

/**
 * Runs a query outside the caller's request transaction (db/joined-transaction.ts joins queries by
 * async context; bound at module load, where there is none): a NOTIFY sent after a commit.
 */
const detached = AsyncResource.bind(<T>(run: () => Promise<T>): Promise<T> => run());

const OVERLAP_MS = 5_000;
const POLL_MS = 250;
const PAGE = 5000;
/** xids are 32-bit in a row's `xmin`: compared modulo 2^32 (a poll's rows span far less than 2^31). */
const XID_SPAN = 4294967296n;

export interface EventBusOptions {
  /** PostgreSQL's URL: NOTIFY wakes the pollers, and polls read only rows they may not have seen. */
  postgresUrl?: string;
  /** The timed poll's period (default 250 ms); with NOTIFY it only covers lost wake-ups. */
  pollMs?: number;
}

export class EventBus {
  readonly #db: Kysely<Tables>;
  readonly #logger: Logger;
  readonly #listeners = new Set<Listener>();
  /** Ids delivered within the overlap window, so a polled row is never delivered twice. */
  readonly #seen = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  /** A wake-up came while a poll ran: poll again after it. */
  #pollAgain = false;
  /** PostgreSQL: the previous poll's snapshot horizon (an xid8); none before the first. */
  #horizon: bigint | undefined;
  readonly #postgresUrl: string | undefined;
  readonly #pollMs: number;
  #wake: EventWake | undefined;

  readonly #source: () => string;

  constructor(db: Kysely<Tables>, logger: Logger, source: () => string, options: EventBusOptions = {}) {
    this.#db = db;
    this.#logger = logger;
    this.#source = source;
    this.#postgresUrl = options.postgresUrl;
    this.#pollMs = options.pollMs ?? POLL_MS;
  }

  /** The LISTEN/NOTIFY side (PostgreSQL only), made when first needed. */
  #wakeOf(): EventWake | undefined {
    if (this.#postgresUrl === undefined) return undefined;
    const db = this.#db;
    this.#wake ??= new EventWake({
      url: this.#postgresUrl,
      logger: this.#logger,
      onWake: () => void this.#poll(),
      send: (channel, payload) =>
        detached(() => sql`select pg_notify(${channel}, ${payload})`.execute(db)).then(() => undefined),
    });
    return this.#wake;
  }

  /** Writes the event with `db` (pass a transaction to commit it with the change); delivers it after. */
  async publish(db: Kysely<Tables>, input: NewEvent): Promise<PlatformEvent> {
    const event = this.#envelope(newId(), input);
    await db.insertInto('platform_events').values(rowOf(event)).execute();
    return event;
  }

  /** publish() for several events in one INSERT (a scheduling cycle's batch of placements). */
  async publishMany(db: Kysely<Tables>, inputs: readonly NewEvent[]): Promise<PlatformEvent[]> {
    const events = inputs.map((input) => this.#envelope(newId(), input));
    // 8 parameters a row: 500 rows stay far below either database's parameter limit.
    for (let i = 0; i < events.length; i += 500) {
      await db
        .insertInto('platform_events')
        .values(events.slice(i, i + 500).map(rowOf))
        .execute();
    }
    return events;
  }

  /**
   * Writes the event under an id the caller derived from what it describes, unless an event with
   * that id is stored already: several platform instances that each see the same outside event
   * (an app runtime's) record it once. Undefined when it was there (its writer delivers it, and
   * every other instance's poller picks it up).
   */
  async publishOnce(
    db: Kysely<Tables>,
    input: NewEvent & { id: string },
  ): Promise<PlatformEvent | undefined> {
    const event = this.#envelope(input.id, input);
    const result = await db
      .insertInto('platform_events')
      .values(rowOf(event))
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? event : undefined;
  }

  #envelope(id: string, input: NewEvent): PlatformEvent {
    return {
      specversion: '1.0',
      id,
      type: input.type,
      source: this.#source(),
      subject: input.subject,
      time: isoTime(),
      correlation_id: currentContext()?.correlationId ?? newId(),
      project_id: input.project_id,
      data: input.data,
    };
  }

  /**
   * Hands an already committed event to local subscribers. Inside an idempotent request's
   * transaction (db/joined-transaction.ts) the caller's own commit was a savepoint: the event waits
   * for the request's commit, and is dropped if it rolls back. Once committed, the other
   * instances' pollers are woken (PostgreSQL).
   */
  deliver(event: PlatformEvent): void {
    afterCommit(() => {
      this.#wakeOf()?.notify();
      this.#deliverNow(event);
    });
  }

  #deliverNow(event: PlatformEvent): void {
    if (this.#seen.has(event.id)) return;
    this.#seen.set(event.id, Date.parse(event.time));
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.warn({ err: error }, 'an event listener threw');
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.#poll(), this.#pollMs);
      this.#timer.unref();
    }
    this.#wakeOf()?.listen();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Events after `afterId` (for `Last-Event-ID` resumption), oldest first. */
  async since(afterId: string, limit = 1000): Promise<PlatformEvent[]> {
    const rows = await this.#db
      .selectFrom('platform_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** Stops polling and listening (no subscriber left, or the platform closing). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const wake = this.#wake;
    this.#wake = undefined;
    void wake?.stop();
  }

  async #poll(): Promise<void> {
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#pollAgain = false;
        await this.#pollOnce();
      } while (this.#pollAgain && this.#timer !== undefined);
    } catch (error) {
      this.#logger.warn({ err: error }, 'polling platform events failed');
    } finally {
      this.#polling = false;
    }
  }

  async #pollOnce(): Promise<void> {
    // Always the last OVERLAP_MS: late commits of other instances still fall inside the window.
    const floor = Date.now() - OVERLAP_MS;
    const from = isoTime(floor);
    if (this.#postgresUrl === undefined) {
      const rows = await this.#db
        .selectFrom('platform_events')
        .selectAll()
        .where('occurred_at', '>=', from)
        .orderBy('occurred_at')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const row of rows) this.#deliverNow(toEvent(row));
    } else {
      await this.#pollAboveHorizon(from);
    }
    for (const [id, at] of this.#seen) if (at < floor - OVERLAP_MS) this.#seen.delete(id);
  }

  /**
   * PostgreSQL: the window's rows of transactions at or above the previous horizon, page by page
   * (by occurred_at, id). The horizon moves to the first page's snapshot once every page was
   * read; a poll that read no row learnt nothing and keeps the one it had.
   */
  async #pollAboveHorizon(from: string): Promise<void> {
    const previous = this.#horizon;
    let next: bigint | undefined;
    let after: { at: string; id: string } | undefined;
    for (;;) {
      const above =
        previous === undefined
          ? sql<boolean>`true`
          : sql<boolean>`((xmin::text::bigint - ${String(previous % XID_SPAN)}::bigint) % 4294967296 + 4294967296) % 4294967296 < 2147483648`;
      const page = after;
      const rows = await this.#db
        .selectFrom('platform_events')
        .selectAll()
        .select(sql<string>`pg_snapshot_xmin(pg_current_snapshot())::text`.as('horizon'))
        .where('occurred_at', '>=', from)
        .where(above)
        .$if(page !== undefined, (q) =>
          q.where(sql<boolean>`(occurred_at, id) > (${page?.at ?? ''}, ${page?.id ?? ''})`),
        )
        .orderBy('occurred_at')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const { horizon, ...row } of rows) {
        next ??= BigInt(horizon);
        this.#deliverNow(toEvent(row));
      }
      const last = rows.at(-1);
      if (rows.length < PAGE || last === undefined) break;
      after = { at: last.occurred_at, id: last.id };
    }
    if (next !== undefined) this.#horizon = next;
  }
}

function rowOf(event: PlatformEvent): Tables['platform_events'] {
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
    correlation_id: event.correlation_id,
    project_id: event.project_id,
    data: JSON.stringify(event.data),
    occurred_at: event.time,
  };
}

function toEvent(row: Tables['platform_events']): PlatformEvent {
  return {
    specversion: '1.0',
    id: row.id,
    type: row.type,
    source: row.source,
    subject: row.subject,
    time: row.occurred_at,
    correlation_id: row.correlation_id,
    project_id: row.project_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
