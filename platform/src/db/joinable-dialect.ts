/**
 * The dialect wrapper behind joined transactions (db/joined-transaction.ts): a query of the
 * database made inside a `JoinedTransaction`'s `run` gets the transaction's connection, a nested
 * `db.transaction()` there becomes a savepoint, and everything else gets a connection of its own.
 *
 * SQLite has one connection: the mutex Kysely keeps for it is kept here instead (a FIFO queue),
 * because a query joining the transaction must not wait for the lock its own transaction holds.
 */
import type {
  DatabaseConnection,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  TransactionSettings,
} from 'kysely';
import { FifoMutex } from './fifo-mutex.js';
import { JoinedTransaction, currentJoined } from './joined-transaction.js';
import type { TransactionOwner } from './joined-transaction.js';

class JoinableDriver implements Driver, TransactionOwner {
  readonly inner: Driver;
  /** Only for a single-connection database (SQLite). */
  readonly #mutex: FifoMutex | undefined;
  readonly #guardWrites: boolean;
  /** Connections of open joined transactions, by the connection domain code was given. */
  readonly #joined = new WeakMap<DatabaseConnection, JoinedTransaction>();

  constructor(inner: Driver, singleConnection: boolean, guardWrites: boolean) {
    this.inner = inner;
    this.#mutex = singleConnection ? new FifoMutex() : undefined;
    this.#guardWrites = guardWrites;
  }

  /** Set once Kysely has initialised the driver (lazily, on the first query). */
  initialized = false;

  async init(): Promise<void> {
    await this.inner.init();
    this.initialized = true;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const transaction = currentJoined(this);
    if (transaction !== undefined) {
      this.#joined.set(transaction.connection, transaction);
      return transaction.connection;
    }
    await this.#mutex?.lock();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.#mutex?.unlock();
      throw error;
    }
  }

  /** Gives a connection back; `joined`: the one domain code was given for it, no longer joined. */
  async release(connection: DatabaseConnection, joined?: DatabaseConnection): Promise<void> {
    if (joined !== undefined) this.#joined.delete(joined);
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.#mutex?.unlock();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (this.#joined.has(connection)) return;
    await this.release(connection);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const joined = this.#joined.get(connection);
    if (joined !== undefined) await joined.beginNested();
    else await this.inner.beginTransaction(connection, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const joined = this.#joined.get(connection);
    if (joined !== undefined) await joined.endNested(true);
    else await this.inner.commitTransaction(connection);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const joined = this.#joined.get(connection);
    if (joined !== undefined) await joined.endNested(false);
    else await this.inner.rollbackTransaction(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  /** Opens a joined transaction on a connection of its own. */
  async open(): Promise<JoinedTransaction> {
    const raw = await this.acquireOutside();
    try {
      await this.inner.beginTransaction(raw, {});
    } catch (error) {
      await this.release(raw);
      throw error;
    }
    const transaction = new JoinedTransaction(this, raw, this.#guardWrites);
    this.#joined.set(transaction.connection, transaction);
    return transaction;
  }

  /** A connection for a new transaction, never the joined one of the caller's context. */
  async acquireOutside(): Promise<DatabaseConnection> {
    await this.#mutex?.lock();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.#mutex?.unlock();
      throw error;
    }
  }
}

const drivers = new WeakMap<Kysely<never>, JoinableDriver>();

/**
 * Wraps `dialect` so that its queries can join a `JoinedTransaction`. `singleConnection`: the
 * database has one connection (SQLite), kept behind a mutex here. `guardWrites`: plain writes in a
 * joined transaction run under a savepoint (PostgreSQL, where a failed statement aborts it).
 */
export function joinableDialect(
  dialect: Dialect,
  options: { singleConnection: boolean; guardWrites: boolean },
): Dialect & { register(db: Kysely<never>): void } {
  let driver: JoinableDriver | undefined;
  return {
    createDriver() {
      driver = new JoinableDriver(dialect.createDriver(), options.singleConnection, options.guardWrites);
      return driver;
    },
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter(): DialectAdapter {
      const adapter = dialect.createAdapter();
      // The mutex lives in JoinableDriver; Kysely's own would block queries joining a transaction.
      return Object.create(adapter, { supportsMultipleConnections: { get: () => true } }) as DialectAdapter;
    },
    createIntrospector: (db) => dialect.createIntrospector(db),
    register(db) {
      if (driver === undefined) throw new Error('joinableDialect: register() before the Kysely instance');
      drivers.set(db, driver);
    },
  };
}

/** Opens a transaction that queries of `db` made inside its `run` join. */
export async function openJoinedTransaction<DB>(db: Kysely<DB>): Promise<JoinedTransaction> {
  const driver = drivers.get(db as unknown as Kysely<never>);
  if (driver === undefined) throw new Error('openJoinedTransaction: the database was not opened joinable');
  // Kysely initialises its driver lazily, on the first query.
  if (!driver.initialized) await db.connection().execute(() => Promise.resolve());
  return driver.open();
}
