/**
 * One `gpuaas-platform serve` per SQLite database. SQLite suits one process (its leases would
 * work, but every write of every instance queues on one file lock), so a second server on the same
 * file refuses to start with DATABASE_IN_USE, naming the first one's pid. The lock is an
 * operating-system lock: a small SQLite file next to the database held in an EXCLUSIVE transaction
 * for the server's life. The kernel drops it when the process ends however it ends (a kill -9
 * included), so a restart after a crash is never blocked by a stale lock; there is no pid file to
 * trust. Short-lived commands (`token`, `users add`, migrations) do not take it and keep working
 * beside the server.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PlatformError } from '../errors.js';
import { dialectOf, sqliteFile } from './database.js';

/** What the holder writes beside its lock, for the message a second server shows. */
interface Holder {
  pid: number;
  host: string;
  data_dir: string;
  started_at: string;
}

export interface InstanceLock {
  /** The SQLite database file it guards. */
  readonly file: string;
  release(): void;
}

/**
 * Takes the instance lock of the SQLite database `url` selects (undefined on PostgreSQL, where any
 * number of instances may run). Throws DATABASE_IN_USE while another process holds it.
 */
export function lockSqliteInstance(options: {
  url: string | undefined;
  dataDir: string;
}): InstanceLock | undefined {
  if (dialectOf(options.url) !== 'sqlite') return undefined;
  const file = sqliteFile(options.url, options.dataDir);
  const lockFile = `${file}.serve-lock`;
  const holderFile = `${file}.serve-holder.json`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const lock = new BetterSqlite3(lockFile);
  chmodSync(lockFile, 0o600);
  try {
    // Fail at once rather than wait: the holder keeps it for as long as it serves.
    lock.pragma('busy_timeout = 0');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw inUse(file, options.dataDir, readHolder(holderFile));
  }
  const holder: Holder = {
    pid: process.pid,
    host: hostname(),
    data_dir: options.dataDir,
    started_at: new Date().toISOString(),
  };
  writeFileSync(holderFile, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      rmSync(holderFile, { force: true });
      lock.close();
    },
  };
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function inUse(file: string, dataDir: string, holder: Holder | undefined): PlatformError {
  const who =
    holder === undefined
      ? 'another gpuaas-platform serve'
      : `gpuaas-platform serve pid ${holder.pid} on ${holder.host} (data dir ${holder.data_dir}, since ${holder.started_at})`;
  return new PlatformError(
    'DATABASE_IN_USE',
    `the SQLite database ${file} is in use by ${who}\n` +
      `  hint: SQLite runs one server; stop pid ${holder?.pid ?? '(see above)'} first, give this one another --data-dir (data dir ${dataDir}), or run several instances on PostgreSQL (--database-url postgres://…)`,
  );
}
