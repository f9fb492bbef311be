import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogSink } from './logs.js';
import type { LogLine } from './logs.js';
import { createRedactor } from './params.js';
import { tempRoot } from './testing.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

describe('app logs', () => {
  it('rotates files at maxBytes and keeps `keep` old ones', async () => {
    const dir = join(root, 'rotate');
    const sink = new LogSink({ dir, maxBytes: 100, keep: 3 });
    for (let i = 0; i < 30; i++)
      sink.write('stdout', `line ${String(i).padStart(2, '0')} ${'x'.repeat(12)}\n`);
    sink.close();
    expect((await readdir(dir)).sort()).toEqual([
      'app.stdout.log',
      'app.stdout.log.1',
      'app.stdout.log.2',
      'app.stdout.log.3',
    ]);
    const current = await readFile(join(dir, 'app.stdout.log'), 'utf8');
    expect(current.endsWith('line 29 xxxxxxxxxxxx\n')).toBe(true);
    for (const name of await readdir(dir)) {
      expect(Buffer.byteLength(await readFile(join(dir, name)))).toBeLessThanOrEqual(100);
    }
    // 21-byte lines, 4 per file: the current file has 28-29, .1 24-27, .2 20-23, .3 16-19.
    expect(await readFile(join(dir, 'app.stdout.log.3'), 'utf8')).toMatch(
      /^line 16 [x]+\nline 17 [x]+\nline 18 [x]+\nline 19 [x]+\n$/,
    );
  });

  it('splits chunks into lines, redacts them, and keeps a bounded tail per stream', () => {
    const sink = new LogSink({ dir: join(root, 'tail'), tailLines: 3, redact: createRedactor(['s3cr3t']) });
    sink.write('stdout', 'one\ntw');
    sink.write('stdout', 'o s3cr3t\r\nthree\nfour\n');
    sink.write('stderr', 'oops');
    expect(sink.tail({ stream: 'stdout' }).map((l) => l.line)).toEqual(['two ***', 'three', 'four']);
    expect(sink.tail({ stream: 'stderr' })).toEqual([]);
    sink.flush('stderr');
    expect(sink.tail({ lines: 2 }).map((l) => `${l.stream}:${l.line}`)).toEqual([
      'stdout:four',
      'stderr:oops',
    ]);
    sink.close();
  });

  it('follows new lines of one stream until aborted or closed', async () => {
    const sink = new LogSink({ dir: join(root, 'follow') });
    sink.write('stdout', 'before\n');
    const abort = new AbortController();
    const seen: LogLine[] = [];
    const reading = (async () => {
      for await (const line of sink.follow({ stream: 'stdout', tail: 1, signal: abort.signal })) {
        seen.push(line);
        if (line.line === 'b') abort.abort();
      }
    })();
    sink.write('stderr', 'ignored\n');
    sink.write('stdout', 'a\nb\n');
    await reading;
    expect(seen.map((l) => l.line)).toEqual(['before', 'a', 'b']);
    const all = (async () => {
      const lines: string[] = [];
      for await (const line of sink.follow()) lines.push(line.line);
      return lines;
    })();
    sink.write('stderr', 'last\n');
    sink.close();
    expect(await all).toEqual(['last']);
  });
});
