import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeTarHeader, gzipDeterministic, tarStream, type TarEntry } from '@gpuaas/sdk';
import { gunzip } from './byte-io.js';
import { removeTree } from './cache.js';
import { checkSymlinks, createExtractState, extractTar, resolveLink, sealFolders } from './tar-extract.js';

let work: string;
let root: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'rt-tar-'));
  root = join(work, 'a', 'tree');
  await mkdir(root, { recursive: true });
});
afterEach(async () => {
  await removeTree(work);
});

const file = (path: string, text: string, executable = false): TarEntry => ({
  type: 'file',
  path,
  size: Buffer.byteLength(text),
  executable,
  content: () => Readable.from([Buffer.from(text)]),
});

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Raw archive bytes for entries the sdk's writer would refuse (it checks paths). */
type RawEntry =
  | { type: 'file'; path: string; text: string }
  | { type: 'directory'; path: string }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'raw'; path: string; typeflag: string; target?: string };

function header(entry: RawEntry): Buffer {
  if (entry.type === 'raw') {
    const block = encodeTarHeader({
      path: entry.path,
      type: 'symlink',
      size: 0,
      mode: 0o644,
      mtime: 0,
      linkTarget: entry.target ?? '',
    });
    block.write(entry.typeflag, 156, 1, 'ascii');
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of block) sum += byte;
    block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    return block;
  }
  const size = entry.type === 'file' ? Buffer.byteLength(entry.text) : 0;
  return encodeTarHeader({
    path: entry.path,
    type: entry.type,
    size,
    mode: 0o644,
    mtime: 0,
    ...(entry.type === 'symlink' ? { linkTarget: entry.target } : {}),
  });
}

