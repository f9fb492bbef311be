/**
 * The on-disk format of the usage log: records and their framing (`<crc32 hex> <JSON>\n`), and the
 * small file helpers the log needs. wal.ts holds the logic.
 */
import { randomFillSync } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { RuntimeError } from '../errors.js';

const NEWLINE = 0x0a;
export type UsageOrigin = 'app' | 'runtime';

/** One usage event as stored in the log and shipped to the platform. */
export interface UsageRecord {
  id: string;
  meter: string;
  quantity: number;
  /** RFC 3339 time the usage happened (or was reported). */
  time: string;
  source: UsageOrigin;
  unit?: string;
  allocation_id?: string;
  project_id?: string;
}

/** What append() takes: id defaults to a UUIDv7 and time to now. */
export type UsageInput = Omit<UsageRecord, 'id' | 'time'> & { id?: string; time?: string };

/** A UUIDv7 (RFC 9562): time-ordered, so ids sort roughly by creation. */
export function uuidv7(now = Date.now()): string {
  const bytes = randomFillSync(Buffer.alloc(16));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function frame(json: string): string {
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

/**
 * Splits a log file into the payloads of its valid lines. A bad or unterminated last line is a
 * write torn by a crash (never acknowledged); a bad line elsewhere is corruption. Both are skipped.
 */
export function readFramed(data: Buffer, onBad: (line: number, torn: boolean) => void): string[] {
  const out: string[] = [];
  let start = 0;
  let line = 0;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    const last = end === -1 || end === data.length - 1;
    const chunk = data.subarray(start, end === -1 ? data.length : end);
    line++;
    const expected = chunk.length > 9 && chunk[8] === 0x20 ? chunk.subarray(0, 8).toString('latin1') : '';
    const payload = chunk.subarray(9);
    if (end === -1 || !/^[0-9a-f]{8}$/.test(expected) || crc32(payload) !== Number.parseInt(expected, 16)) {
      onBad(line, last);
    } else out.push(payload.toString('utf8'));
    if (end === -1) break;
    start = end + 1;
  }
  return out;
}

export function isRecord(value: unknown): value is UsageRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.meter === 'string' &&
    typeof r.quantity === 'number' &&
    typeof r.time === 'string' &&
    (r.source === 'app' || r.source === 'runtime')
  );
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}

export function normalize(input: UsageInput): UsageRecord {
  const id = input.id ?? uuidv7();
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new RuntimeError('METER_INVALID', 'a usage event id must be a string of 1 to 200 characters');
  }
  if (typeof input.quantity !== 'number' || !Number.isFinite(input.quantity) || input.quantity < 0) {
    throw new RuntimeError(
      'METER_INVALID',
      `usage quantity ${String(input.quantity)} is not a finite number >= 0`,
    );
  }
  const record: UsageRecord = {
    id,
    meter: input.meter,
    quantity: input.quantity,
    time: input.time ?? new Date().toISOString(),
    source: input.source,
  };
  if (input.unit !== undefined) record.unit = input.unit;
  if (input.allocation_id !== undefined) record.allocation_id = input.allocation_id;
  if (input.project_id !== undefined) record.project_id = input.project_id;
  return record;
}
