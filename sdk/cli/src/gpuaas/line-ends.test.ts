import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PtyLineEnds } from './line-ends.js';

async function through(chunks: string[]): Promise<string> {
  const target = new PassThrough();
  const out: Buffer[] = [];
  target.on('data', (c: Buffer) => out.push(c));
  const w = new PtyLineEnds(target);
  for (const c of chunks) w.write(Buffer.from(c, 'utf8'));
  await new Promise<void>((resolve) => w.end(resolve));
  return Buffer.concat(out).toString('utf8');
}

describe('PtyLineEnds', () => {
  it('turns CRLF into LF, also when a CRLF is split across chunks', async () => {
    expect(await through(['a\r\nb\r', '\nc\r\n'])).toBe('a\nb\nc\n');
  });

  it('keeps a lone CR (progress bars), also as the very last byte', async () => {
    expect(await through(['10%\r20%\r', 'x\r'])).toBe('10%\r20%\rx\r');
  });

  it('leaves multi-byte characters intact', async () => {
    expect(await through(['héllo ✓\r\n'])).toBe('héllo ✓\n');
  });
});
