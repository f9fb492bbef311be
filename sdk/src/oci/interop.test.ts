import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { bufferBlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { computeDigest } from './digest.js';
import { MEDIA_TYPES, type ImageIndex, type ImageManifest } from './types.js';

const run = promisify(execFile);
const available = requireTools('oci interop with skopeo', 'docker-registry', 'skopeo');

async function skopeo(...args: string[]): Promise<Buffer> {
  const { stdout } = await run('skopeo', args, { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

describe.skipIf(!available)('interop with skopeo 1.9 through Distribution 2.8', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let work: string;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
    work = await mkdtemp(join(tmpdir(), 'oci-interop-'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('skopeo reads the manifest we pushed byte for byte, and copies our blobs intact', async () => {
    const config = Buffer.from(JSON.stringify({ app: 'demo', version: '1.0.0' }));
    const layer = randomBytes(70_000);
    await client.pushBlob('interop/ours', bufferBlobSource(config, computeDigest(config)));
    await client.pushBlob('interop/ours', bufferBlobSource(layer), { chunkSize: 32 * 1024 });
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      artifactType: 'application/vnd.gpuaas.app.v1',
      config: { mediaType: MEDIA_TYPES.gpuaasAppConfig, digest: computeDigest(config), size: config.length },
      layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: computeDigest(layer), size: layer.length }],
      annotations: { 'org.opencontainers.image.version': '1.0.0' },
    };
    const bytes = Buffer.from(JSON.stringify(manifest, null, 1));
    const pushed = await client.putManifest('interop/ours', '1.0.0', bytes, MEDIA_TYPES.imageManifest);

    const raw = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.host}/interop/ours:1.0.0`,
    );
    expect(raw.equals(bytes)).toBe(true);

    // skopeo copies the artifact to another repository with its own client; ours reads it back
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--preserve-digests',
      `docker://${registry.host}/interop/ours:1.0.0`,
      `docker://${registry.host}/interop/copied:1.0.0`,
    );
    const copied = await client.getManifest('interop/copied', '1.0.0');
    expect(copied.descriptor.digest).toBe(pushed.digest);
    expect(await client.fetchBlob('interop/copied', manifest.layers[0]!)).toEqual(layer);
  });

  it('pulls, with verification, an image skopeo pushed from a hand-made OCI layout', async () => {
    const layout = join(work, 'layout');
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    const writeBlob = async (content: Buffer): Promise<string> => {
      const digest = computeDigest(content);
      await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), content);
      return digest;
    };
    const layer = randomBytes(300_000);
    const layerDigest = await writeBlob(layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [layerDigest] },
        config: {},
      }),
    );
    const configDigest = await writeBlob(config);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      config: { mediaType: MEDIA_TYPES.imageConfig, digest: configDigest, size: config.length },
      layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: layerDigest, size: layer.length }],
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = await writeBlob(manifestBytes);
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageIndex,
      manifests: [
        {
          mediaType: MEDIA_TYPES.imageManifest,
          digest: manifestDigest,
          size: manifestBytes.length,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    };
    await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

    await skopeo(
      'copy',
      '--dest-tls-verify=false',
      '--preserve-digests',
      `oci:${layout}:v1`,
      `docker://${registry.host}/interop/theirs:v1`,
    );

    const fetched = await client.getManifest('interop/theirs', 'v1');
    expect(fetched.descriptor.digest).toBe(manifestDigest);
    expect(fetched.bytes.equals(manifestBytes)).toBe(true);
    const fetchedManifest = fetched.manifest as ImageManifest;
    const out = join(work, 'layer.out');
    await client.pullBlob('interop/theirs', fetchedManifest.layers[0]!, out);
    expect((await readFile(out)).equals(layer)).toBe(true);
    expect(await client.fetchBlob('interop/theirs', fetchedManifest.config)).toEqual(config);
  });
});
