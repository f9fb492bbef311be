/**
 * One transaction that code deeper down joins without being handed it: the HTTP pipeline opens a
 * `JoinedTransaction` for an idempotent request (http/request-transaction.ts), runs the handler
 * inside it (AsyncLocalStorage), and every query of the same database made there — plain ones and
 * `db.transaction()` alike — runs on the transaction's connection; a nested `db.transaction()`
 * becomes a savepoint. Domain code keeps its `db` and its own transactions and knows nothing of it.
 *
 * Two further rules make joining safe:
 * - on PostgreSQL a failed statement aborts the whole transaction, so a plain write made in the
 *   joined transaction (outside a nested one) runs under its own savepoint: domain code that
 *   catches a unique violation and carries on (a raced insert) keeps working;
 * - what must only happen once the change is committed (delivering events to subscribers) is
 *   deferred with `afterCommit` and dropped on rollback.
 *
 * The dialect wrapper that routes queries to the transaction is db/joinable-dialect.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery } from 'kysely';
import type { DatabaseConnection, Driver, QueryResult } from 'kysely';
import { FifoMutex } from './fifo-mutex.js';

/** The driver a joined transaction belongs to (db/joinable-dialect.ts). */
export interface TransactionOwner {
  readonly inner: Driver;
  /** Gives `connection` back; `joined`: the connection domain code was given, no longer joined. */
  release(connection: DatabaseConnection, joined?: DatabaseConnection): Promise<void>;
}

type State = 'open' | 'committed' | 'rolled back';

/** A transaction that queries of its database made inside `run` join. */
export class JoinedTransaction {
  readonly #driver: TransactionOwner;
  readonly #raw: DatabaseConnection;
  /** What domain code gets: plain writes under a savepoint where the dialect needs it. */
  readonly connection: DatabaseConnection;
  #state: State = 'open';
  #savepoints = 0;
  /** Nested transactions of one request run one after another (they share the connection). */
  readonly #nested = new FifoMutex();
  #nestedDepth = 0;
  readonly #afterCommit: (() => void)[] = [];

  constructor(driver: TransactionOwner, raw: DatabaseConnection, guardWrites: boolean) {
    this.#driver = driver;
    this.#raw = raw;
    // Always an object of its own: the driver tells joined queries apart by it (SQLite hands out
    // its one connection object to everybody).
    this.connection = guardWrites
      ? this.#guarded(raw)
      : {
          executeQuery: (query) => raw.executeQuery(query),
          streamQuery: (query, chunkSize) => raw.streamQuery(query, chunkSize),
        };
  }

  get state(): State {
    return this.#state;
  }

  /** Runs `fn` (and everything it starts) inside the transaction. */
  run<T>(fn: () => T): T {
    return storage.run(this, fn);
  }

  /**
   * The same for the transaction owner's own writes (the key, the audit record, the stored
   * answer): a failure of theirs ends the transaction anyway, so they skip the savepoint that
   * guards domain writes on PostgreSQL (two round trips each).
   */
  runUnguarded<T>(fn: () => T): T {
    return storage.run(this, () => unguarded.run(this, fn));
  }

  /** Whether a query of `driver`'s database made now joins this transaction. */
  joins(driver: TransactionOwner): boolean {
    return this.#state === 'open' && driver === this.#driver;
  }

  /** Runs `query` on the transaction's connection as it is (the pipeline's own writes). */
  async execute(query: CompiledQuery): Promise<QueryResult<unknown>> {
    this.#requireOpen();
    return this.#raw.executeQuery(query);
  }

  afterCommit(fn: () => void): void {
    this.#afterCommit.push(fn);
  }

  /** Commits, then runs what waited for the commit. Throws if a nested transaction is still open. */
  async commit(): Promise<void> {
    this.#requireOpen();
    if (this.#nestedDepth > 0) {
      throw new Error('a nested transaction is still running: work outlived the request that started it');
    }
    try {
      await this.#driver.inner.commitTransaction(this.#raw);
    } catch (error) {
      await this.rollback();
      throw error;
    }
    this.#state = 'committed';
    await this.#driver.release(this.#raw, this.connection);
    for (const fn of this.#afterCommit.splice(0)) fn();
  }

  /** Rolls back (nothing when already settled); what waited for a commit is dropped. */
  async rollback(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'rolled back';
    this.#afterCommit.length = 0;
    try {
      await this.#driver.inner.rollbackTransaction(this.#raw);
    } finally {
      await this.#driver.release(this.#raw, this.connection);
    }
  }

  async beginNested(): Promise<void> {
    await this.#nested.lock();
    this.#nestedDepth++;
    try {
      await this.#raw.executeQuery(CompiledQuery.raw(`savepoint ${this.#savepointName()}`));
    } catch (error) {
      this.#nestedDepth--;
      this.#nested.unlock();
      throw error;
    }
  }

  async endNested(commit: boolean): Promise<void> {
    const name = `gpuaas_sp_${this.#savepoints}`;
    try {
      if (!commit) await this.#raw.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`));
      await this.#raw.executeQuery(CompiledQuery.raw(`release savepoint ${name}`));
    } finally {
      this.#savepoints--;
      this.#nestedDepth--;
      this.#nested.unlock();
    }
  }

  #savepointName(): string {
    this.#savepoints++;
    return `gpuaas_sp_${this.#savepoints}`;
  }

  #requireOpen(): void {
    if (this.#state !== 'open') throw new Error(`the request transaction is ${this.#state}`);
  }

  /** PostgreSQL: a plain write that fails must not abort the whole request transaction. */
  #guarded(raw: DatabaseConnection): DatabaseConnection {
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (
          this.#nestedDepth > 0 ||
          query.query.kind === 'SelectQueryNode' ||
          unguarded.getStore() === this
        ) {
          return raw.executeQuery<R>(query);
        }
        await this.beginNested();
        let ok = false;
        try {
          const result = await raw.executeQuery<R>(query);
          ok = true;
          return result;
        } finally {
          await this.endNested(ok);
        }
      },
      streamQuery: (query, chunkSize) => raw.streamQuery(query, chunkSize),
    };
  }
}

const storage = new AsyncLocalStorage<JoinedTransaction>();
const unguarded = new AsyncLocalStorage<JoinedTransaction>();

/** The joined transaction of the current async context, if one is open. */
export function currentJoined(driver: TransactionOwner): JoinedTransaction | undefined {
  const transaction = storage.getStore();
  return transaction?.joins(driver) === true ? transaction : undefined;
}

/**
 * Runs `fn` once what the current code does is committed: at once outside a joined transaction
 * (the caller's own transaction has committed), after its commit inside one, never if it rolls back.
 */
export function afterCommit(fn: () => void): void {
  const transaction = storage.getStore();
  if (transaction?.state === 'open') transaction.afterCommit(fn);
  else fn();
}
