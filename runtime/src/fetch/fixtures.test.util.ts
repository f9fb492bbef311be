/**
 * Fixtures for the fetch tests: a small app with a named weights layer, key pairs, a fetch that
 * records the registry URLs asked for, a tracer that records spans, and a hand-made artifact for
 * layer contents the sdk's packer would never produce.
 */
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AttributeValue, Attributes, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import {
  GPUAAS_APP_ARTIFACT_TYPE,
  MEDIA_TYPES,
  RegistryClient,
  bufferBlobSource,
  canonicalJson,
  encodeTarHeader,
  loadPublicKey,
  loadSigningKey,
  writeKeyPair,
  type GetOnce,
  type PublicKey,
  type SigningKey,
} from '@gpuaas/sdk';
import { undiciGet } from './undici-get.js';

export const APP_MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: fetch-test
version: 1.0.0
publisher: gpuaas-tests
run:
  entrypoint: [sh, bin/start.sh]
files:
  layers:
    - { name: weights, include: ['models/**'] }
resources:
  minimum:
    gpus: { count: 0 }
`;

/** Writes the test app; `unique` changes the content, so each app has its own digest and blobs. */
export async function writeApp(dir: string, unique: string): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(join(dir, 'models'), { recursive: true });
  await writeFile(join(dir, 'gpuaas-app.yaml'), APP_MANIFEST);
  await writeFile(join(dir, 'bin/start.sh'), `#!/bin/sh\necho ${unique}\n`);
  await chmod(join(dir, 'bin/start.sh'), 0o755);
  await writeFile(join(dir, 'models/weights.bin'), Buffer.alloc(200_000, unique));
  await writeFile(join(dir, 'unique.txt'), unique);
  await symlink('models/weights.bin', join(dir, 'weights'));
  return dir;
}

export interface TestKeys {
  key: SigningKey;
  pub: PublicKey;
  pubPath: string;
}

export async function makeKeys(prefix: string): Promise<TestKeys> {
  const written = await writeKeyPair(prefix);
  return {
    key: await loadSigningKey(written.privateKeyPath),
    pub: await loadPublicKey(written.publicKeyPath),
    pubPath: written.publicKeyPath,
  };
}

