import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { MEDIA_TYPES } from './manifests.js';
import { Registry } from './registry.js';

const digestOf = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const body = (bytes: Buffer): Readable => Readable.from([bytes]);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error.code;
    throw error;
  }
  return 'no error';
}

let root: string;
let registry: Registry;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'registry-'));
  registry = new Registry(root);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function pushBlob(name: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await registry.blobs.putMonolithic(name, digest, body(bytes));
  return digest;
}

async function pushImage(
  name: string,
  tag: string,
  extra: Record<string, unknown> = {},
): Promise<{ digest: string; layer: string; config: string }> {
  const config = await pushBlob(name, Buffer.from(`{"n":"${randomBytes(4).toString('hex')}"}`));
  const layerBytes = randomBytes(1000);
  const layer = await pushBlob(name, layerBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      config: { mediaType: 'application/vnd.gpuaas.app.config.v1+json', digest: config, size: 10 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 1000 }],
      ...extra,
    }),
  );
  const { digest } = await registry.manifests.put(name, tag, manifest, MEDIA_TYPES.imageManifest);
  return { digest, layer, config };
}

describe('blobs', () => {
  it('stores a monolithic upload under its digest and refuses a wrong digest', async () => {
    const bytes = randomBytes(5000);
    const digest = await pushBlob('team/app', bytes);
    expect(await registry.blobs.stat('team/app', digest)).toEqual({ digest, size: 5000 });
    expect(await registry.blobs.stat('other/app', digest)).toBeUndefined();

    const wrong = digestOf(Buffer.from('something else'));
    expect(await codeOf(registry.blobs.putMonolithic('team/app', wrong, body(bytes)))).toBe('DIGEST_INVALID');
    expect(await registry.blobs.stat('team/app', wrong)).toBeUndefined();
    expect(await readdir(registry.layout.uploadsDir)).toEqual([]);
    expect(await codeOf(registry.blobs.putMonolithic('team/app', 'md5:abc', body(bytes)))).toBe(
      'DIGEST_INVALID',
    );
  });

  it('streams a body past the background flush interval (64 MiB) intact, chunk by chunk', async () => {
    // 1 MiB pieces of 72 MiB: the upload is flushed once while it arrives, then fsynced at the end.
    const piece = randomBytes(1024 * 1024);
    const pieces = Array.from({ length: 72 }, (_, i) => Buffer.concat([piece.subarray(1), Buffer.from([i])]));
    const whole = Buffer.concat(pieces);
    const digest = digestOf(whole);
    const info = await registry.blobs.putMonolithic('team/big', digest, Readable.from(pieces));
    expect(info).toEqual({ digest, size: whole.length });
    const received: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(Buffer.from(chunk));
        callback();
      },
    });
    await registry.blobs.send(digest, sink);
    expect(digestOf(Buffer.concat(received))).toBe(digest);
    expect(await readdir(registry.layout.uploadsDir)).toEqual([]);
  });

  it('appends chunks only in order, and a failed chunk leaves the upload at its last whole chunk', async () => {
    const bytes = randomBytes(3000);
    const id = await registry.blobs.startUpload('team/app');
    expect(
      await registry.blobs.append('team/app', id, body(bytes.subarray(0, 1000)), { start: 0, end: 999 }),
    ).toBe(1000);
    // Out of order: the client is told where the upload stands.
    const skipped = registry.blobs.append('team/app', id, body(bytes.subarray(2000)), {
      start: 2000,
      end: 2999,
    });
    await expect(skipped).rejects.toMatchObject({ code: 'RANGE_INVALID', headers: { Range: '0-999' } });
    // A chunk shorter than its range is cut off again.
    const short = registry.blobs.append('team/app', id, body(bytes.subarray(1000, 1500)), {
      start: 1000,
      end: 1999,
    });
    expect(await codeOf(short)).toBe('RANGE_INVALID');
    expect(await registry.blobs.uploadOffset('team/app', id)).toBe(1000);
    // Another repository cannot see or touch the upload.
    expect(await codeOf(registry.blobs.uploadOffset('other/app', id))).toBe('BLOB_UPLOAD_UNKNOWN');
    await registry.blobs.append('team/app', id, body(bytes.subarray(1000, 2000)), { start: 1000, end: 1999 });
    const info = await registry.blobs.finishUpload(
      'team/app',
      id,
      digestOf(bytes),
      body(bytes.subarray(2000)),
    );
    expect(info).toEqual({ digest: digestOf(bytes), size: 3000 });
    expect(await codeOf(registry.blobs.uploadOffset('team/app', id))).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('cuts a chunk whose body breaks off (a client gone mid-stream) back to the last whole chunk, and resumes', async () => {
    // 3.5 MiB after 1 KiB: the broken chunk spans several write batches before its body fails.
    const bytes = randomBytes(1024 + 3.5 * 1024 * 1024);
    const id = await registry.blobs.startUpload('team/app');
    await registry.blobs.append('team/app', id, body(bytes.subarray(0, 1024)));
    const broken = Readable.from(
      (function* () {
        for (let at = 1024; at < 1024 + 3 * 1024 * 1024; at += 64 * 1024)
          yield bytes.subarray(at, at + 64 * 1024);
        throw new Error('connection reset');
      })(),
    );
    await expect(registry.blobs.append('team/app', id, broken)).rejects.toThrow(/connection reset/);
    expect(await registry.blobs.uploadOffset('team/app', id)).toBe(1024);
    const info = await registry.blobs.finishUpload(
      'team/app',
      id,
      digestOf(bytes),
      body(bytes.subarray(1024)),
    );
    expect(info).toEqual({ digest: digestOf(bytes), size: bytes.length });
  });

  it('verifies the digest by re-reading the file when the running hash was lost (a restart)', async () => {
    const bytes = randomBytes(2048);
    // Bytes a previous process received: no running hash in this one covers them.
    const receivedBefore = async (id: string) =>
      writeFile(join(registry.layout.upload(id), 'data'), bytes, { flag: 'a' });
    const id = await registry.blobs.startUpload('team/app');
    await receivedBefore(id);
    const restarted = new Registry(root);
    expect(await restarted.blobs.finishUpload('team/app', id, digestOf(bytes))).toMatchObject({ size: 2048 });
    const id2 = await restarted.blobs.startUpload('team/app');
    await receivedBefore(id2);
    expect(
      await codeOf(new Registry(root).blobs.finishUpload('team/app', id2, digestOf(Buffer.from('x')))),
    ).toBe('DIGEST_INVALID');
  });

  it('never exposes a partial blob: bytes live in uploads/ until verified, then one rename', async () => {
    const bytes = randomBytes(4096);
    const id = await registry.blobs.startUpload('team/app');
    await registry.blobs.append('team/app', id, body(bytes));
    expect(await readdir(registry.layout.blobsDir).catch(() => [])).toEqual([]);
    expect((await stat(join(registry.layout.upload(id), 'data'))).size).toBe(4096);
    await registry.blobs.finishUpload('team/app', id, digestOf(bytes));
    expect(await readdir(registry.layout.blobsDir)).toEqual([digestOf(bytes).slice(7)]);
    expect(await readdir(registry.layout.uploadsDir)).toEqual([]);
  });

  it('mounts only from a repository that has the blob', async () => {
    const digest = await pushBlob('team/app', randomBytes(100));
    expect(await registry.blobs.mount('release/app', 'team/app', digest)).toBe(true);
    expect(await registry.blobs.stat('release/app', digest)).toBeDefined();
    expect(await registry.blobs.mount('third/app', 'empty/app', digest)).toBe(false);
    expect(await registry.blobs.stat('third/app', digest)).toBeUndefined();
  });
});

