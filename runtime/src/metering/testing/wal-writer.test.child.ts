/**
 * Child process of the WAL kill -9 test: appends events from several concurrent loops and reports
 * on stdout (a pipe, written synchronously on Linux) `A <id>` once an append is acknowledged,
 * `c <id>` before confirming it and `C <id>` after. Runs until it is killed.
 *
 *   node --import ./load-source.ts wal-writer.test.child.ts DIR PREFIX [ID,ID,… to append again]
 */
import { openUsageWal } from '../wal.js';
const [dir, prefix, redo] = process.argv.slice(2);
if (!dir || !prefix) throw new Error('usage: wal-writer DIR PREFIX [IDS]');
const wal = await openUsageWal({ dir, maxSegmentBytes: 4096 });
const say = (line: string): boolean => process.stdout.write(`${line}\n`);

for (const id of (redo ?? '').split(',').filter(Boolean)) {
  await wal.append({ id, meter: 'tokens', quantity: 1, source: 'app' });
  say(`R ${id}`);
}

const acked: string[] = [];
async function writer(loop: number): Promise<never> {
  for (let n = 0; ; n++) {
    const id = `${prefix}-${loop}-${n}`;
    await wal.append({ id, meter: 'tokens', quantity: 1 + (n % 5), source: 'app' });
    say(`A ${id}`);
    acked.push(id);
    if (loop === 0 && n % 40 === 39) {
      const batch = acked.splice(0, 30);
      for (const c of batch) say(`c ${c}`);
      await wal.confirm(batch);
      for (const c of batch) say(`C ${c}`);
    }
  }
}
await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
