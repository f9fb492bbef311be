/**
 * The usage write-ahead log: every usage event is appended here and fsynced before anyone is told
 * it was recorded, and it leaves only after the platform confirmed it.
 *
 * Layout of `dir` (`<dataDir>/usage/`):
 * - `segment-<seq>.wal`: records, one line each: `<crc32 as 8 hex digits> <JSON>\n`. Each open
 *   starts a new segment, so a torn last line left by a crash is never followed by good lines;
 *   a segment rotates at `maxSegmentBytes`.
 * - `confirmed.wal`: confirmations, one line per `confirm()` call: `<crc32> <JSON array of ids>\n`,
 *   fsynced before the confirmation takes effect in memory. It is rewritten (temp file + rename)
 *   when compaction drops whole segments, so it only names ids of live segments.
 *
 * Group commit: appends join the open group; one writer writes a group with one write() and one
 * fdatasync, then resolves every append in it. Appends that arrive during that fsync form the
 * next group, so concurrency turns into bigger groups rather than more fsyncs.
 *
 * Memory holds the records of live segments (unconfirmed ones, plus confirmed ones until their
 * segment is compacted); a long platform outage therefore grows memory with the backlog.
 */
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { RuntimeError } from '../errors.js';
import { frame, isRecord, normalize, readFramed, readIfExists, syncDir } from './wal-format.js';
import type { UsageInput, UsageRecord } from './wal-format.js';

export { uuidv7 } from './wal-format.js';
export type { UsageInput, UsageOrigin, UsageRecord } from './wal-format.js';

export interface AppendResult {
  /** The stored record; for a duplicate, the one stored first under this id. */
  record: UsageRecord;
  /** True when the id was already in the log (nothing new was written). */
  duplicate: boolean;
}

export interface UsageWalOptions {
  dir: string;
  /** Rotate the active segment once it exceeds this size (default 4 MiB). */
  maxSegmentBytes?: number;
  /** Wait this long before writing a group, to gather more appends (default 0: the fsync itself batches). */
  commitDelayMs?: number;
  logger?: Logger;
  /** Makes written bytes durable (default `handle.datasync()`); tests replace it to observe ordering. */
  sync?: (handle: FileHandle) => Promise<void>;
}

export interface UsageWalStats {
  segments: number;
  /** Durable records not yet confirmed. */
  pending: number;
  /** Records appended (not duplicates) since open. */
  appended: number;
  /** Write+fsync groups committed since open. */
  commits: number;
}

export interface UsageWal {
  readonly dir: string;
  /** Appends one record; resolves after its fsync (or at once for a durable duplicate). */
  append(input: UsageInput): Promise<AppendResult>;
  /** Appends several records in order; they share commit groups. */
  appendMany(inputs: readonly UsageInput[]): Promise<AppendResult[]>;
  /** The oldest durable, unconfirmed records, in log order (at most `limit`). */
  pending(limit?: number): UsageRecord[];
  readonly pendingCount: number;
  /** Marks ids as confirmed by the platform, durably; returns how many were newly confirmed. */
  confirm(ids: Iterable<string>): Promise<number>;
  /** Deletes segments whose records are all confirmed (confirm() does this by itself). */
  compact(): Promise<number>;
  /** Calls `listener` whenever new records became durable; returns the unsubscribe function. */
  onAppend(listener: () => void): () => void;
  stats(): UsageWalStats;
  /** Writes what is queued, then closes the files. Appends after close are refused. */
  close(): Promise<void>;
}

const SEGMENT = /^segment-(\d{20})\.wal$/;
const CONFIRMED = 'confirmed.wal';
const CONFIRMED_TMP = 'confirmed.wal.tmp';

interface Segment {
  seq: number;
  path: string;
  ids: string[];
  unconfirmed: number;
  bytes: number;
}

interface Entry {
  record: UsageRecord;
  segment: Segment | undefined;
  confirmed: boolean;
  /** Set while the entry waits for its group's fsync. */
  group: Group | undefined;
}

interface Group {
  entries: Entry[];
  text: string[];
  bytes: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody awaits any more (all its appends were duplicates that failed) must not crash
  // the process with an unhandled rejection.
  done.catch(() => undefined);
  return { entries: [], text: [], bytes: 0, done, resolve, reject };
}

