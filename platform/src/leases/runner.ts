/**
 * LeaseRunner: runs this instance's share of the background work that must happen on exactly one
 * instance. Each job has a lease (store.ts); every `ttl/3` the runner renews the leases it holds
 * and tries to take the ones it does not, starting a job when its lease is taken and stopping it
 * at once when the lease is lost (another instance took it over, or it could not be renewed
 * before it expired). With the default ttl of 10 s an instance that dies is replaced within
 * ttl + ttl/3 ≈ 13 s. Writes that must never come from a former holder are fenced: the job calls
 * `fence(trx)` inside its write transaction (JobLease), which rolls the transaction back with
 * LeaseLost unless the lease is still this instance's.
 *
 * Lifecycle: `IDLE` → `RUNNING` (start: a first round of acquisitions, then the heartbeat) →
 * `STOPPED` (stop: jobs stopped, leases released so another instance takes over at once).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Gauge } from 'prom-client';
import type { Tables } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { LeaseLost } from './errors.js';
import { acquireLease, fenceLease, releaseLease, renewLease } from './store.js';

/** Default lease lifetime: another instance takes over within about 13 s of a death. */
export const DEFAULT_LEASE_TTL_MS = 10_000;

/** Work that runs only while this instance holds its lease. */
export interface LeasedJob {
  /** The lease was taken: start the work (timers, subscriptions). */
  start(): void;
  /** The lease was lost or is being given up: stop the work; awaited on a clean stop. */
  stop(): void | Promise<void>;
}

/** What a job's code sees of its lease. */
export interface JobLease {
  readonly name: string;
  /** True while this instance holds the lease and it has not expired by this instance's clock. */
  readonly held: () => boolean;
  /**
   * Inside the job's write transaction, before its writes: throws LeaseLost (so the transaction
   * rolls back) unless this instance still holds the lease, and on PostgreSQL keeps the lease
   * row locked until the transaction ends, so no takeover lands in between.
   */
  readonly fence: (trx: Transaction<Tables>) => Promise<void>;
}

export type LeaseRunnerState = 'IDLE' | 'RUNNING' | 'STOPPED';

export interface LeaseRunnerOptions {
  db: Kysely<Tables>;
  logger: Logger;
  /** This instance's id in the `owner` column (default `host:pid:random`). */
  owner?: string;
  /** Default DEFAULT_LEASE_TTL_MS; leases are renewed every ttl/3. */
  ttlMs?: number;
  /** Milliseconds since the epoch (tests inject one). */
  clock?: () => number;
  /** How often the heartbeat runs (default ttl/3; tests that call `tick()` themselves set it long). */
  heartbeatMs?: number;
  /** Set to 1 or 0 per lease (`gpuaas_leases_held`). */
  gauge?: Gauge<'lease'>;
  /**
   * This process is the only instance on its database (serve holds the SQLite instance lock): a
   * lease another owner left is a dead process's, taken at start without waiting for its expiry.
   */
  sole?: boolean;
}

interface Entry {
  readonly name: string;
  job: LeasedJob | undefined;
  /** Set while held. */
  token: string | undefined;
  /** This instance's clock time after which it no longer counts the lease as its own. */
  expiresAt: number;
  /** A job being stopped after a loss; the lease is not taken again before it has stopped. */
  stopping: Promise<void> | undefined;
}

export class LeaseRunner {
  readonly owner: string;
  readonly ttlMs: number;
  readonly #db: Kysely<Tables>;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #gauge: Gauge<'lease'> | undefined;
  readonly #heartbeatMs: number;
  readonly #entries = new Map<string, Entry>();
  #force: boolean;
  #state: LeaseRunnerState = 'IDLE';
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(options: LeaseRunnerOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.#clock = options.clock ?? Date.now;
    this.#gauge = options.gauge;
    this.#heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.#force = options.sole === true;
  }

  get state(): LeaseRunnerState {
    return this.#state;
  }

  /** The lease `name` as a job's code sees it (the job itself is attached with `run`). */
  lease(name: string): JobLease {
    const entry = this.#entry(name);
    return {
      name,
      held: () => entry.token !== undefined && this.#clock() < entry.expiresAt,
      fence: (trx) => this.#fence(entry, trx),
    };
  }

  /** Runs `job` whenever this instance holds the lease `name`. */
  run(name: string, job: LeasedJob): JobLease {
    const entry = this.#entry(name);
    if (entry.job !== undefined) throw new Error(`lease ${name} already has a job`);
    entry.job = job;
    return this.lease(name);
  }

