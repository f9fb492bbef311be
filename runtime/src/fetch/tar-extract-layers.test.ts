/**
 * Several layers extracted into one tree at once, as build.ts does: shared folders are created
 * once and waited for, and what two layers both claim is refused with the same code whichever
 * layer gets there first.
 */
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTarHeader } from '@gpuaas/sdk';
import { removeTree } from './cache.js';
import { createExtractState, extractTar } from './tar-extract.js';

let work: string;
let root: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'rt-layers-'));
  root = join(work, 'tree');
  await mkdir(root);
});
afterEach(async () => {
  await removeTree(work);
});

type Entry = { type: 'file'; path: string; text: string } | { type: 'symlink'; path: string; target: string };

function tar(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const size = entry.type === 'file' ? Buffer.byteLength(entry.text) : 0;
    parts.push(
      encodeTarHeader({
        path: entry.path,
        type: entry.type,
        size,
        mode: 0o644,
        mtime: 0,
        ...(entry.type === 'symlink' ? { linkTarget: entry.target } : {}),
      }),
    );
    if (entry.type === 'file') parts.push(Buffer.from(entry.text), Buffer.alloc((512 - (size % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** 512-byte chunks, each a macrotask apart, so two layers' entries interleave. */
async function* slowly(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += 512) {
    await new Promise((resolve) => setImmediate(resolve));
    yield bytes.subarray(at, at + 512);
  }
}

describe('extracting layers in parallel into one tree', () => {
  it('creates the folders the layers share once, each before a file goes into it', async () => {
    // Every layer puts its first file five folders deep in a folder the others use too: a layer
    // that found a folder claimed by another must wait for that layer's mkdir.
    const layers = ['a', 'b', 'c', 'd'];
    const files = (layer: string) =>
      Array.from({ length: 30 }, (_, i): Entry => ({
        type: 'file',
        path: `m/${i % 5}/d/e/f/${layer}-${i}.bin`,
        text: `${layer} ${i}`,
      }));
    const state = createExtractState(root);
    await Promise.all(layers.map((l) => extractTar(Readable.from([tar(files(l))]), state, `layer "${l}"`)));
    expect(state.files).toBe(120);
    expect(await readFile(join(root, 'm/2/d/e/f/c-17.bin'), 'utf8')).toBe('c 17');
    expect(state.entries.get('m/4/d/e')).toBe('directory');
  });

  it.each([
    ['the symlink first', 0],
    ['the folder first', 1],
  ])('refuses a symlink in one layer where the other has a folder, %s', async (_name, first) => {
    const link = tar([{ type: 'symlink', path: 'models', target: '.' }]);
    const folder = tar([{ type: 'file', path: 'models/x.bin', text: 'x' }]);
    const state = createExtractState(root);
    const extract = (bytes: Buffer, where: string, wait: number) =>
      (async () => {
        for (let i = 0; i < wait; i++) await new Promise((resolve) => setTimeout(resolve, 5));
        await extractTar(Readable.from([bytes]), state, where);
      })();
    const results = await Promise.allSettled([
      extract(link, 'layer "link"', first === 0 ? 0 : 4),
      extract(folder, 'layer "folder"', first === 0 ? 4 : 0),
    ]);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused).toEqual([expect.objectContaining({ code: 'ARTIFACT_UNSAFE' })]);
  });

  it('holds the unpack limit across layers: both count against it before writing', async () => {
    const big = (name: string) => tar([{ type: 'file', path: name, text: 'x'.repeat(6000) }]);
    const state = createExtractState(root, 10_000);
    const results = await Promise.allSettled([
      extractTar(slowly(big('a')), state, 'layer "a"'),
      extractTar(slowly(big('b')), state, 'layer "b"'),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([
      expect.objectContaining({ reason: expect.objectContaining({ code: 'ARTIFACT_TOO_LARGE' }) }),
    ]);
  });
});
