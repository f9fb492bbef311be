/**
 * An OCI image layout on disk (image-spec `image-layout.md`): an `oci-layout` marker, `index.json`
 * naming the manifests (tags are `org.opencontainers.image.ref.name` annotations), and content-
 * addressed blobs under `blobs/<alg>/<hex>`. skopeo reads it as `oci:DIR:TAG`.
 *
 * Blobs are streamed into a temporary file inside the layout while being hashed, then renamed into
 * place, so a reader never sees a partial blob and a crash leaves at most a `.tmp-*` file behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { SdkError } from '../errors.js';
import { computeDigest, isDigest, splitDigest, VerifyingStream } from './digest.js';
import { ANNOTATIONS, MEDIA_TYPES, type Descriptor, type ImageIndex, type ImageManifest } from './types.js';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const OCI_LAYOUT_VERSION = '1.0.0';

/** Manifests and indexes are read whole; anything larger than this is refused as hostile. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Large buffers keep syscalls and hash updates few when blobs are gigabytes. */
const IO_CHUNK = 4 * 1024 * 1024;

export interface WriteBlobOptions {
  /** mediaType of the returned descriptor (default application/octet-stream). */
  mediaType?: string;
  annotations?: Record<string, string>;
  /** When given, the content must have this digest (and size), else DIGEST_MISMATCH. */
  expected?: { digest: string; size?: number };
}

export interface AddManifestOptions {
  mediaType: string;
  /** Tag recorded as the ref.name annotation; an earlier entry with the same tag loses it. */
  tag?: string;
  annotations?: Record<string, string>;
  artifactType?: string;
}

function layoutError(root: string, what: string, cause?: unknown): SdkError {
  return new SdkError('LAYOUT_INVALID', `${root}: ${what}`, {
    details: { layout: root },
    ...(cause === undefined ? {} : { cause }),
  });
}

function ioError(path: string, action: string, cause: unknown): SdkError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SdkError('IO_ERROR', `${path}: could not ${action}: ${reason}`, { cause, details: { path } });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(path, 'stat', error);
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: MEDIA_TYPES.imageIndex, manifests: [] };
}

