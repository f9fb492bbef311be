import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { bufferBlobSource, fileBlobSource, type BlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { computeDigest } from './digest.js';

const available = requireTools('oci blobs (Distribution 2.8)', 'docker-registry');

/** Counts the bytes a source hands out, whichever way it is opened. */
function counted(source: BlobSource, withRange = true): BlobSource & { bytesRead: () => number } {
  let bytes = 0;
  const wrap = (stream: Readable): Readable => {
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    return stream;
  };
  const out: BlobSource & { bytesRead: () => number } = {
    size: source.size,
    open: () => wrap(source.open()),
    bytesRead: () => bytes,
  };
  if (withRange && source.openRange !== undefined) {
    const openRange = source.openRange.bind(source);
    out.openRange = (start, end) => wrap(openRange(start, end));
  }
  if (source.digest !== undefined) out.digest = source.digest;
  return out;
}

interface Call {
  method: string;
  url: URL;
  status: number;
}

/** A fetch that records calls and can sabotage chosen ones. */
function recordingFetch(
  sabotage?: (
    call: { method: string; url: URL; index: number },
    init: RequestInit,
  ) => RequestInit | 'refuse' | undefined,
) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let index = 0;
  const fetchImpl: typeof fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const method = init.method ?? 'GET';
    let effective = init;
    const verdict = sabotage?.({ method, url, index: index++ }, init);
    if (verdict === 'refuse')
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('refused'), { code: 'ECONNRESET' }),
      });
    if (verdict !== undefined) effective = verdict;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const response = await fetch(url, effective);
      calls.push({ method, url, status: response.status });
      return response;
    } finally {
      inFlight--;
    }
  };
  return { fetchImpl, calls, maxInFlight: () => maxInFlight };
}

