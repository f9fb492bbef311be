import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { collectFiles, type CollectedFile } from './collect.js';
import { layerEntries, READ_AHEAD_FILES, readSmallFile, readWhileCollecting } from './read.js';
import { tarStream } from './tar.js';

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gpuaas-read-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

async function bytes(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Entries' contents by path, read one entry after another as the tar writer reads them. */
async function contents(files: readonly CollectedFile[], chunkSize: number): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of layerEntries(files, chunkSize)) {
    if (entry.type === 'file') out.set(entry.path, await bytes(entry.content() as AsyncIterable<Buffer>));
  }
  return out;
}

/** Many small files (several read-ahead windows), a few large ones and a symlink. */
function appFolder(): { dir: string; expected: Map<string, Buffer> } {
  const dir = tempDir();
  const expected = new Map<string, Buffer>();
  const put = (path: string, data: Buffer) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), data);
    expected.set(path, data);
  };
  for (let i = 0; i < 3 * READ_AHEAD_FILES + 5; i++) {
    put(`src/m${i % 4}/f${String(i).padStart(3, '0')}.txt`, Buffer.from(`file ${i}\n`.repeat(i)));
  }
  put('models/large.bin', Buffer.alloc(300_000, 3));
  put('models/exactly-chunk.bin', Buffer.alloc(64 * 1024, 4));
  symlinkSync('large.bin', join(dir, 'models', 'link'));
  return { dir, expected };
}

describe('layerEntries', () => {
  it('gives every file its bytes, small ones read ahead and large ones in chunks, in tar order', async () => {
    const { dir, expected } = appFolder();
    const { layers } = await collectFiles(dir);
    const files = layers[0]!.files;
    const entries = layerEntries(files, 64 * 1024);
    const paths = entries.map((e) => e.path);
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(paths).toContain('src/m3');
    expect(await contents(files, 64 * 1024)).toEqual(expected);
    // The same archive from chunks of 4 KiB, where most files are "large".
    const archive = async (chunkSize: number) => bytes(tarStream(layerEntries(files, chunkSize)));
    expect((await archive(4096)).equals(await archive(4 * 1024 * 1024))).toBe(true);
  });

  it('fails with IO_ERROR when a small file changed size after it was collected', async () => {
    for (const change of ['grew', 'shrank'] as const) {
      const { dir } = appFolder();
      const { layers } = await collectFiles(dir);
      const path = join(dir, 'src', 'm1', 'f005.txt');
      if (change === 'grew') await appendFile(path, 'more');
      else truncateSync(path, 3);
      const error = await contents(layers[0]!.files, 64 * 1024).catch((e: unknown) => e);
      expect(error, change).toBeInstanceOf(SdkError);
      expect((error as SdkError).code).toBe('IO_ERROR');
      expect((error as SdkError).message).toContain(change === 'grew' ? 'changed size' : 'shrank');
    }
  });
});

describe('readSmallFile', () => {
  it('reads a file of the expected size, and refuses one of another size', async () => {
    const dir = tempDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'twelve bytes');
    expect((await readSmallFile(path, 12)).toString()).toBe('twelve bytes');
    for (const size of [11, 13, 0]) {
      await expect(readSmallFile(path, size)).rejects.toMatchObject({ code: 'IO_ERROR' });
    }
    writeFileSync(path, '');
    expect((await readSmallFile(path, 0)).length).toBe(0);
  });
});

describe('collectFiles', () => {
  it('lists files in the order of a walk one folder entry at a time', async () => {
    const { dir } = appFolder();
    const walk = (folder: string, rel: string): string[] =>
      readdirSync(join(dir, folder), { withFileTypes: true }).flatMap((d) => {
        const path = rel === '' ? d.name : `${rel}/${d.name}`;
        return d.isDirectory() ? walk(join(folder, d.name), path) : [path];
      });
    const { layers } = await collectFiles(dir);
    expect(layers[0]!.files.map((f) => f.path)).toEqual(walk('', ''));
  });

  it('reads each small Python source once: the tar holds what the import check read', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg', 'a.py'), 'print("a")\n');
    writeFileSync(join(dir, 'pkg', 'b.txt'), 'not python\n');
    const { layers } = await collectFiles(dir);
    const files = layers[0]!.files;
    const python = files.find((f) => f.path === 'pkg/a.py')!;
    expect(readWhileCollecting.get(python)?.toString()).toBe('print("a")\n');
    expect(readWhileCollecting.has(files.find((f) => f.path === 'pkg/b.txt')!)).toBe(false);
    // Same size, other bytes: a second read would see them.
    writeFileSync(join(dir, 'pkg', 'a.py'), 'print("b")\n');
    expect((await contents(files, 64 * 1024)).get('pkg/a.py')?.toString()).toBe('print("a")\n');
    expect(readWhileCollecting.has(python)).toBe(false);
  });
});