function rawTar(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    if (entry.type === 'file') {
      const body = Buffer.from(entry.text);
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function chunked(bytes: Buffer, size = 100): AsyncIterable<Buffer> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

async function extract(bytes: Buffer): Promise<ReturnType<typeof createExtractState>> {
  const state = createExtractState(root);
  await extractTar(chunked(bytes), state, 'layer "test"');
  checkSymlinks(state, 'sha256:test');
  return state;
}

describe('extractTar', () => {
  it('reads back what the sdk writer packs (PAX names, modes, symlinks), gzipped or not', async () => {
    const long = `deep/${'ü'.repeat(80)}/weights.bin`;
    const entries: TarEntry[] = [
      file('gpuaas-app.yaml', 'name: x\n'),
      file('bin/start.sh', '#!/bin/sh\necho hi\n', true),
      file(long, 'w'.repeat(70_000)),
      { type: 'directory', path: 'bin' },
      { type: 'directory', path: 'deep' },
      { type: 'directory', path: `deep/${'ü'.repeat(80)}` },
      { type: 'symlink', path: 'current', target: 'bin/start.sh' },
    ];
    for (const gzip of [false, true]) {
      await removeTree(root);
      await mkdir(root);
      const tar = await collect(tarStream(entries));
      const bytes = gzip ? await collect(gzipDeterministic(chunked(tar))) : tar;
      const state = createExtractState(root);
      await extractTar(gzip ? gunzip(chunked(bytes, 333)) : chunked(bytes, 333), state, 'layer');
      checkSymlinks(state, 'sha256:x');
      await sealFolders(state);
      expect(state.files).toBe(3);
      expect(await readFile(join(root, long), 'utf8')).toBe('w'.repeat(70_000));
      expect((await lstat(join(root, 'bin/start.sh'))).mode & 0o777).toBe(0o555);
      expect((await lstat(join(root, 'gpuaas-app.yaml'))).mode & 0o777).toBe(0o444);
      expect((await lstat(join(root, 'bin'))).mode & 0o777).toBe(0o555);
      expect(await readlink(join(root, 'current'))).toBe('bin/start.sh');
    }
  });

  it('stops a small layer that unpacks past the declared limit with ARTIFACT_TOO_LARGE, before writing it', async () => {
    // 64 MiB of zeros gzip to about 64 KiB: a "zip bomb" against the allocation's disk.
    const zeros = (path: string, size: number): TarEntry => ({
      type: 'file',
      path,
      size,
      executable: false,
      content: () => Readable.from([Buffer.alloc(size)]),
    });
    const tar = await collect(
      tarStream([file('gpuaas-app.yaml', 'name: x\n'), zeros('bomb.bin', 64 * 1024 * 1024)]),
    );
    const gz = await collect(gzipDeterministic(chunked(tar, 1024 * 1024)));
    expect(gz.length).toBeLessThan(512 * 1024);
    const state = createExtractState(root, 16 * 1024 * 1024);
    const error = await extractTar(gunzip(chunked(gz, 65_536)), state, 'layer').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'ARTIFACT_TOO_LARGE',
      details: { entry: 'bomb.bin', limit_bytes: 16 * 1024 * 1024 },
    });
    expect(existsSync(join(root, 'bomb.bin'))).toBe(false);
    expect(state.bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    // Within the limit the same layer unpacks.
    await removeTree(root);
    await mkdir(root);
    const roomy = createExtractState(root, 65 * 1024 * 1024);
    await extractTar(gunzip(chunked(gz, 65_536)), roomy, 'layer');
    expect(roomy.bytes).toBe(64 * 1024 * 1024 + Buffer.byteLength('name: x\n'));
  });

  it('reads the source to its end after the end marker, so a verifying source can check its digest', async () => {
    const bytes = Buffer.concat([rawTar([{ type: 'file', path: 'a', text: 'x' }]), Buffer.alloc(8192)]);
    let consumed = 0;
    async function* counting(): AsyncGenerator<Buffer> {
      for await (const chunk of chunked(bytes)) {
        consumed += chunk.length;
        yield chunk;
      }
    }
    await extractTar(counting(), createExtractState(root), 'layer');
    expect(consumed).toBe(bytes.length);
  });

  const refusals: [string, RawEntry[], string, RegExp][] = [
    ['an absolute path', [{ type: 'file', path: '/etc/evil', text: 'x' }], 'ARTIFACT_UNSAFE', /absolute/],
    ['a ".." path', [{ type: 'file', path: '../../evil', text: 'x' }], 'ARTIFACT_UNSAFE', /"\.\."/],
    ['".." in the middle', [{ type: 'file', path: 'a/../../evil', text: 'x' }], 'ARTIFACT_UNSAFE', /"\.\."/],
    ['an absolute symlink', [{ type: 'symlink', path: 'l', target: '/etc' }], 'ARTIFACT_UNSAFE', /absolute/],
    [
      'a symlink out of the tree',
      [{ type: 'symlink', path: 'a/l', target: '../../..' }],
      'ARTIFACT_UNSAFE',
      /outside/,
    ],
    [
      'a file written through a symlink',
      [
        { type: 'symlink', path: 'l', target: '.' },
        { type: 'file', path: 'l/evil', text: 'x' },
      ],
      'ARTIFACT_UNSAFE',
      /below the symlink "l"/,
    ],
    [
      'a symlink escaping through another symlink',
      [
        { type: 'symlink', path: 'x/l', target: '..' },
        { type: 'symlink', path: 'y', target: 'x/l/..' },
      ],
      'ARTIFACT_UNSAFE',
      /through other links/,
    ],
    [
      'a hard link',
      [{ type: 'raw', path: 'h', typeflag: '1', target: '/etc/passwd' }],
      'ARTIFACT_UNSAFE',
      /hard link/,
    ],
    ['a device', [{ type: 'raw', path: 'd', typeflag: '3' }], 'ARTIFACT_UNSAFE', /device/],
    [
      'a duplicate file',
      [
        { type: 'file', path: 'a', text: '1' },
        { type: 'file', path: 'a', text: '2' },
      ],
      'ARTIFACT_INVALID',
      /twice/,
    ],
    ['a GNU long name', [{ type: 'raw', path: 'g', typeflag: 'L' }], 'ARTIFACT_INVALID', /unsupported/],
  ];
  it.each(refusals)(
    'refuses %s and writes nothing outside the tree',
    async (_name, entries, code, message) => {
      await expect(extract(rawTar(entries))).rejects.toMatchObject({
        code,
        message: expect.stringMatching(message),
      });
      expect(existsSync(join(work, 'evil'))).toBe(false);
      expect(existsSync(join(work, 'a', 'evil'))).toBe(false);
      expect(existsSync('/etc/evil')).toBe(false);
    },
  );

  it('refuses truncated archives and bad checksums as ARTIFACT_INVALID', async () => {
    const good = rawTar([{ type: 'file', path: 'a', text: 'x'.repeat(2000) }]);
    await expect(extract(good.subarray(0, 1000))).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/ends in the middle/),
    });
    await rm(join(root, 'a'), { force: true });
    await expect(extract(good.subarray(0, 2560))).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/no end marker/),
    });
    const bad = Buffer.from(good);
    bad[10] = 0x41;
    await expect(extract(bad)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
      message: expect.stringMatching(/checksum/),
    });
  });
});

describe('resolveLink', () => {
  it('follows links inside the tree as the kernel would, and reports climbs and loops', () => {
    const links = new Map([
      ['x/l', '..'],
      ['y', 'x/l/sub'],
      ['loop1', 'loop2'],
      ['loop2', 'loop1'],
      ['up', 'x/l/../..'],
    ]);
    expect(resolveLink(links, 'x/l')).toBe('');
    expect(resolveLink(links, 'y')).toBe('sub');
    expect(resolveLink(links, 'loop1')).toBeUndefined();
    expect(resolveLink(links, 'up')).toBeUndefined();
  });
});
