import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32, deflateRawSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import {
  GZIP_HEADER,
  GZIP_LEVEL,
  gzipDeterministic,
  measureCompressibility,
  worthCompressing,
} from './gzip.js';

async function gzip(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const piece of gzipDeterministic(Readable.from(chunks))) out.push(piece);
  return Buffer.concat(out);
}

function split(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

const text = Buffer.from(
  Array.from({ length: 40_000 }, (_, i) => `line ${i}: the quick brown fox ${i % 97}\n`).join(''),
);

describe('deterministic gzip', () => {
  it('writes a fixed header: no mtime, no name, XFL 0, OS 255', async () => {
    const out = await gzip([text]);
    expect([...out.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    expect(out.subarray(0, 10).equals(GZIP_HEADER)).toBe(true);
  });

  it('is exactly header + raw deflate at the fixed level + CRC32/ISIZE trailer', async () => {
    const out = await gzip(split(text, 65_536));
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(text), 0);
    trailer.writeUInt32LE(text.length, 4);
    const expected = Buffer.concat([GZIP_HEADER, deflateRawSync(text, { level: GZIP_LEVEL }), trailer]);
    expect(out.equals(expected)).toBe(true);
    expect(gunzipSync(out).equals(text)).toBe(true);
  });

  it('gives the same bytes however the input is chunked', async () => {
    const data = Buffer.concat([text, randomBytes(300_000), text]);
    const reference = await gzip([data]);
    for (const size of [511, 4096, 1 << 20]) {
      expect((await gzip(split(data, size))).equals(reference), `chunks of ${size}`).toBe(true);
    }
    const head = data.subarray(0, 3000);
    expect((await gzip(split(head, 1))).equals(await gzip([head])), 'chunks of 1').toBe(true);
    expect(gunzipSync(reference).equals(data)).toBe(true);
  });

  it('handles empty input', async () => {
    const out = await gzip([]);
    expect(gunzipSync(out).length).toBe(0);
  });

  it('is done with a chunk once the chunk after next is asked for (a source may reuse it then)', async () => {
    // A source cycling three buffers, as readFileChunks does with its BufferRing: each is
    // overwritten when the chunk two after it is produced. Output must equal the one-piece gzip.
    const size = 64 * 1024;
    async function* ring(): AsyncGenerator<Buffer> {
      const buffers = [Buffer.alloc(size), Buffer.alloc(size), Buffer.alloc(size)];
      for (let i = 0, n = 0; i < text.length; i += size, n++) {
        const piece = text.subarray(i, i + size);
        const buffer = buffers[n % 3]!.subarray(0, piece.length);
        piece.copy(buffer);
        yield buffer;
        await new Promise((next) => setImmediate(next));
      }
    }
    const out: Buffer[] = [];
    for await (const piece of gzipDeterministic(ring())) out.push(piece);
    expect(Buffer.concat(out).equals(await gzip([text]))).toBe(true);
  });

  it('passes a source failure through and stops', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield text;
      await new Promise((next) => setImmediate(next));
      throw new Error('disk on fire');
    }
    const consume = async (): Promise<void> => {
      for await (const _ of gzipDeterministic(failing())) void _;
    };
    await expect(consume()).rejects.toThrow('disk on fire');
  });

  it.skipIf(!requireTools('gzip -t on our output', 'gzip'))('is accepted by the system gzip', async () => {
    const out = await gzip([text]);
    expect(execFileSync('gzip', ['-dc'], { input: out, maxBuffer: 64 << 20 }).equals(text)).toBe(true);
  });
});

describe('compression policy', () => {
  const cases: Array<[string, { samples: Buffer[]; want: boolean }]> = [
    ['text compresses', { samples: [text.subarray(0, 1 << 20)], want: true }],
    ['random data does not', { samples: [randomBytes(1 << 20)], want: false }],
    ['mostly random does not', { samples: [randomBytes(1 << 20), text.subarray(0, 50_000)], want: false }],
    ['nothing sampled compresses (headers only)', { samples: [], want: true }],
  ];
  it.each(cases)('%s', (_name, { samples, want }) => {
    const sample = measureCompressibility(samples);
    expect(sample.sampledBytes).toBe(samples.reduce((n, s) => n + s.length, 0));
    expect(worthCompressing(sample)).toBe(want);
  });
});