/** A fetch that records `METHOD path` of every request. */
export function recordingFetch(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    requests.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname}`);
    return fetch(input, init);
  };
  return { fetch: recording, requests };
}

export interface RecordedSpan {
  name: string;
  attributes: Attributes;
  status?: { code: number; message?: string };
  ended: boolean;
}

/** The few Tracer methods fetchArtifact uses, recording into `spans`. */
export function recordingTracer(): { tracer: Tracer; spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  const startSpan = (name: string, options?: SpanOptions): Span => {
    const record: RecordedSpan = { name, attributes: { ...options?.attributes }, ended: false };
    spans.push(record);
    const span = {
      setAttribute: (key: string, value: AttributeValue) => {
        record.attributes[key] = value;
        return span;
      },
      setAttributes: (attributes: Attributes) => {
        Object.assign(record.attributes, attributes);
        return span;
      },
      setStatus: (status: { code: number; message?: string }) => {
        record.status = status;
        return span;
      },
      recordException: () => undefined,
      end: () => {
        record.ended = true;
      },
    };
    return span as unknown as Span;
  };
  const tracer = {
    startSpan,
    startActiveSpan: (name: string, options: SpanOptions, fn: (span: Span) => unknown) =>
      fn(startSpan(name, options)),
  };
  return { tracer: tracer as unknown as Tracer, spans };
}

/** A one-layer tar with entries the packer refuses to write (for the unpacker's refusals). */
export function evilLayer(): Buffer {
  const body = Buffer.from('escaped\n');
  return Buffer.concat([
    encodeTarHeader({ path: 'ok.txt', type: 'file', size: 3, mode: 0o644, mtime: 0 }),
    Buffer.concat([Buffer.from('ok\n'), Buffer.alloc(509)]),
    encodeTarHeader({ path: '../../escaped.txt', type: 'file', size: body.length, mode: 0o644, mtime: 0 }),
    Buffer.concat([body, Buffer.alloc(512 - body.length)]),
    Buffer.alloc(1024),
  ]);
}

/** A one-layer tar holding `start.sh` (a valid layer, to be compressed and damaged by tests). */
export function plainLayer(text = 'echo hello\n'.repeat(2000)): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([
    encodeTarHeader({ path: 'start.sh', type: 'file', size: body.length, mode: 0o755, mtime: 0 }),
    body,
    Buffer.alloc((512 - (body.length % 512)) % 512),
    Buffer.alloc(1024),
  ]);
}

/**
 * Pushes an app artifact whose one layer is `layer` (tar, or gzip when `mediaType` says so), with
 * a valid manifest as config. The layer is pushed as it is: a damaged one gets its own digest, so
 * a signature over the manifest covers the damage.
 */
export async function pushHandMade(
  registry: string,
  repository: string,
  tag: string,
  layer: Buffer,
  mediaType: string = MEDIA_TYPES.layerTar,
): Promise<{ reference: string; digest: string; layerDigest: string }> {
  const client = new RegistryClient({ registry });
  const manifest = {
    apiVersion: 'gpuaas.dev/v1alpha1',
    name: 'hand-made',
    version: '1.0.0',
    publisher: 'gpuaas-tests',
    run: { entrypoint: ['true'] },
    resources: { minimum: { gpus: { count: 0 } } },
  };
  const config = await client.pushBlob(repository, bufferBlobSource(Buffer.from(canonicalJson(manifest))));
  const tar = await client.pushBlob(repository, bufferBlobSource(layer));
  const image = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: GPUAAS_APP_ARTIFACT_TYPE,
    config: { ...config.descriptor, mediaType: MEDIA_TYPES.gpuaasAppConfig },
    layers: [{ ...tar.descriptor, mediaType }],
  };
  const descriptor = await client.putManifest(
    repository,
    tag,
    Buffer.from(canonicalJson(image)),
    MEDIA_TYPES.imageManifest,
  );
  return {
    reference: `${registry}/${repository}:${tag}`,
    digest: descriptor.digest,
    layerDigest: tar.descriptor.digest,
  };
}

/** What a damaging fetch does to the body of one blob on its way from the registry. */
export type TransitDamage = 'flip' | 'cut' | 'stall';

/**
 * A fetch that damages the bodies of the blobs named in `damage` (by digest) in transit: `flip`
 * inverts a byte in the middle, `cut` ends the body at half its length, `stall` sends the first
 * half and then nothing until the request is aborted. `stalled` resolves once a stall began.
 */
export function damagingFetch(damage: Map<string, TransitDamage>): {
  fetch: typeof fetch;
  stalled: Promise<void>;
} {
  let markStalled!: () => void;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));
  const damaging: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const digest = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname)?.[1];
    const what = digest === undefined ? undefined : damage.get(digest);
    if (what === undefined || !response.ok) return response;
    const bytes = Buffer.from(await response.arrayBuffer());
    const half = bytes.length >> 1;
    if (what === 'flip') bytes[half] = (bytes[half] ?? 0) ^ 0xff;
    const signal = init?.signal ?? undefined;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (what === 'flip') {
          // In small pieces, as a network delivers: the unpacker sees the damage before the end.
          for (let at = 0; at < bytes.length; at += 32) controller.enqueue(bytes.subarray(at, at + 32));
          controller.close();
          return;
        }
        controller.enqueue(bytes.subarray(0, half));
        if (what === 'cut') {
          controller.close();
          return;
        }
        markStalled();
        signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
    });
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(body, { status: response.status, headers });
  };
  return { fetch: damaging, stalled };
}

/**
 * `damagingFetch`'s damage on the path the runtime takes without a test fetch: the sdk's
 * `streamGet` (undici-get.ts), with the same `flip`, `cut` and `stall`.
 */
export function damagingStreamGet(damage: Map<string, TransitDamage>): {
  streamGet: GetOnce;
  stalled: Promise<void>;
} {
  let markStalled!: () => void;
  const stalled = new Promise<void>((resolve) => (markStalled = resolve));
  const streamGet: GetOnce = async (url, headers, signal) => {
    const answer = await undiciGet(url, headers, signal);
    const digest = /\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname)?.[1];
    const what = digest === undefined ? undefined : damage.get(digest);
    if (what === undefined || answer.statusCode !== 200) return answer;
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const half = bytes.length >> 1;
    if (what === 'flip') bytes[half] = (bytes[half] ?? 0) ^ 0xff;
    const body = new Readable({ read: () => undefined });
    if (what === 'flip') {
      // In small pieces, as a network delivers: the unpacker sees the damage before the end.
      for (let at = 0; at < bytes.length; at += 32) body.push(bytes.subarray(at, at + 32));
      body.push(null);
    } else {
      body.push(bytes.subarray(0, half));
      if (what === 'cut') body.push(null);
      else {
        markStalled();
        signal?.addEventListener('abort', () => body.destroy(signal.reason as Error), { once: true });
      }
    }
    const { 'content-length': _length, ...rest } = answer.headers;
    return { statusCode: answer.statusCode, headers: rest, body };
  };
  return { streamGet, stalled };
}
