import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRuntimeError } from '../errors.js';
import { openUsageWal, uuidv7 } from './wal.js';
import type { UsageInput, UsageWal } from './wal.js';

let dir: string;
const opened: UsageWal[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-wal-'));
});
afterEach(async () => {
  for (const wal of opened.splice(0)) await wal.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function open(options: Partial<Parameters<typeof openUsageWal>[0]> = {}): Promise<UsageWal> {
  const wal = await openUsageWal({ dir, ...options });
  opened.push(wal);
  return wal;
}

const ev = (id: string, quantity = 1): UsageInput => ({ id, meter: 'tokens', quantity, source: 'app' });

function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** Records whose lines name `id` in any segment file, read straight from disk. */
async function linesOnDisk(): Promise<string[]> {
  const ids: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('segment-')).sort()) {
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      const match = /^[0-9a-f]{8} (\{.*\})$/.exec(line);
      if (match) ids.push((JSON.parse(match[1]!) as { id: string }).id);
    }
  }
  return ids;
}

function captureLogger(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (text: string) => void lines.push(JSON.parse(text) as { level: number; msg: string }) },
  );
  return { logger, lines };
}

describe('usage WAL', () => {
  it('acknowledges an append only after its fsync, and appends made during an fsync share the next one', async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const synced: string[][] = [];
    const wal = await open({
      sync: async () => {
        // What the fsync covers is already written when it is called.
        synced.push(await linesOnDisk());
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
      },
    });
    const acked: string[] = [];
    const first = wal.append(ev('a')).then(() => acked.push('a'));
    await expect.poll(() => gates.length).toBe(1);
    const rest = ['b', 'c', 'd', 'e'].map((id) => wal.append(ev(id)).then(() => acked.push(id)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(acked).toEqual([]);
    expect(wal.pending()).toEqual([]);

    gates[0]!.release();
    await first;
    expect(acked).toEqual(['a']);
    await expect.poll(() => gates.length).toBe(2);
    expect(acked).toEqual(['a']);
    gates[1]!.release();
    await Promise.all(rest);
    expect(acked.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gates).toHaveLength(2);
    expect(synced[0]).toEqual(['a']);
    expect(synced[1]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(wal.stats().commits).toBe(2);
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('gives ids (UUIDv7) and times to records that have none', async () => {
    const wal = await open();
    const { record } = await wal.append({ meter: 'tokens', quantity: 2, source: 'app' });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(record.time)).not.toBeNaN();
    expect(uuidv7(0) < uuidv7(1)).toBe(true);
  });

  it('dedupes by id: in one batch, across batches and after reopening', async () => {
    let wal = await open();
    const results = await wal.appendMany([ev('x', 1), ev('x', 2), ev('y', 3)]);
    expect(results.map((r) => [r.record.id, r.record.quantity, r.duplicate])).toEqual([
      ['x', 1, false],
      ['x', 1, true],
      ['y', 3, false],
    ]);
    const again = await wal.append(ev('y', 9));
    expect(again).toMatchObject({ duplicate: true, record: { id: 'y', quantity: 3 } });
    await wal.close();
    wal = await open();
    expect(await wal.append(ev('x', 5))).toMatchObject({ duplicate: true, record: { quantity: 1 } });
    expect(await linesOnDisk()).toEqual(['x', 'y']);
  });

  it('skips a torn last line with a warning and keeps every complete record', async () => {
    let wal = await open();
    await wal.appendMany([ev('a'), ev('b')]);
    await wal.close();
    const segment = (await readdir(dir)).find((n) => n.startsWith('segment-'))!;
    await appendFile(join(dir, segment), '1234abcd {"id":"c","meter":"tok');
    const { logger, lines } = captureLogger();
    wal = await open({ logger });
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'b']);
    expect(lines.some((l) => l.level === 40 && /torn last line/.test(l.msg))).toBe(true);
    // New records go to a new segment, so the torn line is never followed by good ones.
    await wal.append(ev('c'));
    await wal.close();
    wal = await open();
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('skips a record with a bad checksum in the middle of a segment, loudly', async () => {
    let wal = await open();
    await wal.appendMany([ev('a'), ev('b'), ev('c')]);
    await wal.close();
    const segment = join(
      dir,
      (await readdir(dir)).find((n) => n.startsWith('segment-'))!,
    );
    const text = await readFile(segment, 'utf8');
    await writeFile(
      segment,
      text.replace('"id":"b","meter":"tokens","quantity":1', '"id":"b","meter":"tokens","quantity":7'),
    );
    const { logger, lines } = captureLogger();
    wal = await open({ logger });
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'c']);
    expect(lines.some((l) => l.level === 50 && /corrupt record/.test(l.msg))).toBe(true);
  });

  it('persists confirmations: a confirmed record is not pending after reopening', async () => {
    let wal = await open();
    await wal.appendMany(['a', 'b', 'c', 'd', 'e'].map((id) => ev(id)));
    expect(await wal.confirm(['b', 'd', 'zz'])).toBe(2);
    expect(await wal.confirm(['b'])).toBe(0);
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'c', 'e']);
    expect(wal.pending(2).map((r) => r.id)).toEqual(['a', 'c']);
    await wal.close();
    // A confirmation torn by a crash is skipped: those ids are simply sent again.
    await appendFile(join(dir, 'confirmed.wal'), '00000000 ["a"');
    wal = await open();
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'c', 'e']);
    expect(wal.pendingCount).toBe(3);
    // A confirmation made after that torn line must survive the next open as well.
    await wal.confirm(['c']);
    await wal.close();
    wal = await open();
    expect(wal.pending().map((r) => r.id)).toEqual(['a', 'e']);
  });

  it('rotates segments and deletes the ones whose records are all confirmed', async () => {
    let wal = await open({ maxSegmentBytes: 600 });
    const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    for (let i = 0; i < ids.length; i += 4) await wal.appendMany(ids.slice(i, i + 4).map((id) => ev(id)));
    const segmentsBefore = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    expect(segmentsBefore.length).toBeGreaterThan(4);

    await wal.confirm(ids.slice(0, 30));
    const segmentsAfter = (await readdir(dir)).filter((n) => n.startsWith('segment-'));
    expect(segmentsAfter.length).toBeLessThan(segmentsBefore.length);
    expect(await linesOnDisk()).toEqual(expect.arrayContaining(ids.slice(30)));
    expect((await linesOnDisk()).length).toBeLessThan(40);
    expect(wal.pending().map((r) => r.id)).toEqual(ids.slice(30));

    await wal.confirm(ids.slice(30));
    await wal.close();
    // The last segment was still active; the next open finds it fully confirmed and drops it.
    wal = await open();
    expect(wal.pending()).toEqual([]);
    await expect.poll(async () => linesOnDisk()).toEqual([]);
    await wal.append(ev('later'));
    await wal.close();
    wal = await open();
    expect(wal.pending().map((r) => r.id)).toEqual(['later']);
    expect(await readFile(join(dir, 'confirmed.wal'), 'utf8')).toBe('');
  });

  it('refuses every append after a failed fsync', async () => {
    let fail = false;
    const wal = await open({
      sync: async (handle) => {
        if (fail) throw new Error('EIO');
        await handle.datasync();
      },
    });
    await wal.append(ev('ok'));
    fail = true;
    const error: unknown = await wal.append(ev('lost')).catch((e: unknown) => e);
    expect(isRuntimeError(error) && error.code).toBe('USAGE_LOG_FAILED');
    fail = false;
    await expect(wal.append(ev('after'))).rejects.toMatchObject({ code: 'USAGE_LOG_FAILED' });
    expect(wal.pending().map((r) => r.id)).toEqual(['ok']);
  });

  it('refuses a quantity that is not a finite number >= 0', async () => {
    const wal = await open();
    await expect(wal.append(ev('neg', -1))).rejects.toMatchObject({ code: 'METER_INVALID' });
    await expect(wal.append(ev('nan', Number.NaN))).rejects.toMatchObject({ code: 'METER_INVALID' });
    expect(wal.pendingCount).toBe(0);
  });

  it('tells listeners when records became durable', async () => {
    const wal = await open();
    let calls = 0;
    const off = wal.onAppend(() => calls++);
    await wal.append(ev('a'));
    expect(calls).toBe(1);
    off();
    await wal.append(ev('b'));
    expect(calls).toBe(1);
  });
});
