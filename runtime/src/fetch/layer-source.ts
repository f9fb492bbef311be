/**
 * The bytes of one layer on their way to the unpacker, and what a failure means.
 *
 * A layer can fail in the middle: the gzip stream breaks (a flipped bit, garbage, data after its
 * end), the tar inside is malformed or unsafe, the transfer stops short. The same symptom has two
 * causes that call for different answers: the layer may be exactly what the publisher signed
 * (their artifact is broken: ARTIFACT_LAYER_CORRUPT, ARTIFACT_TRUNCATED, ARTIFACT_INVALID or
 * ARTIFACT_UNSAFE), or it may have been changed on the way (ARTIFACT_TAMPERED). Only the digest
 * tells, and it is known once the last byte went through the verifier. So when unpacking fails,
 * the rest of the layer is still read — through the digest and size check, never unpacked, at
 * most the declared size — and the verdict decides the code. Stopping (the abort signal) ends
 * both at once.
 */
import { SdkError, VerifyingStream } from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';

export interface LayerFacts {
  /** How errors name the layer: `layer "weights" (sha256:…)`. */
  where: string;
  digest: string;
  size: number;
}

/** Bytes of a layer; the consumer's early exit leaves the source open for `verdict()`. */
export class LayerSource implements AsyncIterable<Buffer> {
  private readonly iterator: AsyncIterator<Buffer>;
  /** Bytes handed out or drained so far. */
  private read = 0;

  constructor(
    private readonly source: AsyncIterable<Buffer>,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes that arrived: the verifier's count (a stream that failed drops what it buffered). */
  get received(): number {
    return this.source instanceof VerifyingStream ? this.source.bytes : this.read;
  }

  private async next(): Promise<IteratorResult<Buffer>> {
    this.signal?.throwIfAborted();
    const next = await this.iterator.next();
    this.signal?.throwIfAborted();
    if (next.done !== true) this.read += next.value.length;
    return next;
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      // The unpacker giving up must not close the source: verdict() reads the rest.
      return: () => Promise.resolve({ done: true, value: undefined }),
    };
  }

  /** Reads what is left, to the verifier's verdict: undefined when the bytes match the digest. */
  async verdict(): Promise<unknown> {
    try {
      for (let next = await this.next(); next.done !== true; next = await this.next()) void next;
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** Releases the source (the connection or the file) when it was not read to its end. */
  async close(): Promise<void> {
    await this.iterator.return?.().catch(() => undefined);
  }
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** The code of a layer that failed with `error` and whose remaining bytes gave `verdict`. */
export function layerFailure(
  layer: LayerFacts,
  error: unknown,
  verdict: unknown,
  received: number,
  signal: AbortSignal | undefined,
): unknown {
  const details = { blob: layer.digest, expected: layer.digest, size: layer.size, received };
  if (isAbort(error, signal) || isAbort(verdict, signal)) {
    return new RuntimeError('LAUNCH_ABORTED', `fetching ${layer.where} was stopped`, { cause: error });
  }
  const mismatch = [verdict, error].find(
    (e): e is SdkError => e instanceof SdkError && e.code === 'DIGEST_MISMATCH',
  );
  if (mismatch !== undefined) {
    if (received < layer.size) {
      return new RuntimeError(
        'ARTIFACT_TRUNCATED',
        `${layer.where}: the download ended after ${received} of ${layer.size} bytes`,
        { cause: mismatch, details },
      );
    }
    return new RuntimeError(
      'ARTIFACT_TAMPERED',
      `${layer.where} does not match its digest: ${mismatch.message}`,
      {
        cause: mismatch,
        details,
      },
    );
  }
  if (verdict !== undefined) {
    // The rest could not be read: the connection broke mid-layer.
    return new RuntimeError(
      'ARTIFACT_TRUNCATED',
      `${layer.where}: the download broke off after ${received} of ${layer.size} bytes: ${verdict instanceof Error ? verdict.message : 'unreadable'}`,
      { cause: verdict, details },
    );
  }
  if (isRuntimeError(error)) return error;
  // The bytes are exactly what was signed: the publisher's layer itself is broken.
  const zlib = (error as NodeJS.ErrnoException | undefined)?.code;
  if (zlib === 'Z_BUF_ERROR') {
    return new RuntimeError(
      'ARTIFACT_TRUNCATED',
      `${layer.where}: its gzip stream ends before its end (the layer was cut off before it was signed)`,
      { cause: error, details },
    );
  }
  if (typeof zlib === 'string' && zlib.startsWith('Z_')) {
    return new RuntimeError(
      'ARTIFACT_LAYER_CORRUPT',
      `${layer.where}: its gzip stream is corrupt (${(error as Error).message}), although it matches its digest`,
      { cause: error, details },
    );
  }
  return error;
}
