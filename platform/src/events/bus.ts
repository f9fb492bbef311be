/**
 * The platform's event stream. Every event is written to `platform_events` (in the transaction of
 * the change it describes, when there is one) and delivered to this instance's subscribers at
 * once; a poller picks up events written by other instances on the same database. Rows are read
 * with an overlap window and de-duplicated by id, because ids from several instances do not
 * commit in id order.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { currentContext } from '../context.js';
import { isoTime, newId } from '../ids.js';
import type { Logger } from '../logger.js';

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

const OVERLAP_MS = 5_000;
const POLL_MS = 250;

export class EventBus {
  readonly #db: Kysely<Tables>;
  readonly #logger: Logger;
  readonly #listeners = new Set<Listener>();
  /** Ids delivered within the overlap window, so a polled row is never delivered twice. */
  readonly #seen = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  readonly #source: () => string;

  constructor(db: Kysely<Tables>, logger: Logger, source: () => string) {
    this.#db = db;
    this.#logger = logger;
    this.#source = source;
  }

  /** Writes the event with `db` (pass a transaction to commit it with the change); delivers it after. */
  async publish(db: Kysely<Tables>, input: NewEvent): Promise<PlatformEvent> {
    const event = this.#envelope(newId(), input);
    await db.insertInto('platform_events').values(rowOf(event)).execute();
    return event;
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

  /** Hands an already committed event to local subscribers. */
  deliver(event: PlatformEvent): void {
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
      this.#timer = setInterval(() => void this.#poll(), POLL_MS);
      this.#timer.unref();
    }
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

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      // Always the last OVERLAP_MS: late commits of other instances still fall inside the window.
      const floor = Date.now() - OVERLAP_MS;
      const from = isoTime(floor);
      const rows = await this.#db
        .selectFrom('platform_events')
        .selectAll()
        .where('occurred_at', '>=', from)
        .orderBy('occurred_at')
        .orderBy('id')
        .limit(5000)
        .execute();
      for (const row of rows) this.deliver(toEvent(row));
      for (const [id, at] of this.#seen) if (at < floor - OVERLAP_MS) this.#seen.delete(id);
    } catch (error) {
      this.#logger.warn({ err: error }, 'polling platform events failed');
    } finally {
      this.#polling = false;
    }
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
