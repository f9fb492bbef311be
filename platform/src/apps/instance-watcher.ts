/**
 * AppInstanceWatcher: follows the runtime of every allocation with a live app launch (its
 * `GET /v1/app/events` stream, through the same transport as every runtime call) and republishes
 * what matters to the tenant as `app_instance.*` events (instance-event-translation.ts). One
 * follower per allocation, because a runtime runs one app at a time and keeps its stream across
 * launches; it starts when a launch starts (launcher.ts) or when a scan finds a live launch (at
 * platform start, or one another platform instance made), reconnects with backoff while the launch
 * is live, and ends a little after the launch ended (to see the app's last states) or as soon as
 * the allocation stops running (runtime-follower.ts). Several platform instances may follow one
 * runtime: each event's id is derived from the runtime's event, so it is recorded once. Every
 * platform instance follows every live runtime; that costs one stream per runtime per instance.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import { RuntimeFollower } from './runtime-follower.js';

export interface AppInstanceWatcherOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  /** How often live launches are looked for, and followers re-check theirs (default 5 s). */
  scanMs?: number;
  /** Waits between reconnects, doubling from `minMs` (default 500 ms to 30 s). */
  reconnect?: { minMs: number; maxMs: number };
  /** How long a runtime is still followed after its launch ended (default 15 s). */
  afterEndMs?: number;
  /** A quiet stream is reopened after this long, so a vanished runtime is noticed (default 60 s). */
  idleMs?: number;
}

/** What `watch` waits at most for the stream to open before the launch goes on. */
const WATCH_WAIT_MS = 1_000;

type Options = Required<AppInstanceWatcherOptions>;

export class AppInstanceWatcher {
  readonly #options: Options;
  readonly #followers = new Map<string, RuntimeFollower>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: AppInstanceWatcherOptions) {
    this.#options = {
      scanMs: 5_000,
      reconnect: { minMs: 500, maxMs: 30_000 },
      afterEndMs: 15_000,
      idleMs: 60_000,
      ...options,
    };
  }

  /** Follows every live launch now and looks for new ones every `scanMs`. */
  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    void this.#scan();
    this.#timer = setInterval(() => void this.#scan(), this.#options.scanMs);
    this.#timer.unref();
  }

  /**
   * Follows the allocation's runtime from now on (a launch is about to start there). Resolves
   * once its stream is open, or failed to open, or after a second: it never holds a launch up
   * for long and never fails it.
   */
  watch(allocationId: string): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const follower = this.#follow(allocationId);
    follower.keepFor(this.#options.afterEndMs);
    follower.poke();
    return Promise.race([follower.opened(), sleep(WATCH_WAIT_MS, undefined, { ref: false })]);
  }

  /** The allocations whose runtime is followed now. */
  followed(): string[] {
    return [...this.#followers.keys()];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#followers.values()].map((f) => f.stop()));
  }

  #follow(allocationId: string): RuntimeFollower {
    let follower = this.#followers.get(allocationId);
    if (follower === undefined) {
      const created = new RuntimeFollower(allocationId, this.#options, () => {
        if (this.#followers.get(allocationId) === created) this.#followers.delete(allocationId);
      });
      follower = created;
      this.#followers.set(allocationId, follower);
      follower.start();
    }
    return follower;
  }

  async #scan(): Promise<void> {
    try {
      const live = await this.#options.db
        .selectFrom('app_launches')
        .innerJoin('allocations', 'allocations.id', 'app_launches.allocation_id')
        .select('app_launches.allocation_id')
        .distinct()
        .where('app_launches.ended_at', 'is', null)
        .where('allocations.state', '=', 'running')
        .execute();
      if (this.#stopped) return;
      for (const { allocation_id: id } of live) this.#follow(id);
      for (const follower of this.#followers.values()) follower.recheck();
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'looking for live app launches failed');
    }
  }
}