describe('manifests, tags and referrers', () => {
  it('refuses a manifest whose blobs are not in the repository, or whose digest differs from the reference', async () => {
    const layer = digestOf(Buffer.from('never pushed'));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.imageManifest,
        config: { mediaType: 'application/json', digest: layer, size: 1 },
        layers: [],
      }),
    );
    expect(await codeOf(registry.manifests.put('team/app', 'v1', manifest, MEDIA_TYPES.imageManifest))).toBe(
      'MANIFEST_BLOB_UNKNOWN',
    );
    const config = await pushBlob('team/app', Buffer.from('{}'));
    const ok = Buffer.from(manifest.toString().replace(layer, config));
    expect(
      await codeOf(
        registry.manifests.put('team/app', digestOf(Buffer.from('x')), ok, MEDIA_TYPES.imageManifest),
      ),
    ).toBe('DIGEST_INVALID');
    expect(await codeOf(registry.manifests.put('team/app', 'v1', ok, MEDIA_TYPES.imageIndex))).toBe(
      'MANIFEST_INVALID',
    );
    expect(
      await codeOf(registry.manifests.put('team/app', 'v1', Buffer.from('nope'), MEDIA_TYPES.imageManifest)),
    ).toBe('MANIFEST_INVALID');
    const { digest } = await registry.manifests.put('team/app', 'v1', ok, MEDIA_TYPES.imageManifest);
    expect((await registry.manifests.get('team/app', 'v1')).bytes.equals(ok)).toBe(true);
    expect((await registry.manifests.get('team/app', digest)).mediaType).toBe(MEDIA_TYPES.imageManifest);
  });

  it('lists referrers by subject, with artifactType filtering, and forgets them when deleted', async () => {
    const subject = await pushImage('team/app', 'v1');
    const subjectDescriptor = { mediaType: MEDIA_TYPES.imageManifest, digest: subject.digest, size: 1 };
    const sig = await pushImage('team/app', 'sig', {
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      subject: subjectDescriptor,
    });
    const sbom = await pushImage('team/app', 'sbom', {
      subject: subjectDescriptor,
      annotations: { kind: 'sbom' },
    });
    const all = await registry.manifests.referrers('team/app', subject.digest);
    expect(all.map((d) => d.digest).sort()).toEqual([sig.digest, sbom.digest].sort());
    // Without artifactType, a referrer's type is its config's media type (spec.md).
    expect(all.find((d) => d.digest === sbom.digest)).toMatchObject({
      artifactType: 'application/vnd.gpuaas.app.config.v1+json',
      annotations: { kind: 'sbom' },
    });
    const filtered = await registry.manifests.referrers(
      'team/app',
      subject.digest,
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    expect(filtered.map((d) => d.digest)).toEqual([sig.digest]);
    expect(await registry.manifests.referrers('other/app', subject.digest)).toEqual([]);
    await registry.manifests.delete('team/app', sig.digest);
    expect((await registry.manifests.referrers('team/app', subject.digest)).map((d) => d.digest)).toEqual([
      sbom.digest,
    ]);
    expect(await registry.manifests.tags('team/app')).toEqual(['sbom', 'v1']);
  });

  it('deletes a tag alone, or a manifest with every tag that points at it', async () => {
    const image = await pushImage('team/app', 'v1');
    await registry.manifests.put(
      'team/app',
      'latest',
      (await registry.manifests.get('team/app', 'v1')).bytes,
      MEDIA_TYPES.imageManifest,
    );
    await registry.manifests.delete('team/app', 'latest');
    expect(await registry.manifests.tags('team/app')).toEqual(['v1']);
    await registry.manifests.delete('team/app', image.digest);
    expect(await registry.manifests.tags('team/app')).toEqual([]);
    expect(await codeOf(registry.manifests.get('team/app', image.digest))).toBe('MANIFEST_UNKNOWN');
    expect(await codeOf(registry.manifests.delete('team/app', 'v1'))).toBe('MANIFEST_UNKNOWN');
  });
});