export async function openUsageWal(options: UsageWalOptions): Promise<UsageWal> {
  const { dir } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const maxSegmentBytes = options.maxSegmentBytes ?? 4 * 1024 * 1024;
  const commitDelayMs = options.commitDelayMs ?? 0;
  const sync = options.sync ?? ((handle: FileHandle) => handle.datasync());

  await mkdir(dir, { recursive: true, mode: 0o700 });
  await rm(join(dir, CONFIRMED_TMP), { force: true });

  const confirmedIds = new Set<string>();
  let confirmationsDamaged = false;
  const confirmedData = await readIfExists(join(dir, CONFIRMED));
  if (confirmedData) {
    const payloads = readFramed(confirmedData, (line, torn) => {
      confirmationsDamaged = true;
      logger.warn({ file: CONFIRMED, line, torn }, 'usage log: skipped a damaged confirmation line');
    });
    for (const payload of payloads) {
      const ids = JSON.parse(payload) as unknown;
      if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') confirmedIds.add(id);
    }
  }

  const known = new Map<string, Entry>();
  const unconfirmed = new Map<string, Entry>();
  const segments: Segment[] = [];
  const names = (await readdir(dir))
    .map((name) => ({ name, match: SEGMENT.exec(name) }))
    .filter((f) => f.match !== null)
    .map((f) => ({ name: f.name, seq: Number(f.match![1]) }))
    .sort((a, b) => a.seq - b.seq);
  for (const { name, seq } of names) {
    const path = join(dir, name);
    const data = await readFile(path);
    const segment: Segment = { seq, path, ids: [], unconfirmed: 0, bytes: data.length };
    const payloads = readFramed(data, (line, torn) => {
      if (torn)
        logger.warn({ segment: name, line }, 'usage log: skipped a torn last line (a crash during a write)');
      else logger.error({ segment: name, line }, 'usage log: skipped a corrupt record (checksum mismatch)');
    });
    for (const payload of payloads) {
      let value: unknown;
      try {
        value = JSON.parse(payload);
      } catch {
        value = undefined;
      }
      if (!isRecord(value)) {
        logger.error({ segment: name }, 'usage log: skipped a record that is not a usage event');
        continue;
      }
      if (known.has(value.id)) continue;
      const confirmed = confirmedIds.has(value.id);
      const entry: Entry = { record: value, segment, confirmed, group: undefined };
      known.set(value.id, entry);
      segment.ids.push(value.id);
      if (!confirmed) {
        unconfirmed.set(value.id, entry);
        segment.unconfirmed++;
      }
    }
    segments.push(segment);
  }

  let nextSeq = (names.at(-1)?.seq ?? 0) + 1;
  let active!: { segment: Segment; handle: FileHandle };
  async function openSegment(): Promise<void> {
    const seq = nextSeq++;
    const path = join(dir, `segment-${String(seq).padStart(20, '0')}.wal`);
    const handle = await open(path, 'wx', 0o600);
    await syncDir(dir);
    const segment: Segment = { seq, path, ids: [], unconfirmed: 0, bytes: 0 };
    segments.push(segment);
    active = { segment, handle };
  }
  await openSegment();
  let confirmHandle: FileHandle | undefined;
  // Appending after a torn confirmation would glue the next one onto it: start a clean file.
  if (confirmationsDamaged) await rewriteConfirmations();
  else confirmHandle = await open(join(dir, CONFIRMED), 'a', 0o600);

  const listeners = new Set<() => void>();
  let group = newGroup();
  let writing = false;
  let failure: RuntimeError | undefined;
  let closed = false;
  let drained: Promise<void> = Promise.resolve();
  let appended = 0;
  let commits = 0;
  // confirm, compact and close take turns: each rewrites or reads the confirmation file.
  let confirmChain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = confirmChain.then(task, task);
    confirmChain = run.catch(() => undefined);
    return run;
  };

  async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
      offset += bytesWritten;
    }
  }

  async function commit(g: Group): Promise<void> {
    if (active.segment.bytes > 0 && active.segment.bytes + g.bytes > maxSegmentBytes) {
      const old = active;
      await openSegment();
      await old.handle.close();
      if (old.segment.unconfirmed === 0) scheduleCompaction();
    }
    const { segment, handle } = active;
    await writeAll(handle, Buffer.from(g.text.join(''), 'utf8'));
    await sync(handle);
    segment.bytes += g.bytes;
    for (const entry of g.entries) {
      entry.segment = segment;
      entry.group = undefined;
      segment.ids.push(entry.record.id);
      segment.unconfirmed++;
      unconfirmed.set(entry.record.id, entry);
    }
    appended += g.entries.length;
    commits++;
  }

  function startWriter(): void {
    if (writing || group.entries.length === 0) return;
    writing = true;
    drained = (async () => {
      try {
        while (group.entries.length > 0 && failure === undefined) {
          if (commitDelayMs > 0) await sleep(commitDelayMs);
          const g = group;
          group = newGroup();
          try {
            await commit(g);
          } catch (error) {
            // After a failed fsync the kernel may have dropped the dirty pages: nothing written
            // since the last good fsync can be trusted, so the log refuses further appends.
            failure = new RuntimeError(
              'USAGE_LOG_FAILED',
              `the usage log could not be written: ${String(error)}`,
              {
                cause: error,
              },
            );
            logger.error(
              { err: error, dir },
              'usage log: write or fsync failed; appends are refused from now on',
            );
            for (const failed of [g, group]) {
              for (const entry of failed.entries) known.delete(entry.record.id);
              failed.reject(failure);
            }
            group = newGroup();
            break;
          }
          g.resolve();
          for (const listener of listeners) listener();
        }
      } finally {
        writing = false;
      }
    })();
  }

  async function appendMany(inputs: readonly UsageInput[]): Promise<AppendResult[]> {
    if (failure) throw failure;
    if (closed) throw new RuntimeError('USAGE_LOG_FAILED', 'the usage log is closed');
    const records = inputs.map(normalize);
    const results: AppendResult[] = [];
    const waits = new Set<Promise<void>>();
    for (const record of records) {
      const existing = known.get(record.id);
      if (existing) {
        if (existing.group) waits.add(existing.group.done);
        results.push({ record: existing.record, duplicate: true });
        continue;
      }
      const entry: Entry = { record, segment: undefined, confirmed: false, group };
      const text = frame(JSON.stringify(record));
      known.set(record.id, entry);
      group.entries.push(entry);
      group.text.push(text);
      group.bytes += Buffer.byteLength(text);
      waits.add(group.done);
      results.push({ record, duplicate: false });
    }
    startWriter();
    for (const wait of waits) await wait;
    return results;
  }

  function scheduleCompaction(): void {
    serial(compactNow).catch((error: unknown) =>
      logger.error({ err: error, dir }, 'usage log: compaction failed; it is retried on the next confirm'),
    );
  }

  // Keeps only confirmations of records that still exist, each line intact; a crash before the
  // rename leaves the old file, which merely names ids that are gone.
  async function rewriteConfirmations(): Promise<void> {
    const live: string[] = [];
    for (const segment of segments) {
      for (const id of segment.ids) if (known.get(id)?.confirmed) live.push(id);
    }
    const tmp = join(dir, CONFIRMED_TMP);
    const handle = await open(tmp, 'w', 0o600);
    try {
      if (live.length > 0) await writeAll(handle, Buffer.from(frame(JSON.stringify(live)), 'utf8'));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await confirmHandle?.close();
    await rename(tmp, join(dir, CONFIRMED));
    await syncDir(dir);
    confirmHandle = await open(join(dir, CONFIRMED), 'a', 0o600);
  }

  async function compactNow(): Promise<number> {
    const doomed = segments.filter((s) => s !== active.segment && s.unconfirmed === 0);
    if (doomed.length === 0) return 0;
    for (const segment of doomed) {
      await rm(segment.path, { force: true });
      segments.splice(segments.indexOf(segment), 1);
      for (const id of segment.ids) known.delete(id);
    }
    await syncDir(dir);
    await rewriteConfirmations();
    logger.debug({ removed: doomed.length }, 'usage log: compacted confirmed segments');
    return doomed.length;
  }

  // Segments left fully confirmed (or empty) by an earlier run go now, not at the next confirm.
  if (segments.some((s) => s !== active.segment && s.unconfirmed === 0)) scheduleCompaction();

  return {
    dir,
    append: async (input) => (await appendMany([input]))[0]!,
    appendMany,
    pending(limit = Number.POSITIVE_INFINITY) {
      const out: UsageRecord[] = [];
      for (const entry of unconfirmed.values()) {
        if (out.length >= limit) break;
        out.push(entry.record);
      }
      return out;
    },
    get pendingCount() {
      return unconfirmed.size;
    },
    confirm(ids) {
      const wanted = [...new Set(ids)];
      return serial(async () => {
        if (closed) throw new RuntimeError('USAGE_LOG_FAILED', 'the usage log is closed');
        const fresh = wanted.filter((id) => unconfirmed.has(id));
        if (fresh.length === 0) return 0;
        const handle = confirmHandle!;
        await writeAll(handle, Buffer.from(frame(JSON.stringify(fresh)), 'utf8'));
        await sync(handle);
        let emptied = false;
        for (const id of fresh) {
          const entry = unconfirmed.get(id)!;
          unconfirmed.delete(id);
          entry.confirmed = true;
          if (entry.segment && --entry.segment.unconfirmed === 0 && entry.segment !== active.segment) {
            emptied = true;
          }
        }
        if (emptied) await compactNow();
        return fresh.length;
      });
    },
    compact: () => serial(compactNow),
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ segments: segments.length, pending: unconfirmed.size, appended, commits }),
    async close() {
      if (closed) return;
      closed = true;
      await drained.catch(() => undefined);
      await serial(async () => {
        await active.handle.close();
        await confirmHandle?.close();
        if (active.segment.ids.length === 0) await rm(active.segment.path, { force: true });
      });
      listeners.clear();
    },
  };
}
