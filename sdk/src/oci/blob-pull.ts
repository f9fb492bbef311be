/**
 * Pulling blobs with the digest and size checked while the bytes stream, so corrupted or
 * tampered content is refused without being buffered and never lands at its final path.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SdkError } from '../errors.js';
import type { BlobProgress } from './blob-push.js';
import { deleteByDigest, pullScope } from './blobs.js';
import { VerifyingStream, splitDigest } from './digest.js';
import type { RegistryTransport } from './transport.js';
import type { Descriptor } from './types.js';

/** Largest blob {@link fetchBlob} reads into memory unless told otherwise (4 MiB). */
export const DEFAULT_MAX_IN_MEMORY = 4 * 1024 * 1024;

export interface PullBlobOptions {
  onProgress?: (progress: BlobProgress) => void;
  signal?: AbortSignal;
}

function checkDescriptor(descriptor: Pick<Descriptor, 'digest' | 'size'>): void {
  splitDigest(descriptor.digest);
  if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
    throw new SdkError('USAGE', `descriptor of ${descriptor.digest} has an invalid size ${descriptor.size}`);
  }
}

/**
 * Opens a blob as a stream that fails with DIGEST_MISMATCH (at the end, or as soon as it runs
 * past the descriptor's size) when the content is not what the descriptor says.
 */
export async function openBlob(
  transport: RegistryTransport,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  options: PullBlobOptions = {},
): Promise<Readable> {
  checkDescriptor(descriptor);
  const what = `pull blob ${descriptor.digest} from ${repository}`;
  const response = await transport.getStream({
    url: `/v2/${repository}/blobs/${descriptor.digest}`,
    scopes: [pullScope(repository)],
    ok: [200],
    what,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const verifier = new VerifyingStream(descriptor, `${repository}@${descriptor.digest}`);
  const body = response.body;
  if (body === null) {
    verifier.end();
    return verifier;
  }
  const onProgress = options.onProgress;
  let transferred = 0;
  const counter =
    onProgress === undefined
      ? undefined
      : new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            transferred += chunk.length;
            onProgress({ digest: descriptor.digest, transferred, total: descriptor.size });
            callback(null, chunk);
          },
        });
  // Errors of the response stream reach the verifier, which is what the caller reads.
  const done = counter === undefined ? pipeline(body, verifier) : pipeline(body, counter, verifier);
  done.catch((error: unknown) => {
    if (!verifier.destroyed) verifier.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return verifier;
}

/**
 * Downloads a blob to `destination` through a temporary file beside it, renamed into place only
 * when size and digest match; on any failure the partial file is deleted.
 */
export async function pullBlob(
  transport: RegistryTransport,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  destination: string,
  options: PullBlobOptions = {},
): Promise<void> {
  const temporary = join(
    dirname(destination),
    `.${basename(destination)}.${randomBytes(6).toString('hex')}.partial`,
  );
  try {
    const stream = await openBlob(transport, repository, descriptor, options);
    await pipeline(stream, createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    if (error instanceof SdkError) throw error;
    throw new SdkError('IO_ERROR', `cannot write ${destination}`, { cause: error });
  }
}

/** Reads a small blob (a referrer's payload, a config) into memory, verified. */
export async function fetchBlob(
  transport: RegistryTransport,
  repository: string,
  descriptor: Pick<Descriptor, 'digest' | 'size'>,
  maxBytes = DEFAULT_MAX_IN_MEMORY,
): Promise<Buffer> {
  if (descriptor.size > maxBytes) {
    throw new SdkError(
      'USAGE',
      `blob ${descriptor.digest} has ${descriptor.size} bytes, more than the ${maxBytes} allowed in memory`,
    );
  }
  const stream = await openBlob(transport, repository, descriptor);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deletes a blob (the registry must allow deletes); NOT_FOUND when it is not there. */
export function deleteBlob(transport: RegistryTransport, repository: string, digest: string): Promise<void> {
  return deleteByDigest(transport, repository, 'blobs', digest);
}