  /** The leases this instance holds now. */
  held(): string[] {
    return [...this.#entries.values()].filter((e) => e.token !== undefined).map((e) => e.name);
  }

  /** Takes what it can now (resolves after that first round), then keeps at it every ttl/3. */
  async start(): Promise<void> {
    if (this.#state !== 'IDLE') return;
    this.#state = 'RUNNING';
    await this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#heartbeatMs);
    this.#timer.unref();
  }

  /** One heartbeat: renew what is held, try to take the rest. Tests drive it with their clock. */
  tick(): Promise<void> {
    if (this.#ticking !== undefined) return this.#ticking;
    const run = async () => {
      try {
        for (const entry of this.#entries.values()) {
          if (this.#state !== 'RUNNING') return;
          if (entry.job === undefined) continue;
          if (entry.token === undefined) await this.#acquire(entry);
          else await this.#renew(entry);
        }
        this.#force = false;
      } finally {
        this.#ticking = undefined;
      }
    };
    this.#ticking = run();
    return this.#ticking;
  }

  /** Stops every job, then gives its lease up so another instance takes over at its next try. */
  async stop(): Promise<void> {
    if (this.#state === 'STOPPED') return;
    this.#state = 'STOPPED';
    clearInterval(this.#timer);
    await this.#ticking;
    for (const entry of this.#entries.values()) {
      await entry.stopping;
      const token = entry.token;
      if (token === undefined) continue;
      this.#forget(entry);
      await this.#stopJob(entry);
      try {
        await releaseLease(this.#db, { name: entry.name, token });
      } catch (error) {
        this.#logger.warn({ err: error, lease: entry.name }, 'releasing a lease failed: it expires instead');
      }
    }
  }

  #entry(name: string): Entry {
    let entry = this.#entries.get(name);
    if (entry === undefined) {
      entry = { name, job: undefined, token: undefined, expiresAt: 0, stopping: undefined };
      this.#entries.set(name, entry);
      this.#gauge?.set({ lease: name }, 0);
    }
    return entry;
  }

  async #acquire(entry: Entry): Promise<void> {
    if (entry.stopping !== undefined) return;
    const now = this.#clock();
    const token = randomUUID();
    let taken: boolean;
    try {
      taken = await acquireLease(this.#db, {
        name: entry.name,
        owner: this.owner,
        token,
        now,
        ttlMs: this.ttlMs,
        force: this.#force,
      });
    } catch (error) {
      this.#logger.warn({ err: error, lease: entry.name }, 'taking a lease failed');
      return;
    }
    if (!taken) return;
    if (this.#state !== 'RUNNING') {
      await releaseLease(this.#db, { name: entry.name, token }).catch(() => undefined);
      return;
    }
    entry.token = token;
    entry.expiresAt = now + this.ttlMs;
    this.#gauge?.set({ lease: entry.name }, 1);
    this.#logger.info({ lease: entry.name, owner: this.owner }, 'lease taken: job starts');
    try {
      entry.job?.start();
    } catch (error) {
      this.#logger.error({ err: error, lease: entry.name }, 'a leased job failed to start');
      this.#forget(entry);
      await releaseLease(this.#db, { name: entry.name, token }).catch(() => undefined);
    }
  }

  async #renew(entry: Entry): Promise<void> {
    const token = entry.token;
    if (token === undefined) return;
    const now = this.#clock();
    let renewed: boolean;
    try {
      renewed = await renewLease(this.#db, { name: entry.name, token, now, ttlMs: this.ttlMs });
    } catch (error) {
      this.#logger.warn({ err: error, lease: entry.name }, 'renewing a lease failed');
      // Unreachable database: past the expiry another instance may have taken it.
      if (this.#clock() >= entry.expiresAt) this.#lose(entry, token, 'it expired before it could be renewed');
      return;
    }
    if (entry.token !== token) return;
    if (renewed) entry.expiresAt = now + this.ttlMs;
    else this.#lose(entry, token, 'another instance took it over');
  }

  async #fence(entry: Entry, trx: Transaction<Tables>): Promise<void> {
    const token = entry.token;
    if (token === undefined) throw new LeaseLost(entry.name, 'not held');
    if (await fenceLease(trx, { name: entry.name, token, now: this.#clock() })) return;
    this.#lose(entry, token, 'a fenced write found it expired or taken over');
    throw new LeaseLost(entry.name, 'expired or taken over');
  }

  /** The lease is gone: the job stops at once (not awaited: a fence calls this mid-transaction). */
  #lose(entry: Entry, token: string, why: string): void {
    if (entry.token !== token) return;
    this.#forget(entry);
    this.#logger.warn({ lease: entry.name, owner: this.owner }, `lease lost (${why}): job stops`);
    entry.stopping = this.#stopJob(entry).finally(() => {
      entry.stopping = undefined;
    });
  }

  #forget(entry: Entry): void {
    entry.token = undefined;
    entry.expiresAt = 0;
    this.#gauge?.set({ lease: entry.name }, 0);
  }

  async #stopJob(entry: Entry): Promise<void> {
    try {
      await entry.job?.stop();
    } catch (error) {
      this.#logger.error({ err: error, lease: entry.name }, 'stopping a leased job failed');
    }
  }
}
