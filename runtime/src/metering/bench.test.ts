import { describe, expect, it } from 'vitest';
import { METERING_THROUGHPUT_TARGET, measureMeteringThroughput } from './bench.js';

describe('measureMeteringThroughput', () => {
  it('pushes every event through the batched endpoint into the fsynced log and reports events/s', async () => {
    const result = await measureMeteringThroughput({ events: 4_000, batchSize: 250, concurrency: 2 });
    expect(result).toMatchObject({
      name: 'metering throughput (batched, fsync)',
      unit: 'events/s',
      target: METERING_THROUGHPUT_TARGET,
      events: 4_000,
      transport: 'unix',
    });
    expect(result.value).toBeGreaterThan(0);
    // Group commit: never more fsyncs than requests, and every request's events share one.
    expect(result.commits).toBeGreaterThan(0);
    expect(result.commits).toBeLessThanOrEqual(16);
    expect(result.eventsPerCommit).toBeGreaterThanOrEqual(250);
  });
});