describe('garbage collection', () => {
  const old = async (digest: string): Promise<void> => {
    const path = registry.layout.blob(digest.slice(7));
    const past = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(path, past, past);
  };

  it('keeps what manifests, index children and referrers reference, deletes the rest after the grace period', async () => {
    const image = await pushImage('team/app', 'v1');
    const child = await pushImage('team/app', 'child');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.imageIndex,
        manifests: [{ mediaType: MEDIA_TYPES.imageManifest, digest: child.digest, size: 1 }],
      }),
    );
    const { digest: indexDigest } = await registry.manifests.put(
      'team/app',
      'multi',
      index,
      MEDIA_TYPES.imageIndex,
    );
    // The child is reachable only through the index once its tag goes.
    await registry.manifests.delete('team/app', 'child');
    const referrer = await pushImage('team/app', 'sig', {
      subject: { mediaType: MEDIA_TYPES.imageManifest, digest: image.digest, size: 1 },
    });
    await registry.manifests.delete('team/app', 'sig');
    const orphan = await pushBlob('team/app', randomBytes(64));
    const fresh = await pushBlob('team/app', randomBytes(64));
    const deleted = await pushImage('team/gone', 'v1');
    await registry.manifests.delete('team/gone', deleted.digest);
    for (const hex of await readdir(registry.layout.blobsDir)) await old(`sha256:${hex}`);
    const now = new Date();
    await utimes(registry.layout.blob(fresh.slice(7)), now, now);

    const dry = await registry.collectGarbage({ dryRun: true });
    expect(dry.deletedBlobs.sort()).toEqual([orphan, deleted.digest, deleted.layer, deleted.config].sort());
    expect(await registry.blobs.stat('team/app', orphan)).toBeDefined();

    const report = await registry.collectGarbage();
    expect(report.deletedBlobs.sort()).toEqual(dry.deletedBlobs.sort());
    expect(report.freedBytes).toBeGreaterThan(64);
    for (const kept of [
      image.digest,
      image.layer,
      image.config,
      child.digest,
      child.layer,
      indexDigest,
      referrer.digest,
      referrer.layer,
      fresh,
    ]) {
      expect(await registry.blobs.stat('team/app', kept), kept).toBeDefined();
    }
    expect(await registry.blobs.stat('team/app', orphan)).toBeUndefined();
    expect((await registry.manifests.get('team/app', 'multi')).digest).toBe(indexDigest);
  });

  it('sweeps abandoned uploads older than the grace period', async () => {
    const id = await registry.blobs.startUpload('team/app');
    const recent = await registry.blobs.startUpload('team/app');
    const past = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(registry.layout.upload(id), 'data'), past, past);
    await writeFile(join(registry.layout.uploadsDir, 'stray.tmp'), '');
    const report = await registry.collectGarbage();
    expect(report.deletedUploads).toBe(2);
    expect(await readdir(registry.layout.uploadsDir)).toEqual([recent]);
  });
});

