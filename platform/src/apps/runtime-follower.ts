/**
 * One allocation's runtime, followed for the AppInstanceWatcher (instance-watcher.ts): its event
 * stream opened through the runtime transport, reopened with backoff, each event translated and
 * published in the order the runtime sent it, under the launch it belongs to. A runtime keeps its
 * stream across launches, and reports a new launch (`fetching`) before the platform records it:
 * those events wait for the record, and a launch refused while fetching leaves none.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { openRuntime } from '../allocations/runtime-client.js';
import { loadAllocation } from '../allocations/views.js';
import type { Tables } from '../db/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../logger.js';
import { derivedEventId, publishInstanceEvent } from './instance-events.js';
import { RuntimeEventTranslator } from './instance-event-translation.js';
import type { TranslatedEvent } from './instance-event-translation.js';
import { runtimeOf } from './launcher.js';
import { readRuntimeEvents } from './runtime-events.js';

export interface FollowerOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  reconnect: { minMs: number; maxMs: number };
  afterEndMs: number;
  idleMs: number;
}

/** A follower whose launch is still being fetched waits this long for the platform to record it. */
const PENDING_MAX_MS = 10 * 60_000;
const PENDING_POLL_MS = 250;
const PENDING_MAX_EVENTS = 200;
/** How long after the runtime went past fetching its launch must be recorded. */
const RECORD_WAIT_MS = 5_000;
/** A runtime may send this many events at once, then this many a second (more are dropped). */
const BURST = 100;
const PER_SECOND = 10;

type LaunchRow = Awaited<ReturnType<RuntimeFollower['latestLaunch']>>;

/** One allocation's runtime, followed until its launch ended a while ago or the allocation stopped. */
export class RuntimeFollower {
  readonly #id: string;
  readonly #options: FollowerOptions;
  readonly #onEnd: () => void;
  readonly #translator: RuntimeEventTranslator;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #response: IncomingMessage | undefined;
  #keepUntil = 0;
  #waiters: (() => void)[] = [];
  #streaming = false;
  #wake = new AbortController();
  /**
   * The newest launch this follower knew of before the runtime said anything more (read before
   * the stream opens, and with each event it places): a launch recorded after it is a new one.
   */
  #known: string | undefined;
  /**
   * Events of a launch the runtime began but the platform has not recorded yet (it records it
   * once the runtime answered, after fetching); `fetched` once the runtime went past fetching.
   */
  #pending:
    | { previousLaunchId: string | undefined; since: number; fetched?: number; events: TranslatedEvent[] }
    | undefined;
  #chain: Promise<void> = Promise.resolve();
  #tokens = BURST;
  #refilled = Date.now();
  #dropping = false;

  constructor(allocationId: string, options: FollowerOptions, onEnd: () => void) {
    this.#id = allocationId;
    this.#options = options;
    this.#onEnd = onEnd;
    this.#translator = new RuntimeEventTranslator(allocationId);
  }

