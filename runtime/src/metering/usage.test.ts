import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { gpuCountFromEnv, ownUsageId, startOwnUsage } from './usage.js';
import type { OwnUsageOptions } from './usage.js';
import { openUsageWal } from './wal.js';
import type { UsageRecord, UsageWal } from './wal.js';

let dir: string;
let wal: UsageWal;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-own-'));
  wal = await openUsageWal({ dir });
});
afterEach(async () => {
  await wal.close();
  await rm(dir, { recursive: true, force: true });
});

const brief = (records: UsageRecord[]): [string, number][] => records.map((r) => [r.id, r.quantity]);

function meter(options: Partial<OwnUsageOptions> = {}) {
  return startOwnUsage({ wal, instanceId: 'inst1', gpus: 2, intervalMs: 1000, timer: false, ...options });
}

describe('own usage (app_seconds, gpu_seconds)', () => {
  it('counts from ready, writes each ended interval once and the partial one at stop', async () => {
    const seen: UsageRecord[] = [];
    const own = meter({ onUsage: (r) => seen.push(r), allocationId: 'alloc' });
    expect(await own.flushDue(400)).toEqual([]);
    own.ready(500);
    expect(own.counting).toBe(true);
    expect(brief(await own.flushDue(2_500))).toEqual([
      ['inst1:app_seconds:1000:0', 0.5],
      ['inst1:gpu_seconds:1000:0', 1],
      ['inst1:app_seconds:1000:1', 1],
      ['inst1:gpu_seconds:1000:1', 2],
    ]);
    expect(await own.flushDue(2_900)).toEqual([]);
    const last = await own.stop(3_200);
    expect(brief(last)).toEqual([
      ['inst1:app_seconds:1000:2', 1],
      ['inst1:gpu_seconds:1000:2', 2],
      ['inst1:app_seconds:1000:3', 0.2],
      ['inst1:gpu_seconds:1000:3', 0.4],
    ]);
    expect(last[0]).toMatchObject({
      meter: 'app_seconds',
      source: 'runtime',
      unit: 'second',
      allocation_id: 'alloc',
    });
    expect(seen).toHaveLength(8);
    expect(wal.pendingCount).toBe(8);
    own.ready(4_000);
    expect(own.counting).toBe(false);
  });

  it('counts only ready time: pause and resume', async () => {
    const own = meter({ gpus: 0 });
    own.ready(0);
    own.pause(300);
    own.ready(700);
    expect(brief(await own.stop(1_000))).toEqual([['inst1:app_seconds:1000:0', 0.6]]);
  });

  it('a restarted runtime never counts an interval twice', async () => {
    const first = meter();
    first.ready(0);
    await first.flushDue(1_000);
    // Crash here: interval 1 was never written by the first run. The new run starts in interval 1.
    const second = meter();
    second.ready(1_400);
    expect(brief(await second.stop(2_000))).toEqual([
      ['inst1:app_seconds:1000:1', 0.6],
      ['inst1:gpu_seconds:1000:1', 1.2],
    ]);
    // Started again within interval 1: it is written already, so this share is not added.
    const third = meter();
    third.ready(1_700);
    expect(await third.stop(1_900)).toEqual([]);
    const ids = wal.pending().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(4);
  });

  it('puts the time back when the log refuses, so the next flush writes it', async () => {
    let failures = 1;
    const flaky: UsageWal = {
      ...wal,
      appendMany: (inputs) =>
        failures-- > 0
          ? Promise.reject(new RuntimeError('USAGE_LOG_FAILED', 'disk full'))
          : wal.appendMany(inputs),
    };
    const own = meter({ wal: flaky, gpus: 1 });
    own.ready(0);
    await expect(own.flushDue(1_500)).rejects.toMatchObject({ code: 'USAGE_LOG_FAILED' });
    expect(brief(await own.flushDue(2_000))).toEqual([
      ['inst1:app_seconds:1000:0', 1],
      ['inst1:gpu_seconds:1000:0', 1],
      ['inst1:app_seconds:1000:1', 1],
      ['inst1:gpu_seconds:1000:1', 1],
    ]);
  });

  it('writes on its own at each interval boundary with the timer', async () => {
    const own = startOwnUsage({ wal, instanceId: 'tick', gpus: 1, intervalMs: 50 });
    own.ready();
    await expect.poll(() => wal.pendingCount, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    await own.stop();
    expect(wal.pending().every((r) => r.id.startsWith('tick:'))).toBe(true);
  });

  it('reads the GPU count from GPUAAS_GPUS or CUDA_VISIBLE_DEVICES', () => {
    expect(gpuCountFromEnv({ GPUAAS_GPUS: '4', CUDA_VISIBLE_DEVICES: '0' })).toBe(4);
    expect(gpuCountFromEnv({ GPUAAS_GPUS: '[{"index":0},{"index":3}]' })).toBe(2);
    expect(gpuCountFromEnv({ CUDA_VISIBLE_DEVICES: '0,1,2' })).toBe(3);
    expect(gpuCountFromEnv({ CUDA_VISIBLE_DEVICES: 'GPU-aaa,GPU-bbb' })).toBe(2);
    expect(gpuCountFromEnv({ CUDA_VISIBLE_DEVICES: '' })).toBe(0);
    expect(gpuCountFromEnv({ CUDA_VISIBLE_DEVICES: '-1' })).toBe(0);
    expect(gpuCountFromEnv({ GPUAAS_GPUS: 'two' })).toBe(0);
    expect(gpuCountFromEnv({})).toBe(0);
    expect(ownUsageId('i', 'gpu_seconds', 60_000, 7)).toBe('i:gpu_seconds:60000:7');
  });
});
