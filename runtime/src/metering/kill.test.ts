/**
 * Crash safety with real processes: a child appends (or ships) and is killed with SIGKILL at an
 * arbitrary moment; the log reopened afterwards must hold every acknowledged event exactly once, and
 * the platform must end up with every event exactly once.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idempotencyKey } from './shipper.js';
import type { UsageCloudEvent } from './shipper.js';
import { openUsageWal } from './wal.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const loader = new URL('./testing/load-source.ts', import.meta.url).href;

let dir: string;
const children = new Set<ChildProcessWithoutNullStreams>();
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-kill-'));
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr: () => string;
  /** Resolves once a complete stdout line satisfies `predicate`. */
  waitLine(predicate: (line: string) => boolean): Promise<void>;
  exited: Promise<unknown>;
}

function start(script: string, args: string[]): Child {
  const child = spawn(process.execPath, ['--import', loader, here(script), ...args], { stdio: 'pipe' });
  children.add(child);
  const lines: string[] = [];
  const waiters: { predicate: (line: string) => boolean; resolve: () => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((x) => x.predicate(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'close').finally(() => children.delete(child));
  return {
    process: child,
    lines,
    stderr: () => stderr,
    exited,
    waitLine: (predicate) =>
      lines.some(predicate)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ predicate, resolve });
            void exited.then(() => reject(new Error(`child exited first: ${stderr}`)));
          }),
  };
}

async function segmentIds(walDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const name of (await readdir(walDir)).filter((n) => n.startsWith('segment-'))) {
    for (const line of (await readFile(join(walDir, name), 'utf8')).split('\n')) {
      const match = /^[0-9a-f]{8} (\{.*\})$/.exec(line);
      if (!match) continue;
      const { id } = JSON.parse(match[1]!) as { id: string };
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

const random = (min: number, max: number): number => min + Math.floor(Math.random() * (max - min));

describe('kill -9', () => {
  it('the log holds every acknowledged event exactly once, and confirmed ones stay confirmed', async () => {
    const walDir = join(dir, 'usage');
    let redo: string[] = [];
    for (let round = 0; round < 3; round++) {
      const child = start('./testing/wal-writer.test.child.ts', [walDir, `r${round}`, redo.join(',')]);
      await child.waitLine((l) => l.startsWith('A '));
      await new Promise((resolve) => setTimeout(resolve, random(0, 150)));
      child.process.kill('SIGKILL');
      await child.exited;
      const acked = child.lines.filter((l) => l.startsWith('A ')).map((l) => l.slice(2));
      const confirming = new Set(child.lines.filter((l) => l.startsWith('c ')).map((l) => l.slice(2)));
      const confirmed = new Set(child.lines.filter((l) => l.startsWith('C ')).map((l) => l.slice(2)));
      expect(acked.length, child.stderr()).toBeGreaterThan(0);

      const onDisk = await segmentIds(walDir);
      const wal = await openUsageWal({ dir: walDir });
      const pending = new Set(wal.pending().map((r) => r.id));
      for (const id of [...acked, ...redo]) {
        expect(onDisk.get(id) ?? 0, id).toBeLessThanOrEqual(1);
        if (confirmed.has(id)) expect(pending.has(id), `${id} was confirmed`).toBe(false);
        else if (!confirming.has(id)) {
          expect(onDisk.get(id), `${id} was acknowledged`).toBe(1);
          expect(pending.has(id), `${id} is pending`).toBe(true);
        }
      }
      await wal.close();
      // The next run appends some of these again: the log must not take them twice.
      redo = acked.filter((id) => !confirming.has(id)).slice(0, 20);
    }
  });

  it('shipping killed mid-batch, again and again: the platform counts every event exactly once', async () => {
    const allocation = '0190a8f0-0000-7000-8000-000000000001';
    const stored = new Map<string, UsageCloudEvent>();
    const acceptedTimes = new Map<string, number>();
    let duplicates = 0;
    let requests = 0;
    let killOnRequest = 0;
    let current: Child | undefined;
    const problems: string[] = [];
    const platform = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const body = Buffer.concat(chunks).toString();
          const { events } = JSON.parse(body) as { events: UsageCloudEvent[] };
          if (req.headers.authorization !== 'Bearer child-token') problems.push('no bearer token');
          if (req.headers['idempotency-key'] !== idempotencyKey(body)) {
            problems.push('idempotency key is not the hash of the body');
          }
          const answer = { accepted: [] as string[], duplicates: [] as string[] };
          for (const event of events) {
            if (event.subject !== allocation || event.type !== 'dev.gpuaas.usage.v1')
              problems.push('bad event');
            if (stored.has(event.id)) {
              answer.duplicates.push(event.id);
              duplicates++;
            } else {
              stored.set(event.id, event);
              answer.accepted.push(event.id);
              acceptedTimes.set(event.id, (acceptedTimes.get(event.id) ?? 0) + 1);
            }
          }
          if (++requests === killOnRequest && current) {
            // Stored, but the runtime dies before it hears so: it must send these again.
            current.process.kill('SIGKILL');
            await current.exited;
            res.destroy();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        })();
      });
    });
    platform.listen(0, '127.0.0.1');
    await once(platform, 'listening');
    const baseUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
    try {
      const walDir = join(dir, 'usage');
      const wal = await openUsageWal({ dir: walDir, maxSegmentBytes: 8192 });
      const expected = new Set<string>();
      for (let i = 0; i < 600; i += 100) {
        const ids = Array.from({ length: 100 }, (_, k) => `pre-${i + k}`);
        await wal.appendMany(ids.map((id) => ({ id, meter: 'tokens', quantity: 2, source: 'app' as const })));
        ids.forEach((id) => expected.add(id));
      }
      await wal.close();

      const rounds: { kill: 'request' | 'random' | 'none'; at?: number }[] = [
        { kill: 'request', at: 2 },
        { kill: 'request', at: 1 },
        { kill: 'random' },
        { kill: 'request', at: 3 },
        { kill: 'none' },
      ];
      for (const [n, round] of rounds.entries()) {
        requests = 0;
        killOnRequest = round.kill === 'request' ? round.at! : 0;
        const child = start('./testing/shipper.test.child.ts', [walDir, baseUrl, `run${n}`, '150']);
        current = child;
        if (round.kill === 'random') {
          await child.waitLine((l) => l.startsWith('A '));
          await new Promise((resolve) => setTimeout(resolve, random(0, 60)));
          child.process.kill('SIGKILL');
        }
        await child.exited;
        for (const line of child.lines) if (line.startsWith('A ')) expected.add(line.slice(2));
        if (round.kill === 'none') expect(child.lines.at(-1), child.stderr()).toBe('DONE');
        else expect(child.process.signalCode, child.stderr()).toBe('SIGKILL');
      }

      expect(problems).toEqual([]);
      for (const id of expected) expect(stored.has(id), `${id} reached the platform`).toBe(true);
      expect([...acceptedTimes.values()].every((times) => times === 1)).toBe(true);
      // Batches stored but never confirmed were sent again and answered as duplicates.
      expect(duplicates).toBeGreaterThan(0);
      const total = [...stored.values()].reduce((sum, e) => sum + e.data.quantity, 0);
      expect(total).toBe(2 * stored.size);
      const reopened = await openUsageWal({ dir: walDir });
      expect(reopened.pendingCount).toBe(0);
      await reopened.close();
    } finally {
      platform.closeAllConnections();
      platform.close();
    }
  });
});
