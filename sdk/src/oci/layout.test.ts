import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import { SdkError } from '../errors.js';
import { OciLayout } from './layout.js';
import { ANNOTATIONS, GPUAAS_APP_ARTIFACT_TYPE, MEDIA_TYPES, type ImageManifest } from './types.js';

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gpuaas-layout-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    return (error as SdkError).code;
  }
}

function chunks(data: Buffer, size: number): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) pieces.push(data.subarray(i, i + size));
  return Readable.from(pieces);
}

/** A small artifact shaped like a packed app: custom config type, one layer, artifactType. */
async function writeArtifact(layout: OciLayout, tag: string): Promise<{ bytes: Buffer; digest: string }> {
  const config = await layout.writeBlob(Buffer.from('{"name":"demo"}'), {
    mediaType: MEDIA_TYPES.gpuaasAppConfig,
  });
  const layer = await layout.writeBlob(chunks(Buffer.alloc(2048, 7), 100), {
    mediaType: MEDIA_TYPES.layerTar,
    annotations: { [ANNOTATIONS.title]: 'main' },
  });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: GPUAAS_APP_ARTIFACT_TYPE,
    config,
    layers: [layer],
    annotations: { [ANNOTATIONS.created]: '1970-01-01T00:00:00Z' },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const descriptor = await layout.addManifest(bytes, { mediaType: MEDIA_TYPES.imageManifest, tag });
  return { bytes, digest: descriptor.digest };
}

