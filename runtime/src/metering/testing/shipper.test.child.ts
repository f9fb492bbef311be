/**
 * Child process of the shipper kill -9 test: opens the log, ships it to BASE_URL, appends COUNT
 * events `PREFIX-<i>` (reporting `A <id>` once each is acknowledged), and once the log is empty
 * prints `DONE` and exits 0 — unless it is killed first.
 *
 *   node --import ./load-source.ts shipper.test.child.ts DIR BASE_URL PREFIX COUNT
 */
import { staticTokenProvider } from '@gpuaas/sdk';
import { createUsageShipper } from '../shipper.js';
import { openUsageWal } from '../wal.js';
const [dir, baseUrl, prefix, count] = process.argv.slice(2);
if (!dir || !baseUrl || !prefix || !count) throw new Error('usage: shipper DIR BASE_URL PREFIX COUNT');
const wal = await openUsageWal({ dir, maxSegmentBytes: 8192 });
const shipper = createUsageShipper({
  wal,
  baseUrl,
  allocationId: '0190a8f0-0000-7000-8000-000000000001',
  tokenProvider: staticTokenProvider('child-token'),
  batchSize: 50,
  lingerMs: 0,
  initialBackoffMs: 10,
  maxBackoffMs: 50,
});
shipper.start();
for (let i = 0; i < Number(count); i += 25) {
  const ids = Array.from({ length: Math.min(25, Number(count) - i) }, (_, k) => `${prefix}-${i + k}`);
  await wal.appendMany(ids.map((id) => ({ id, meter: 'tokens', quantity: 2, source: 'app' as const })));
  process.stdout.write(ids.map((id) => `A ${id}\n`).join(''));
}
const result = await shipper.stop({ flushTimeoutMs: 20_000 });
await wal.close();
process.stdout.write(result.drained ? 'DONE\n' : `PENDING ${result.pending}\n`);
