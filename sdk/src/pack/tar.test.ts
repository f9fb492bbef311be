import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import { SdkError } from '../errors.js';
import {
  TAR_BLOCK,
  encodeTarHeader,
  paxRecord,
  sortTarEntries,
  tarSize,
  tarStream,
  type TarEntry,
} from './tar.js';

function memoryFile(path: string, text: string | Buffer, executable = false, chunk = 3): TarEntry {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return {
    type: 'file',
    path,
    size: bytes.length,
    executable,
    content: () => {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
      return Readable.from(pieces);
    },
  };
}

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A reader for our own archives, independent of the writer's code. */
function readArchive(tar: Buffer): Array<{
  path: string;
  type: string;
  size: number;
  mode: number;
  mtime: number;
  link: string;
  data: Buffer;
}> {
  const out = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  const field = (block: Buffer, start: number, length: number): string =>
    block
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  while (offset + TAR_BLOCK <= tar.length) {
    const block = tar.subarray(offset, offset + TAR_BLOCK);
    if (block.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    expect(parseInt(field(block, 148, 8), 8)).toBe(sum);
    expect(field(block, 257, 6)).toBe('ustar');
    const type = field(block, 156, 1);
    const size = parseInt(field(block, 124, 12), 8);
    const data = tar.subarray(offset + TAR_BLOCK, offset + TAR_BLOCK + size);
    offset += TAR_BLOCK + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    if (type === 'x') {
      pax = {};
      let text = data.toString('utf8');
      while (text.length > 0) {
        const space = text.indexOf(' ');
        const length = Number(text.slice(0, space));
        const record = Buffer.from(text).subarray(0, length).toString('utf8');
        expect(record.endsWith('\n')).toBe(true);
        const kv = record.slice(space + 1, -1);
        const eq = kv.indexOf('=');
        pax[kv.slice(0, eq)] = kv.slice(eq + 1);
        text = Buffer.from(text).subarray(length).toString('utf8');
      }
      continue;
    }
    const realSize = pax.size === undefined ? size : Number(pax.size);
    out.push({
      path: pax.path ?? field(block, 0, 100),
      type,
      size: realSize,
      mode: parseInt(field(block, 100, 8), 8),
      mtime: parseInt(field(block, 136, 12), 8),
      link: pax.linkpath ?? field(block, 157, 100),
      data,
    });
    expect(parseInt(field(block, 108, 8), 8)).toBe(0);
    expect(field(block, 265, 32)).toBe('');
    pax = {};
  }
  return out;
}

const tmpRoots: string[] = [];
afterAll(() => {
  for (const dir of tmpRoots) rmSync(dir, { recursive: true, force: true });
});

describe('tar writer', () => {
  const entries: TarEntry[] = [
    memoryFile('b.txt', 'bee\n'),
    { type: 'directory', path: 'dir' },
    memoryFile('dir/run.sh', '#!/bin/sh\necho hi\n', true),
    { type: 'symlink', path: 'dir/link', target: 'run.sh' },
    memoryFile('a.txt', 'a'.repeat(1000)),
    memoryFile('a-b', ''),
  ];

  it('sorts entries byte-wise and normalises modes, owners and mtime', async () => {
    const tar = await collect(tarStream(entries, { mtime: 1_700_000_000 }));
    expect(tar.length % TAR_BLOCK).toBe(0);
    expect(tar.length).toBe(tarSize(entries, 1_700_000_000));
    const read = readArchive(tar);
    expect(read.map((e) => e.path)).toEqual(['a-b', 'a.txt', 'b.txt', 'dir/', 'dir/link', 'dir/run.sh']);
    expect(read.map((e) => e.mode.toString(8))).toEqual(['644', '644', '644', '755', '777', '755']);
    expect(new Set(read.map((e) => e.mtime))).toEqual(new Set([1_700_000_000]));
    expect(read.find((e) => e.path === 'dir/link')).toMatchObject({ type: '2', link: 'run.sh', size: 0 });
    expect(read.find((e) => e.path === 'a.txt')?.data.toString()).toBe('a'.repeat(1000));
  });

  it('writes the same bytes whatever the given order and chunking', async () => {
    const rechunked: TarEntry[] = [];
    for (const e of entries) {
      if (e.type !== 'file') rechunked.push(e);
      else
        rechunked.push(
          memoryFile(e.path, await collect(e.content() as AsyncIterable<Buffer>), e.executable, 1),
        );
    }
    const one = await collect(tarStream(entries, { coalesceBytes: 1024 }));
    const two = await collect(tarStream([...rechunked].reverse()));
    expect(two.equals(one)).toBe(true);
  });

  it('writes the same bytes when headers, padding and contents straddle its output chunks', async () => {
    const long = `${'deep/'.repeat(30)}ünïcode-${'x'.repeat(200)}.txt`; // a PAX header of 2 blocks
    const mixed: TarEntry[] = [
      ...entries,
      memoryFile(long, 'long name\n'),
      memoryFile('odd.bin', Buffer.alloc(1537, 7), false, 700),
      memoryFile('big.bin', Buffer.alloc(5000, 1), false, 5000), // passes through at coalesceBytes 512
    ];
    const reference = await collect(tarStream(mixed));
    for (const coalesceBytes of [512, 700, 1024, 4096]) {
      const chunks: Buffer[] = [];
      for await (const chunk of tarStream(mixed, { coalesceBytes })) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(reference), `coalesceBytes ${coalesceBytes}`).toBe(true);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(Math.max(coalesceBytes, 5000));
    }
    expect(
      readArchive(reference)
        .find((e) => e.path === long)
        ?.data.toString(),
    ).toBe('long name\n');
  });

  it('fails when a file yields a different number of bytes than its size', async () => {
    const liar = { ...memoryFile('x', 'abc'), size: 5 } as TarEntry;
    const error = await collect(tarStream([liar])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe('IO_ERROR');
  });

  it('refuses duplicate and unclean paths', () => {
    expect(() => sortTarEntries([memoryFile('a', ''), memoryFile('a', '')])).toThrow(SdkError);
    for (const path of ['', '/abs', 'a/../b', 'a//b', './a']) {
      expect(() => sortTarEntries([memoryFile(path, '')]), path).toThrow(SdkError);
    }
  });

  it('computes PAX record lengths that include their own digits', () => {
    for (let n = 1; n < 1200; n++) {
      const record = paxRecord('path', 'x'.repeat(n));
      expect(Number(record.split(' ')[0])).toBe(Buffer.byteLength(record));
    }
  });

  it('encodes any path, link and size so that a reader gets them back (property)', () => {
    const segment = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((s) => !s.includes('/') && !s.includes('\0') && s !== '.' && s !== '..');
    const path = fc.array(segment, { minLength: 1, maxLength: 8 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(
        path,
        fc.constantFrom('file', 'directory', 'symlink'),
        fc.oneof(fc.nat(), fc.constant(0o77777777777), fc.constant(0o77777777777 + 1), fc.constant(2 ** 40)),
        path,
        fc.nat({ max: 0o77777777777 }),
        (p, type, size, link, mtime) => {
          const header = encodeTarHeader({
            path: p,
            type,
            size: type === 'file' ? size : 0,
            mode: 0o644,
            mtime,
            ...(type === 'symlink' ? { linkTarget: link } : {}),
          });
          expect(header.length % TAR_BLOCK).toBe(0);
          // No content follows: the reader stops at the header's entry, which is all we check.
          const [entry] = readArchive(Buffer.concat([header, Buffer.alloc(TAR_BLOCK * 2)]));
          expect(entry?.path).toBe(type === 'directory' ? `${p}/` : p);
          expect(entry?.mtime).toBe(mtime);
          if (type === 'file') expect(entry?.size).toBe(size);
          if (type === 'symlink') expect(entry?.link).toBe(link);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe.skipIf(!requireTools('tar writer vs system tar', 'tar'))('system tar reads our archives', () => {
  it('lists names, modes and mtimes as designed, and extracts PAX long and unicode names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuaas-tar-'));
    tmpRoots.push(dir);
    const longName = `deep/${'x'.repeat(120)}/${'y'.repeat(150)}.bin`;
    const unicode = 'données/модель-😀.txt';
    const entries: TarEntry[] = [
      { type: 'directory', path: 'deep' },
      { type: 'directory', path: `deep/${'x'.repeat(120)}` },
      memoryFile(longName, 'long\n'),
      { type: 'directory', path: 'données' },
      memoryFile(unicode, 'unicode\n', true),
      { type: 'symlink', path: 'short-link', target: longName },
    ];
    const archive = join(dir, 'a.tar');
    writeFileSync(archive, await collect(tarStream(entries, { mtime: 86_400 })));
    const listing = execFileSync('tar', ['--utc', '--numeric-owner', '-tvf', archive], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' },
    })
      .trim()
      .split('\n');
    expect(listing).toHaveLength(entries.length);
    for (const line of listing) expect(line).toMatch(/ 0\/0 +\d+ 1970-01-02 00:00 /);
    expect(listing.find((l) => l.includes('модель'))).toMatch(/^-rwxr-xr-x /);
    expect(listing.find((l) => l.endsWith('.bin'))).toMatch(/^-rw-r--r-- .* deep\/x{120}\/y{150}\.bin$/);
    expect(listing.find((l) => l.includes('short-link'))).toMatch(/^lrwxrwxrwx .* short-link -> deep\//);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', archive, '-C', out], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    expect(readFileSync(join(out, longName), 'utf8')).toBe('long\n');
    expect(readFileSync(join(out, unicode), 'utf8')).toBe('unicode\n');
    expect(statSync(join(out, unicode)).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(out, 'short-link'))).toBe(longName);
  });
});