describe('OciLayout', () => {
  it('creates the oci-layout marker, an empty index and the blob folder', async () => {
    const dir = join(tempDir(), 'new');
    const layout = await OciLayout.create(dir);
    expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    expect(await layout.readIndex()).toEqual({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageIndex,
      manifests: [],
    });
    expect(statSync(join(dir, 'blobs', 'sha256')).isDirectory()).toBe(true);
    expect((await OciLayout.create(dir)).root).toBe(layout.root);
  });

  it('refuses folders that are not layouts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'stray.txt'), 'x');
    expect(await codeOf(OciLayout.create(dir))).toBe('LAYOUT_INVALID');
    expect(await codeOf(OciLayout.open(dir))).toBe('LAYOUT_INVALID');
    expect(await codeOf(OciLayout.open(join(dir, 'missing')))).toBe('NOT_FOUND');
    const wrongVersion = join(dir, 'v2');
    mkdirSync(wrongVersion);
    writeFileSync(join(wrongVersion, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    expect(await codeOf(OciLayout.open(wrongVersion))).toBe('LAYOUT_INVALID');
    const badIndex = join(dir, 'bad-index');
    await OciLayout.create(badIndex);
    writeFileSync(join(badIndex, 'index.json'), '{"schemaVersion":2,"manifests":[{"digest":"nope"}]}');
    expect(await codeOf(OciLayout.open(badIndex))).toBe('LAYOUT_INVALID');
  });

  it('writes blobs from buffers, streams and files under their sha256, once', async () => {
    const dir = tempDir();
    const layout = await OciLayout.create(join(dir, 'oci'));
    const data = Buffer.from('hello blob\n'.repeat(1000));
    const fromBuffer = await layout.writeBlob(data, { mediaType: 'text/plain' });
    expect(fromBuffer).toEqual({ mediaType: 'text/plain', digest: sha256(data), size: data.length });
    expect(readFileSync(layout.blobPath(fromBuffer.digest)).equals(data)).toBe(true);
    const inode = statSync(layout.blobPath(fromBuffer.digest)).ino;

    const fromStream = await layout.writeBlob(chunks(data, 777));
    expect(fromStream.digest).toBe(fromBuffer.digest);
    expect(statSync(layout.blobPath(fromBuffer.digest)).ino).toBe(inode);

    const file = join(dir, 'input.bin');
    const other = Buffer.concat([data, Buffer.from('more')]);
    writeFileSync(file, other);
    const fromFile = await layout.writeBlobFromFile(file, { annotations: { a: 'b' } });
    expect(fromFile).toMatchObject({ digest: sha256(other), size: other.length, annotations: { a: 'b' } });
    expect(await layout.hasBlob(fromFile.digest)).toBe(true);
    expect(await codeOf(layout.writeBlobFromFile(join(dir, 'absent')))).toBe('NOT_FOUND');
    expect(readdirSync(layout.root).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('refuses content that does not match the expected digest and leaves nothing behind', async () => {
    const layout = await OciLayout.create(join(tempDir(), 'oci'));
    const expected = { digest: sha256('other'), size: 5 };
    expect(await codeOf(layout.writeBlob(chunks(Buffer.from('hello'), 2), { expected }))).toBe(
      'DIGEST_MISMATCH',
    );
    expect(await layout.hasBlob(sha256('hello'))).toBe(false);
    expect(readdirSync(layout.root).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    expect(() => layout.blobPath('sha256:xyz')).toThrow(SdkError);
  });

  it('openBlob verifies content against its digest', async () => {
    const layout = await OciLayout.create(join(tempDir(), 'oci'));
    const { digest } = await layout.writeBlob(Buffer.from('original'));
    expect((await layout.readBlob(digest)).toString()).toBe('original');
    writeFileSync(layout.blobPath(digest), 'tampered');
    expect(await codeOf(layout.readBlob(digest))).toBe('DIGEST_MISMATCH');
    expect(await codeOf(layout.readBlob(sha256('never written')))).toBe('NOT_FOUND');
  });

  it('indexes manifests by tag, moves a tag, and resolves tags and digests', async () => {
    const layout = await OciLayout.create(join(tempDir(), 'oci'));
    const first = await writeArtifact(layout, '1.0.0');
    const again = await writeArtifact(layout, '1.0.0');
    expect(again.digest).toBe(first.digest);
    expect((await layout.readIndex()).manifests).toHaveLength(1);

    const other = Buffer.from(first.bytes.toString().replace('1970', '1971'));
    const moved = await layout.addManifest(other, { mediaType: MEDIA_TYPES.imageManifest, tag: '1.0.0' });
    await layout.addManifest(first.bytes, { mediaType: MEDIA_TYPES.imageManifest, tag: 'stable' });
    expect(await layout.tags()).toEqual(['1.0.0', 'stable']);
    expect((await layout.resolve('1.0.0')).digest).toBe(moved.digest);
    expect((await layout.resolve('stable')).digest).toBe(first.digest);
    expect((await layout.resolve(first.digest)).digest).toBe(first.digest);
    expect(await codeOf(layout.resolve('2.0.0'))).toBe('NOT_FOUND');

    const manifest = (await layout.readManifest(await layout.resolve('stable'))) as ImageManifest;
    expect(manifest.artifactType).toBe(GPUAAS_APP_ARTIFACT_TYPE);
    expect(manifest.layers[0]?.annotations?.[ANNOTATIONS.title]).toBe('main');
    const reopened = await OciLayout.open(layout.root);
    expect(await reopened.tags()).toEqual(['1.0.0', 'stable']);
  });
});

describe.skipIf(!requireTools('OCI layout read by skopeo', 'skopeo'))('skopeo reads our layout', () => {
  it('inspects the raw manifest and copies the artifact with its digests', async () => {
    const dir = tempDir();
    const layout = await OciLayout.create(join(dir, 'oci'));
    const { bytes, digest } = await writeArtifact(layout, '0.1.0');
    const raw = execFileSync('skopeo', ['inspect', '--raw', `oci:${layout.root}:0.1.0`]);
    expect(raw.equals(bytes)).toBe(true);
    const out = join(dir, 'copy');
    execFileSync('skopeo', ['copy', '--quiet', `oci:${layout.root}:0.1.0`, `dir:${out}`], { stdio: 'pipe' });
    expect(sha256(readFileSync(join(out, 'manifest.json')))).toBe(digest);
    const manifest = JSON.parse(bytes.toString()) as ImageManifest;
    for (const blob of [manifest.config, ...manifest.layers]) {
      expect(sha256(readFileSync(join(out, blob.digest.slice('sha256:'.length))))).toBe(blob.digest);
    }
  });
});