describe('sending blobs', () => {
  /** Copies each chunk only when it completes its write: a buffer refilled too early shows up as wrong bytes. */
  function lateCopyingReceiver(): { out: Writable; received: () => Buffer } {
    const parts: Buffer[] = [];
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        setTimeout(() => {
          parts.push(Buffer.from(chunk));
          callback();
        }, 2);
      },
    });
    return { out, received: () => Buffer.concat(parts) };
  }

  it('sends a blob of several read buffers, and byte ranges across their edges, byte for byte', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    const digest = await pushBlob('team/app', bytes);
    const whole = lateCopyingReceiver();
    await registry.blobs.send(digest, whole.out);
    expect(whole.received().equals(bytes)).toBe(true);
    const range = { start: 4 * 1024 * 1024 - 7, end: 8 * 1024 * 1024 + 9 };
    const part = lateCopyingReceiver();
    await registry.blobs.send(digest, part.out, range);
    expect(part.received().equals(bytes.subarray(range.start, range.end + 1))).toBe(true);
  });

  it('stops when the receiver closes half-way', async () => {
    const digest = await pushBlob('team/app', randomBytes(9 * 1024 * 1024));
    const { out } = lateCopyingReceiver();
    const sending = registry.blobs.send(digest, out);
    setTimeout(() => out.destroy(), 1);
    await expect(sending).rejects.toThrow('the receiver closed');
  });
});