describe.skipIf(!available)('blobs against Distribution 2.8', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let work: string;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    work = await mkdtemp(join(tmpdir(), 'oci-blobs-'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('pushes monolithically, then skips the re-push after a HEAD without reading a byte', async () => {
    const bytes = randomBytes(10_000);
    const digest = computeDigest(bytes);
    const first = counted(bufferBlobSource(bytes, digest));
    const pushed = await client.pushBlob('blobs/mono', first, { mediaType: 'application/x-test' });
    expect(pushed).toEqual({
      descriptor: { mediaType: 'application/x-test', digest, size: 10_000 },
      outcome: 'uploaded',
    });
    expect(first.bytesRead()).toBe(10_000);
    expect(await client.hasBlob('blobs/mono', digest)).toBe(true);

    const again = counted(bufferBlobSource(bytes, digest));
    const second = await client.pushBlob('blobs/mono', again);
    expect(second.outcome).toBe('existed');
    expect(again.bytesRead()).toBe(0);
  });

  it('finishes an upload of unknown digest with the digest computed on the fly', async () => {
    const bytes = randomBytes(5000);
    const rec = recordingFetch();
    const c = new RegistryClient({ registry: registry.host, fetch: rec.fetchImpl });
    const pushed = await c.pushBlob('blobs/nodigest', bufferBlobSource(bytes));
    expect(pushed.descriptor.digest).toBe(computeDigest(bytes));
    expect(rec.calls.map((call) => call.method)).toEqual(['POST', 'PATCH', 'PUT']);
    expect(await client.fetchBlob('blobs/nodigest', pushed.descriptor)).toEqual(bytes);
  });

  it('uploads in chunks above the threshold, each chunk one PATCH', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const path = join(work, 'chunked.bin');
    await writeFile(path, bytes);
    const rec = recordingFetch();
    const c = new RegistryClient({ registry: registry.host, fetch: rec.fetchImpl });
    const progress: number[] = [];
    const source = counted(await fileBlobSource(path, computeDigest(bytes)));
    const pushed = await c.pushBlob('blobs/chunked', source, {
      chunkSize: 1024 * 1024,
      onProgress: (p) => progress.push(p.transferred),
    });
    expect(pushed.outcome).toBe('uploaded');
    expect(rec.calls.filter((call) => call.method === 'PATCH').map((call) => call.status)).toEqual([
      202, 202, 202, 202,
    ]);
    expect(source.bytesRead()).toBe(bytes.length);
    expect(progress.at(-1)).toBe(bytes.length);
    const out = join(work, 'chunked.out');
    await client.pullBlob('blobs/chunked', pushed.descriptor, out);
    expect((await readFile(out)).equals(bytes)).toBe(true);
  });

  it('re-sends only the failed chunk when a PATCH fails before reaching the registry', async () => {
    const bytes = randomBytes(3 * 256 * 1024);
    let patches = 0;
    const rec = recordingFetch(({ method }) =>
      method === 'PATCH' && ++patches === 2 ? 'refuse' : undefined,
    );
    const retries: string[] = [];
    const c = new RegistryClient({
      registry: registry.host,
      fetch: rec.fetchImpl,
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      onRetry: (event) => retries.push(event.reason),
    });
    const source = counted(bufferBlobSource(bytes));
    const pushed = await c.pushBlob('blobs/retry-chunk', source, { chunkSize: 256 * 1024 });
    expect(pushed.descriptor.digest).toBe(computeDigest(bytes));
    expect(retries).toEqual(['REGISTRY_UNREACHABLE']);
    // the refused chunk was never read, so the source gave each byte exactly once
    expect(source.bytesRead()).toBe(bytes.length);
    expect(rec.calls.filter((call) => call.method === 'GET' && call.status === 204)).toHaveLength(1);
    expect(await client.fetchBlob('blobs/retry-chunk', pushed.descriptor)).toEqual(bytes);
  });

  it('starts a new session when a chunk breaks off half-way (Distribution cancels the session)', async () => {
    const bytes = randomBytes(3 * 256 * 1024);
    let patches = 0;
    const rec = recordingFetch(({ method }, init) => {
      if (method !== 'PATCH' || ++patches !== 2) return undefined;
      const body = init.body as AsyncIterable<Uint8Array>;
      async function* half(): AsyncGenerator<Uint8Array> {
        let sent = 0;
        for await (const chunk of body) {
          yield chunk;
          sent += chunk.length;
          if (sent >= 64 * 1024) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        }
      }
      return { ...init, body: half() };
    });
    const c = new RegistryClient({
      registry: registry.host,
      fetch: rec.fetchImpl,
      retry: { initialDelayMs: 1 },
    });
    const pushed = await c.pushBlob('blobs/broken-chunk', bufferBlobSource(bytes), { chunkSize: 256 * 1024 });
    expect(pushed.descriptor.digest).toBe(computeDigest(bytes));
    expect(rec.calls.filter((call) => call.method === 'POST')).toHaveLength(2);
    expect(await client.fetchBlob('blobs/broken-chunk', pushed.descriptor)).toEqual(bytes);
  });

  it('mounts across repositories without sending bytes (201), and says false for an unknown blob', async () => {
    const bytes = randomBytes(4096);
    const digest = computeDigest(bytes);
    await client.pushBlob('blobs/mount-src', bufferBlobSource(bytes, digest));
    const rec = recordingFetch();
    const c = new RegistryClient({ registry: registry.host, fetch: rec.fetchImpl });
    expect(await c.mountBlob('blobs/mount-dst', digest, 'blobs/mount-src')).toBe(true);
    const mountCall = rec.calls.find((call) => call.url.searchParams.get('mount') === digest);
    expect(mountCall?.status).toBe(201);
    expect(rec.calls.some((call) => call.method === 'PUT' || call.method === 'PATCH')).toBe(false);
    expect(await client.hasBlob('blobs/mount-dst', digest)).toBe(true);

    const source = counted(bufferBlobSource(bytes, digest));
    const viaPush = await client.pushBlob('blobs/mount-dst2', source, { mountFrom: ['blobs/mount-src'] });
    expect(viaPush.outcome).toBe('mounted');
    expect(source.bytesRead()).toBe(0);

    const unknown = computeDigest(randomBytes(16));
    const rec2 = recordingFetch();
    const c2 = new RegistryClient({ registry: registry.host, fetch: rec2.fetchImpl });
    expect(await c2.mountBlob('blobs/mount-dst', unknown, 'blobs/mount-src')).toBe(false);
    // the upload session the 202 opened is cancelled
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rec2.calls.map((call) => `${call.method} ${call.status}`)).toEqual(['POST 202', 'DELETE 204']);
  });

  it('pulls with verification and refuses a tampered blob without leaving a partial file', async () => {
    const bytes = randomBytes(200_000);
    const { descriptor } = await client.pushBlob('blobs/pull', bufferBlobSource(bytes, computeDigest(bytes)));
    const dir = await mkdtemp(join(work, 'pull-'));
    const progress: number[] = [];
    await client.pullBlob('blobs/pull', descriptor, join(dir, 'good'), {
      onProgress: (p) => progress.push(p.transferred),
    });
    expect((await readFile(join(dir, 'good'))).equals(bytes)).toBe(true);
    expect(progress.at(-1)).toBe(200_000);

    const stored = await readFile(registry.blobPath(descriptor.digest));
    stored[1000] = (stored[1000] ?? 0) ^ 0xff;
    await writeFile(registry.blobPath(descriptor.digest), stored);
    await expect(client.pullBlob('blobs/pull', descriptor, join(dir, 'bad'))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    expect(await readdir(dir)).toEqual(['good']);

    const stream = await client.openBlob('blobs/pull', descriptor);
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });

    // a descriptor claiming fewer bytes fails as soon as the stream runs past them
    const short = await client.openBlob('blobs/pull', { digest: descriptor.digest, size: 10 });
    await expect(Readable.from(short).toArray()).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('refuses a source whose bytes do not match its declared digest', async () => {
    const bytes = randomBytes(1000);
    const wrong = computeDigest(randomBytes(1000));
    await expect(client.pushBlob('blobs/wrong', bufferBlobSource(bytes, wrong))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    expect(await client.hasBlob('blobs/wrong', wrong)).toBe(false);
  });

  it('pushes several blobs with bounded parallelism, results in input order', async () => {
    const blobs = Array.from({ length: 6 }, () => randomBytes(50_000));
    const rec = recordingFetch();
    const c = new RegistryClient({ registry: registry.host, fetch: rec.fetchImpl });
    const pushed = await c.pushBlobs(
      'blobs/many',
      blobs.map((b) => bufferBlobSource(b, computeDigest(b))),
      { concurrency: 2 },
    );
    expect(pushed.map((p) => p.descriptor.digest)).toEqual(blobs.map((b) => computeDigest(b)));
    expect(rec.maxInFlight()).toBeLessThanOrEqual(2);
    expect(rec.maxInFlight()).toBe(2);
  });

  it('deletes a blob', async () => {
    const bytes = randomBytes(100);
    const { descriptor } = await client.pushBlob(
      'blobs/delete',
      bufferBlobSource(bytes, computeDigest(bytes)),
    );
    await client.deleteBlob('blobs/delete', descriptor.digest);
    expect(await client.hasBlob('blobs/delete', descriptor.digest)).toBe(false);
    await expect(client.deleteBlob('blobs/delete', descriptor.digest)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