/** An OCI image layout folder. Use {@link OciLayout.create} or {@link OciLayout.open}. */
export class OciLayout {
  readonly root: string;
  /** Serialises index.json updates made through this object. */
  private indexLock: Promise<unknown> = Promise.resolve();

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Creates a layout in `dir` (made if missing), or opens the one already there. An existing
   * folder that is neither empty nor a layout is refused with LAYOUT_INVALID.
   *
   * @example
   * const layout = await OciLayout.create('out/oci');
   * const config = await layout.writeBlob(Buffer.from('{}'), { mediaType: MEDIA_TYPES.emptyJson });
   */
  static async create(dir: string): Promise<OciLayout> {
    const root = resolve(dir);
    try {
      await mkdir(root, { recursive: true });
      if (await exists(join(root, OCI_LAYOUT_FILE))) return await OciLayout.open(root);
      const entries = await readdir(root);
      if (entries.length > 0) throw layoutError(root, 'folder is not empty and has no oci-layout file');
      await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
      await writeFile(join(root, 'index.json'), JSON.stringify(emptyIndex()));
      // Written last: its presence means the layout is complete.
      await writeFile(
        join(root, OCI_LAYOUT_FILE),
        JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }),
      );
    } catch (error) {
      if (error instanceof SdkError) throw error;
      throw ioError(root, 'create an OCI layout', error);
    }
    return new OciLayout(root);
  }

  /** Opens an existing layout; NOT_FOUND when the folder is missing, LAYOUT_INVALID when malformed. */
  static async open(dir: string): Promise<OciLayout> {
    const root = resolve(dir);
    if (!(await exists(root)))
      throw new SdkError('NOT_FOUND', `${root}: no such folder`, { details: { path: root } });
    let marker: unknown;
    try {
      marker = JSON.parse(await readFile(join(root, OCI_LAYOUT_FILE), 'utf8'));
    } catch (error) {
      throw layoutError(root, 'oci-layout file is missing or not JSON', error);
    }
    const version = (marker as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
    if (version !== OCI_LAYOUT_VERSION) {
      throw layoutError(root, `imageLayoutVersion ${JSON.stringify(version)} is not ${OCI_LAYOUT_VERSION}`);
    }
    const layout = new OciLayout(root);
    await layout.readIndex();
    return layout;
  }

  /** Path of a blob in the layout (it may not exist). REFERENCE_INVALID for a malformed digest. */
  blobPath(digest: string): string {
    const { algorithm, hex } = splitDigest(digest);
    return join(this.root, 'blobs', algorithm, hex);
  }

  async hasBlob(digest: string): Promise<boolean> {
    return exists(this.blobPath(digest));
  }

  /**
   * Stores a blob: hashes it while streaming it to a temporary file, then renames it into place
   * (or drops it when the layout already holds that digest). Returns its descriptor.
   */
  async writeBlob(
    source: Uint8Array | AsyncIterable<Uint8Array>,
    options: WriteBlobOptions = {},
  ): Promise<Descriptor> {
    const algorithm = options.expected ? splitDigest(options.expected.digest).algorithm : 'sha256';
    if (source instanceof Uint8Array) {
      const descriptor = this.describe(computeDigest(source, algorithm), source.length, options);
      if (!(await this.hasBlob(descriptor.digest)))
        await this.commit(descriptor.digest, (tmp) => writeFile(tmp, source));
      return descriptor;
    }
    const hash = createHash(algorithm);
    let size = 0;
    let digest = '';
    await this.commit(
      () => digest,
      async (tmp) => {
        // A plain loop rather than a stream pipeline: measured, writable-stream buffering and
        // writev cost twice the system time for multi-GiB layers. The source reads ahead on its
        // own, so reading, hashing and writing still overlap.
        const handle = await open(tmp, 'wx');
        try {
          for await (const chunk of source) {
            hash.update(chunk);
            size += chunk.length;
            await writeAll(handle, chunk);
          }
        } finally {
          await handle.close();
        }
        digest = `${algorithm}:${hash.digest('hex')}`;
        this.describe(digest, size, options);
      },
    );
    return this.describe(digest, size, options);
  }

  /** Stores a file as a blob, streaming it once (hash and copy in one pass). */
  async writeBlobFromFile(file: string, options: WriteBlobOptions = {}): Promise<Descriptor> {
    let input: ReadStream;
    try {
      input = createReadStream(file, { highWaterMark: IO_CHUNK });
      await new Promise<void>((ok, fail) => input.once('open', () => ok()).once('error', fail));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SdkError('NOT_FOUND', `${file}: no such file`, { details: { path: file } });
      }
      throw ioError(file, 'read', error);
    }
    return this.writeBlob(input, options);
  }

  /** A stream of the blob's bytes that fails with DIGEST_MISMATCH at the end if they do not hash to `digest`. */
  openBlob(digest: string, size?: number): Readable {
    const path = this.blobPath(digest);
    const verifier = new VerifyingStream({ digest, ...(size === undefined ? {} : { size }) }, path);
    const input = createReadStream(path, { highWaterMark: IO_CHUNK });
    input.once('error', (error: NodeJS.ErrnoException) => {
      verifier.destroy(
        error.code === 'ENOENT'
          ? new SdkError('NOT_FOUND', `${path}: blob ${digest} is not in the layout`, { details: { digest } })
          : ioError(path, 'read', error),
      );
    });
    return input.pipe(verifier);
  }

  /** Reads a small blob whole (manifests, configs), verified against its digest. */
  async readBlob(digest: string, maxBytes = MAX_MANIFEST_BYTES): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.openBlob(digest) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw layoutError(this.root, `blob ${digest} is larger than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** Reads and checks index.json. */
  async readIndex(): Promise<ImageIndex> {
    const path = join(this.root, 'index.json');
    let index: unknown;
    try {
      index = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw layoutError(this.root, 'index.json is missing or not JSON', error);
    }
    const candidate = index as Partial<ImageIndex> | null;
    if (candidate?.schemaVersion !== 2 || !Array.isArray(candidate.manifests)) {
      throw layoutError(this.root, 'index.json is not an image index (schemaVersion 2 with manifests)');
    }
    for (const entry of candidate.manifests as unknown[]) {
      const d = entry as Partial<Descriptor> | null;
      if (typeof d?.mediaType !== 'string' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
        throw layoutError(this.root, `index.json has a malformed descriptor: ${JSON.stringify(entry)}`);
      }
    }
    return candidate as ImageIndex;
  }

  /** Tags in index.json, in index order. */
  async tags(): Promise<string[]> {
    const index = await this.readIndex();
    return index.manifests.flatMap((d) => d.annotations?.[ANNOTATIONS.refName] ?? []);
  }

  /**
   * Stores manifest bytes as a blob and lists them in index.json, tagged if asked. Re-adding the
   * same manifest and tag changes nothing, so packing twice leaves an identical layout.
   */
  async addManifest(bytes: Uint8Array, options: AddManifestOptions): Promise<Descriptor> {
    const annotations = {
      ...options.annotations,
      ...(options.tag ? { [ANNOTATIONS.refName]: options.tag } : {}),
    };
    const stored = await this.writeBlob(bytes, { mediaType: options.mediaType });
    const descriptor: Descriptor = {
      mediaType: options.mediaType,
      digest: stored.digest,
      size: stored.size,
      ...(options.artifactType ? { artifactType: options.artifactType } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
    const update = this.indexLock.then(async () => {
      const index = await this.readIndex();
      const kept = index.manifests.filter((d) => {
        const tag = d.annotations?.[ANNOTATIONS.refName];
        if (options.tag !== undefined && tag === options.tag) return false;
        return !(tag === undefined && options.tag === undefined && d.digest === descriptor.digest);
      });
      const next: ImageIndex = { ...index, manifests: [...kept, descriptor] };
      const path = join(this.root, 'index.json');
      const tmp = join(this.root, `.tmp-index-${randomUUID()}`);
      try {
        await writeFile(tmp, JSON.stringify(next));
        await rename(tmp, path);
      } catch (error) {
        await rm(tmp, { force: true });
        throw ioError(path, 'write', error);
      }
    });
    this.indexLock = update.catch(() => undefined);
    await update;
    return descriptor;
  }

  /** Finds a manifest by tag or digest in index.json; NOT_FOUND when it is not there. */
  async resolve(tagOrDigest: string): Promise<Descriptor> {
    const index = await this.readIndex();
    const byDigest = isDigest(tagOrDigest);
    const matches = index.manifests.filter((d) =>
      byDigest ? d.digest === tagOrDigest : d.annotations?.[ANNOTATIONS.refName] === tagOrDigest,
    );
    const found = matches.at(-1);
    if (found) return found;
    throw new SdkError('NOT_FOUND', `${this.root}: no manifest tagged or digested "${tagOrDigest}"`, {
      details: { layout: this.root, reference: tagOrDigest },
    });
  }

  /** Reads the manifest or index a descriptor points at, verified against its digest and size. */
  async readManifest(descriptor: Descriptor): Promise<ImageManifest | ImageIndex> {
    if (descriptor.size > MAX_MANIFEST_BYTES) {
      throw layoutError(
        this.root,
        `manifest ${descriptor.digest} is larger than ${MAX_MANIFEST_BYTES} bytes`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of this.openBlob(descriptor.digest, descriptor.size) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      throw layoutError(this.root, `manifest ${descriptor.digest} is not JSON`, error);
    }
    const candidate = parsed as {
      schemaVersion?: unknown;
      layers?: unknown;
      config?: unknown;
      manifests?: unknown;
    } | null;
    const isManifest = Array.isArray(candidate?.layers) && typeof candidate?.config === 'object';
    const isIndex = Array.isArray(candidate?.manifests);
    if (candidate?.schemaVersion !== 2 || (!isManifest && !isIndex)) {
      throw layoutError(this.root, `blob ${descriptor.digest} is not an image manifest or index`);
    }
    return candidate as ImageManifest | ImageIndex;
  }

  private describe(digest: string, size: number, options: WriteBlobOptions): Descriptor {
    const expected = options.expected;
    if (expected && (expected.digest !== digest || (expected.size !== undefined && expected.size !== size))) {
      throw new SdkError(
        'DIGEST_MISMATCH',
        `${this.root}: blob content is ${digest} (${size} bytes), expected ${expected.digest}` +
          (expected.size === undefined ? '' : ` (${expected.size} bytes)`),
        { details: { expected: expected.digest, actual: digest } },
      );
    }
    return {
      mediaType: options.mediaType ?? 'application/octet-stream',
      digest,
      size,
      ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
    };
  }

  /**
   * Writes through a temporary file in the layout (same filesystem, so the rename is atomic) and
   * moves it to the blob path of `digest` (known before or only after writing).
   */
  private async commit(
    digest: string | (() => string),
    write: (tmp: string) => Promise<void>,
  ): Promise<void> {
    const tmp = join(this.root, `.tmp-blob-${randomUUID()}`);
    try {
      await write(tmp);
      const target = this.blobPath(typeof digest === 'string' ? digest : digest());
      if (await exists(target)) {
        await rm(tmp, { force: true });
        return;
      }
      await mkdir(join(target, '..'), { recursive: true });
      await rename(tmp, target);
    } catch (error) {
      await rm(tmp, { force: true });
      if (error instanceof SdkError) throw error;
      throw ioError(tmp, 'write a blob', error);
    }
  }
}
