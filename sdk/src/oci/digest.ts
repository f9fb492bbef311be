/**
 * Content digests: computing them, checking their syntax, and verifying streamed content on the
 * fly so that nothing has to be buffered whole to be checked.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { SdkError } from '../errors.js';

/** Digest algorithms the client can compute; OCI registries use sha256, some accept sha512. */
export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** True for `sha256:<64 lowercase hex>` and `sha512:<128 lowercase hex>`. */
export function isDigest(value: string): boolean {
  const colon = value.indexOf(':');
  if (colon < 0) return false;
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return false;
  return hex.length === HEX_LENGTH[algorithm] && /^[a-f0-9]+$/.test(hex);
}

/** Splits a digest into algorithm and hex; throws REFERENCE_INVALID on bad syntax. */
export function splitDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } {
  if (!isDigest(digest)) {
    throw new SdkError('REFERENCE_INVALID', `digest "${digest}" is not sha256:<64 hex> or sha512:<128 hex>`, {
      details: { part: 'digest' },
    });
  }
  const [algorithm, hex] = digest.split(':') as [DigestAlgorithm, string];
  return { algorithm, hex };
}

/** Digest of bytes held in memory (manifests, small blobs). */
export function computeDigest(bytes: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Expected content of a verified stream: digest and, when known, exact size. */
export interface ExpectedContent {
  digest: string;
  size?: number;
}

/**
 * A pass-through stream that hashes and counts what flows through it and, at the end, fails with
 * DIGEST_MISMATCH when the size or digest differs from what was expected. It fails early as soon as
 * more bytes than the expected size arrive, so a hostile server cannot fill the disk.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private readonly expected: ExpectedContent;
  private readonly where: string;
  /** Bytes seen so far. */
  bytes = 0;

  constructor(expected: ExpectedContent, where: string) {
    super();
    this.expected = expected;
    this.where = where;
    this.hash = createHash(splitDigest(expected.digest).algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected.size !== undefined && this.bytes > this.expected.size) {
      callback(this.mismatch(`more than the expected ${this.expected.size} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.bytes !== this.expected.size) {
      callback(this.mismatch(`${this.bytes} bytes instead of ${this.expected.size}`));
      return;
    }
    const actual = `${splitDigest(this.expected.digest).algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      callback(this.mismatch(`content has digest ${actual}`));
      return;
    }
    callback();
  }

  private mismatch(what: string): SdkError {
    return new SdkError(
      'DIGEST_MISMATCH',
      `${this.where}: expected ${this.expected.digest} but got ${what}`,
      {
        details: {
          expected: this.expected.digest,
          ...(this.expected.size === undefined ? {} : { size: this.expected.size }),
        },
      },
    );
  }
}

/**
 * Hashes a byte stream that may be replayed from an earlier offset (a retried upload chunk): bytes
 * before the high-water mark were hashed already and are skipped, so each byte is hashed once.
 */
export class OffsetHasher {
  private readonly hash: Hash;
  private hashedUpTo = 0;
  readonly algorithm: DigestAlgorithm;

  constructor(algorithm: DigestAlgorithm = 'sha256') {
    this.algorithm = algorithm;
    this.hash = createHash(algorithm);
  }

  /** Feeds bytes that start at `offset` of the content. */
  update(offset: number, chunk: Uint8Array): void {
    const end = offset + chunk.length;
    if (end <= this.hashedUpTo) return;
    if (offset > this.hashedUpTo) {
      throw new SdkError('INTERNAL', `hasher skipped bytes ${this.hashedUpTo}..${offset}`);
    }
    this.hash.update(chunk.subarray(this.hashedUpTo - offset));
    this.hashedUpTo = end;
  }

  /** Number of bytes hashed. */
  get length(): number {
    return this.hashedUpTo;
  }

  digest(): string {
    return `${this.algorithm}:${this.hash.copy().digest('hex')}`;
  }
}