  start(): void {
    this.#running = this.#run().finally(() => {
      this.#opened();
      this.#onEnd();
    });
  }

  keepFor(ms: number): void {
    this.#keepUntil = Math.max(this.#keepUntil, Date.now() + ms);
  }

  /** Cuts a wait between reconnects short: a launch is about to start here. */
  poke(): void {
    this.#wake.abort();
  }

  /** Resolves once the stream is open (at once when it is), or an attempt to open it failed. */
  opened(): Promise<void> {
    if (this.#streaming) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The scan's periodic look: ends a follower whose launch is over while its stream is quiet. */
  recheck(): void {
    void this.#shouldFollow().then(
      (follow) => {
        if (!follow) this.#end();
      },
      (error: unknown) => this.#options.logger.warn({ err: error }, 'checking an app launch failed'),
    );
  }

  async stop(): Promise<void> {
    this.#end();
    await this.#running;
  }

  latestLaunch() {
    return this.#options.db
      .selectFrom('app_launches')
      .selectAll()
      .where('allocation_id', '=', this.#id)
      .orderBy('launched_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  }

  #end(): void {
    this.#abort.abort();
    this.#response?.destroy();
  }

  #opened(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #shouldFollow(): Promise<boolean> {
    const allocation = await loadAllocation(this.#options.db, this.#id);
    if (allocation?.state !== 'running') return false;
    if ((await this.latestLaunch())?.ended_at === null) {
      this.keepFor(this.#options.afterEndMs);
      return true;
    }
    const fetching = this.#pending !== undefined && Date.now() - this.#pending.since < PENDING_MAX_MS;
    return fetching || Date.now() < this.#keepUntil;
  }

  async #run(): Promise<void> {
    const { minMs, maxMs } = this.#options.reconnect;
    let wait = minMs;
    while (!this.#abort.signal.aborted && (await this.#shouldFollow())) {
      let openedAt: number | undefined;
      try {
        const allocation = await loadAllocation(this.#options.db, this.#id);
        if (allocation === undefined) return;
        // Before the stream opens: a launch the snapshot shows fetching cannot be recorded yet.
        this.#known = (await this.latestLaunch())?.id;
        const res = await openRuntime(runtimeOf(allocation), {
          method: 'GET',
          // The app's output is read where it is asked for (logs), never translated: not sent.
          path: '/v1/app/events?exclude=log',
          timeoutMs: this.#options.idleMs,
        });
        this.#response = res;
        if (this.#abort.signal.aborted) break;
        const type = String(res.headers['content-type'] ?? '');
        if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
          throw new Error(`the runtime answered ${res.statusCode} ${type} to its event stream`);
        }
        openedAt = Date.now();
        this.#streaming = true;
        this.#opened();
        let first = true;
        for await (const message of readRuntimeEvents(res)) {
          const events = first ? this.#translator.snapshot(message) : this.#translator.event(message);
          await this.#serially(() => this.#handle(events));
          first = false;
        }
      } catch (error) {
        if (!this.#abort.signal.aborted) {
          this.#options.logger.debug({ err: error, allocation_id: this.#id }, 'app event stream ended');
        }
      } finally {
        this.#response?.destroy();
        this.#response = undefined;
        this.#streaming = false;
        this.#opened();
      }
      // A stream that stayed open a while ended normally (idle, runtime restart): reopen soon.
      wait = openedAt !== undefined && Date.now() - openedAt > 10_000 ? minMs : wait;
      this.#wake = new AbortController();
      const woken = this.#wake.signal;
      await sleep(wait, undefined, { signal: AbortSignal.any([this.#abort.signal, woken]) }).catch(
        () => undefined,
      );
      wait = woken.aborted ? minMs : Math.min(maxMs, wait * 2);
    }
  }

  async #handle(events: TranslatedEvent[]): Promise<void> {
    for (const event of events) {
      if (!this.#take()) continue;
      try {
        if (event.startsLaunch === true) {
          this.#pending = { previousLaunchId: this.#known, since: Date.now(), events: [] };
          void this.#awaitLaunch();
        }
        if (this.#pending !== undefined) {
          this.#hold(event);
          await this.#resolvePending();
          continue;
        }
        const launch = await this.latestLaunch();
        this.#known = launch?.id;
        if (launch !== undefined) await this.#publish(launch, event);
      } catch (error) {
        this.#options.logger.warn({ err: error, allocation_id: this.#id }, 'publishing an app event failed');
      }
    }
  }

  /** Holds an event of a launch not recorded yet; a launch the runtime refused leaves nothing. */
  #hold(event: TranslatedEvent): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    const { from, to } = event.data;
    if (
      event.type === 'app_instance.state_changed' &&
      from === 'fetching' &&
      (to === 'failed' || to === 'stopped')
    ) {
      // Refused while fetching (untrusted, aborted): the caller got the refusal, no instance exists.
      this.#pending = undefined;
      return;
    }
    if (event.type === 'app_instance.state_changed' && from === 'fetching') pending.fetched ??= Date.now();
    if (pending.events.length < PENDING_MAX_EVENTS) pending.events.push(event);
  }

  /** Polls for the launch row while events wait for it (the runtime answers before it is written). */
  async #awaitLaunch(): Promise<void> {
    while (this.#pending !== undefined && !this.#abort.signal.aborted) {
      await sleep(PENDING_POLL_MS, undefined, { signal: this.#abort.signal }).catch(() => undefined);
      await this.#serially(() => this.#resolvePending()).catch((error: unknown) =>
        this.#options.logger.warn({ err: error, allocation_id: this.#id }, 'publishing an app event failed'),
      );
    }
  }

  async #resolvePending(): Promise<void> {
    const pending = this.#pending;
    if (pending === undefined) return;
    if (Date.now() - pending.since > PENDING_MAX_MS) {
      this.#pending = undefined;
      return;
    }
    const launch = await this.latestLaunch();
    if (launch === undefined || this.#pending !== pending) return;
    // Past fetching the runtime has answered, and the platform records the launch at once: a
    // launch not seen by then was recorded before the follower knew the one before it.
    const overdue = pending.fetched !== undefined && Date.now() - pending.fetched > RECORD_WAIT_MS;
    if (launch.id === pending.previousLaunchId && !overdue) return;
    this.#pending = undefined;
    this.#known = launch.id;
    for (const event of pending.events) await this.#publish(launch, event);
  }

  /** Runs `work` after the work before it: events are published in the order the runtime sent them. */
  #serially(work: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #publish(launch: NonNullable<LaunchRow>, event: TranslatedEvent): Promise<void> {
    const { db, bus } = this.#options;
    if (event.seenAs !== undefined) {
      const ids = event.seenAs.map((s) => derivedEventId(s.key, s.at));
      const seen = await db
        .selectFrom('platform_events')
        .select('id')
        .where('id', 'in', ids)
        .executeTakeFirst();
      if (seen !== undefined) return;
    }
    await publishInstanceEvent(bus, db, {
      type: event.type,
      launch,
      version: event.version,
      data: event.data,
      once: event.once,
    });
  }

  /** A token bucket: a runtime flooding its stream costs the platform a bounded number of writes. */
  #take(): boolean {
    const now = Date.now();
    this.#tokens = Math.min(BURST, this.#tokens + ((now - this.#refilled) / 1000) * PER_SECOND);
    this.#refilled = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#dropping = false;
      return true;
    }
    if (!this.#dropping) {
      this.#dropping = true;
      this.#options.logger.warn(
        { allocation_id: this.#id },
        'an app runtime sends too many events: dropping',
      );
    }
    return false;
  }
}
