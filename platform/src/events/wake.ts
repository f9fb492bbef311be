/**
 * Waking the other instances' event pollers at once (PostgreSQL LISTEN/NOTIFY) instead of at
 * their next poll: an instance that committed events sends `NOTIFY gpuaas_events` after the
 * commit, and every instance listening polls at once. The notification carries no event, only
 * the sender's instance id (so an instance ignores its own); the poll reads what was committed,
 * so a lost or coalesced notification delays delivery until the next timed poll, never loses an
 * event. Notifying after the commit, outside the writer's transaction, keeps the writers'
 * commits apart: a transaction that notifies takes a database-wide lock at its commit.
 *
 * Notifications are coalesced: while one is on its way, further requests wait and are sent as one
 * after it (a burst of creates costs one NOTIFY per round trip, not one per event). They go through
 * the platform's pool (`send`), so nothing is left open once the pool is closed; the listening
 * connection is this class's own, opened by `listen()` and ended by `stop()`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../logger.js';

export const EVENTS_CHANNEL = 'gpuaas_events';
/**
 * At most one NOTIFY per this many ms: a wake-up is worth a round trip, not one per commit (a busy
 * instance commits events hundreds of times a second; the timed poll is 250 ms away anyway).
 */
const MIN_SPACING_MS = 10;
const RECONNECT_MS = 1_000;

export class EventWake {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #onWake: () => void;
  readonly #send: (channel: string, payload: string) => Promise<void>;
  /** Tells this instance's notifications apart from the others'. */
  readonly #self = randomBytes(9).toString('base64url');
  #listener: pg.Client | undefined;
  #sending = false;
  #again = false;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: {
    url: string;
    logger: Logger;
    onWake: () => void;
    send: (channel: string, payload: string) => Promise<void>;
  }) {
    this.#url = options.url;
    this.#logger = options.logger;
    this.#onWake = options.onWake;
    this.#send = options.send;
  }

  /** Starts listening (idempotent); failures are logged and retried, polling covers meanwhile. */
  listen(): void {
    if (this.#listener !== undefined || this.#stopped) return;
    const client = new pg.Client({ connectionString: this.#url });
    this.#listener = client;
    const lost = (error: unknown) => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.end().catch(() => undefined);
      if (this.#stopped) return;
      this.#logger.warn({ err: error }, 'listening for events failed; polling only until it reconnects');
      this.#retry = setTimeout(() => this.listen(), RECONNECT_MS);
      this.#retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.payload !== this.#self) this.#onWake();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${EVENTS_CHANNEL}`))
      // Events committed while it was not listening: poll once now.
      .then(() => this.#onWake())
      .catch(lost);
  }

  /** Asks for a NOTIFY soon (after this instance committed events). Never throws. */
  notify(): void {
    if (this.#stopped) return;
    if (this.#sending) {
      this.#again = true;
      return;
    }
    this.#sending = true;
    const started = Date.now();
    void this.#sendOne()
      .then(
        () =>
          new Promise((resolve) => setTimeout(resolve, Math.max(0, MIN_SPACING_MS - (Date.now() - started)))),
      )
      .finally(() => {
        this.#sending = false;
        if (this.#again) {
          this.#again = false;
          this.notify();
        }
      });
  }

  async #sendOne(): Promise<void> {
    try {
      await this.#send(EVENTS_CHANNEL, this.#self);
    } catch (error) {
      this.#logger.warn({ err: error }, 'notifying other instances of events failed; they poll');
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
  }
}
