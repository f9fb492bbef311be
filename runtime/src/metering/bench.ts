/**
 * Metering throughput through the app API's batched endpoint into the fsync'd usage log: what
 * `npm run bench:runtime` reports as "metering throughput" (target ≥ 20 000 events/s). Several
 * clients post `POST /v1/meter:batch` concurrently over keep-alive connections, as a busy app
 * would; every acknowledged event is durable, so the figure includes the fsyncs.
 */
import { request, Agent } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppApi } from './app-api.js';
import { openUsageWal } from './wal.js';

export interface MeteringThroughputOptions {
  /** Events to push in total (default 200 000). */
  events?: number;
  /** Events per request (default 500). */
  batchSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** 'unix' (default) or 'tcp' loopback. */
  transport?: 'unix' | 'tcp';
  /** Folder for the log (default a temp folder, removed afterwards): put it on the disk you measure. */
  dir?: string;
}

export interface MeteringThroughputResult {
  name: 'metering throughput (batched, fsync)';
  unit: 'events/s';
  value: number;
  target: number;
  events: number;
  batchSize: number;
  concurrency: number;
  transport: 'unix' | 'tcp';
  durationMs: number;
  /** Write+fsync groups: events / commits is what group commit achieved. */
  commits: number;
  eventsPerCommit: number;
}

export const METERING_THROUGHPUT_TARGET = 20_000;

export async function measureMeteringThroughput(
  options: MeteringThroughputOptions = {},
): Promise<MeteringThroughputResult> {
  const events = options.events ?? 200_000;
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 4;
  const transport = options.transport ?? 'unix';
  const root = await mkdtemp(join(options.dir ?? tmpdir(), 'gpuaas-meter-bench-'));
  const wal = await openUsageWal({ dir: join(root, 'usage'), maxSegmentBytes: 64 * 1024 * 1024 });
  const api = await startAppApi({
    meters: [{ name: 'tokens', unit: 'token' }],
    wal,
    onReady: () => undefined,
    onStatus: () => undefined,
    allocationId: '00000000-0000-7000-8000-000000000000',
    ...(transport === 'unix' ? { socketPath: join(root, 'app.sock') } : {}),
  });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const where =
    api.socketPath !== undefined
      ? { socketPath: api.socketPath }
      : { host: '127.0.0.1', port: api.port ?? 0 };
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          ...where,
          agent,
          method: 'POST',
          path: '/v1/meter:batch',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const batches = Math.ceil(events / batchSize);
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    for (let b = next++; b < batches; b = next++) {
      const size = Math.min(batchSize, events - b * batchSize);
      const body = JSON.stringify({
        events: Array.from({ length: size }, (_, i) => ({
          name: 'tokens',
          quantity: 1 + ((b + i) % 7),
          id: `bench-${w}-${b}-${i}`,
        })),
      });
      const status = await post(body);
      if (status !== 202) throw new Error(`POST /v1/meter:batch answered ${status}`);
    }
  };
  try {
    // Warm up the JIT and the connections; these events are not timed.
    const warmup = 4 * batchSize;
    for (let i = 0; i < warmup; i += batchSize) {
      const body = JSON.stringify({
        events: Array.from({ length: batchSize }, (_, k) => ({
          name: 'tokens',
          quantity: 1,
          id: `warm-${i + k}`,
        })),
      });
      if ((await post(body)) !== 202) throw new Error('the warm-up batch was refused');
    }
    const before = wal.stats();
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const durationMs = performance.now() - started;
    const after = wal.stats();
    const stats = { appended: after.appended - before.appended, commits: after.commits - before.commits };
    if (stats.appended !== events) throw new Error(`the log took ${stats.appended} of ${events} events`);
    return {
      name: 'metering throughput (batched, fsync)',
      unit: 'events/s',
      value: Math.round(events / (durationMs / 1000)),
      target: METERING_THROUGHPUT_TARGET,
      events,
      batchSize,
      concurrency,
      transport,
      durationMs: Math.round(durationMs),
      commits: stats.commits,
      eventsPerCommit: Math.round(events / Math.max(1, stats.commits)),
    };
  } finally {
    agent.destroy();
    await api.close();
    await wal.close();
    await rm(root, { recursive: true, force: true });
  }
}
