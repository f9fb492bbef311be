/**
 * Manifests, tags and referrers of one repository. A manifest's bytes are a blob (stored once,
 * byte for byte as pushed, so its digest never changes); the repository keeps a revision link
 * with its media type, tags point at digests, and a manifest with a `subject` is recorded under
 * that subject for the Referrers API (spec.md "Listing Referrers").
 */
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BlobStore } from './blobs.js';
import { RegistryError } from './errors.js';
import { isMissing, readOptional, writeFileAtomic } from './files.js';
import type { RegistryLayout } from './layout.js';
import { digestHex, isTag } from './names.js';

export const MEDIA_TYPES = {
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const INDEX_TYPES = new Set<string>([MEDIA_TYPES.imageIndex, MEDIA_TYPES.dockerList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPES.imageManifest, MEDIA_TYPES.dockerManifest]);

/** Distribution's default limit; manifests are read whole, so they are bounded. */
export const MANIFEST_LIMIT_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface PutManifestResult {
  digest: string;
  mediaType: string;
  /** The `subject` digest, answered as `OCI-Subject`. */
  subject: string | undefined;
}

export interface DeletedManifest {
  digest: string;
  /** The tags removed: the one deleted, or every tag that pointed at a deleted digest. */
  tags: string[];
}

/** What a manifest references: blobs (config, layers) and manifests (an index's children). */
export interface ManifestReferences {
  blobs: string[];
  manifests: string[];
  subject: Descriptor | undefined;
  artifactType: string | undefined;
  annotations: Record<string, string> | undefined;
}

export class ManifestStore {
  readonly #layout: RegistryLayout;
  readonly #blobs: BlobStore;

  constructor(layout: RegistryLayout, blobs: BlobStore) {
    this.#layout = layout;
    this.#blobs = blobs;
  }

  /** Whether the repository has any manifest, tag or blob (NAME_UNKNOWN otherwise). */
  async repositoryExists(name: string): Promise<boolean> {
    for (const dir of ['_manifests', '_blobs']) {
      try {
        await readdir(`${this.#layout.repository(name)}/${dir}`);
        return true;
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }
    return false;
  }

  /**
   * Stores a manifest under `reference` (a tag or its own digest). Checks that the bytes are the
   * manifest type they claim, that a digest reference matches them, and that every blob and child
   * manifest they reference is already in the repository.
   */
  async put(name: string, reference: string, bytes: Buffer, contentType: string): Promise<PutManifestResult> {
    const mediaType = contentType.split(';')[0]?.trim() ?? '';
    const refs = parseManifest(bytes, mediaType);
    for (const digest of refs.blobs) {
      if ((await this.#blobs.stat(name, digest)) === undefined) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', `blob ${digest} is not in ${name}: push it first`, {
          detail: { digest },
        });
      }
    }
    for (const digest of refs.manifests) {
      if ((await this.#revision(name, digest)) === undefined) {
        throw new RegistryError(
          'MANIFEST_BLOB_UNKNOWN',
          `manifest ${digest} is not in ${name}: push it first`,
          { detail: { digest } },
        );
      }
    }
    const computed = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!isTag(reference) && reference !== computed) {
      throw new RegistryError('DIGEST_INVALID', `the manifest's digest is ${computed}, not ${reference}`, {
        detail: { expected: reference, actual: computed },
      });
    }
    const { digest, size } = await this.#blobs.putBytes(name, bytes);
    const hex = digestHex(digest);
    await writeFileAtomic(this.#layout.revision(name, hex), mediaType);
    if (refs.subject !== undefined) {
      const descriptor: Descriptor = { mediaType, digest, size };
      // spec.md: a referrer's artifactType is its own, else its config's media type.
      const artifactType = refs.artifactType;
      if (artifactType !== undefined) descriptor.artifactType = artifactType;
      if (refs.annotations !== undefined) descriptor.annotations = refs.annotations;
      await writeFileAtomic(
        `${this.#layout.referrersDir(name, digestHex(refs.subject.digest))}/${hex}`,
        JSON.stringify(descriptor),
      );
    }
    if (isTag(reference)) await writeFileAtomic(this.#layout.tag(name, reference), digest);
    return { digest, mediaType, subject: refs.subject?.digest };
  }

  /** The manifest a tag or digest names; MANIFEST_UNKNOWN when absent. */
  async get(name: string, reference: string): Promise<StoredManifest> {
    const digest = await this.resolve(name, reference);
    const mediaType = digest === undefined ? undefined : await this.#revision(name, digest);
    if (digest === undefined || mediaType === undefined) {
      throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is not in ${name}`, {
        detail: { reference },
      });
    }
    return { digest, mediaType, bytes: await this.#blobs.read(digest) };
  }

  /** The digest a reference names (a digest names itself). */
  async resolve(name: string, reference: string): Promise<string | undefined> {
    if (!isTag(reference)) {
      digestHex(reference);
      return reference;
    }
    return (await readOptional(this.#layout.tag(name, reference)))?.trim();
  }

  /**
   * Deletes by digest (the manifest, every tag pointing at it and its referrer entry) or by tag
   * (the tag only). MANIFEST_UNKNOWN when absent. The bytes go at the next garbage collection.
   * Returns the digest the reference named (and the tags that went with it).
   */
  async delete(name: string, reference: string): Promise<DeletedManifest> {
    if (isTag(reference)) {
      const digest = (await readOptional(this.#layout.tag(name, reference)))?.trim();
      if (digest === undefined) {
        throw new RegistryError('MANIFEST_UNKNOWN', `tag ${reference} is not in ${name}`);
      }
      await rm(this.#layout.tag(name, reference), { force: true });
      return { digest, tags: [reference] };
    }
    const manifest = await this.get(name, reference);
    const hex = digestHex(manifest.digest);
    const tags: string[] = [];
    for (const tag of await this.tags(name)) {
      if ((await readOptional(this.#layout.tag(name, tag)))?.trim() === manifest.digest) {
        await rm(this.#layout.tag(name, tag), { force: true });
        tags.push(tag);
      }
    }
    const subject = parseManifest(manifest.bytes, manifest.mediaType).subject;
    if (subject !== undefined) {
      await rm(`${this.#layout.referrersDir(name, digestHex(subject.digest))}/${hex}`, { force: true });
    }
    await rm(this.#layout.revision(name, hex), { force: true });
    return { digest: manifest.digest, tags };
  }

  /** Every tag, sorted (lexically, as the spec's paging expects). */
  async tags(name: string): Promise<string[]> {
    return (await listDir(this.#layout.tagsDir(name))).filter((t) => !t.includes('.tmp-') && isTag(t)).sort();
  }

  /** Digests of every manifest in the repository. */
  async revisions(name: string): Promise<string[]> {
    return (await listDir(this.#layout.revisionsDir(name)))
      .filter((f) => /^[a-f0-9]{64}$/.test(f))
      .map((hex) => `sha256:${hex}`);
  }

  /** Descriptors of the manifests whose `subject` is `digest`, optionally only of one artifact type. */
  async referrers(name: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    const dir = this.#layout.referrersDir(name, digestHex(digest));
    const found: Descriptor[] = [];
    for (const file of (await listDir(dir)).sort()) {
      if (!/^[a-f0-9]{64}$/.test(basename(file))) continue;
      const text = await readOptional(`${dir}/${file}`);
      if (text === undefined) continue;
      const descriptor = JSON.parse(text) as Descriptor;
      if (artifactType === undefined || descriptor.artifactType === artifactType) found.push(descriptor);
    }
    return found;
  }

  async #revision(name: string, digest: string): Promise<string | undefined> {
    return readOptional(this.#layout.revision(name, digestHex(digest)));
  }
}

/**
 * Parses and checks a manifest of one of the four supported types. MANIFEST_INVALID for bytes
 * that are not JSON, a `mediaType` field that contradicts the Content-Type, or missing fields.
 */
export function parseManifest(bytes: Buffer, mediaType: string): ManifestReferences {
  if (!MANIFEST_TYPES.has(mediaType) && !INDEX_TYPES.has(mediaType)) {
    throw new RegistryError('MANIFEST_INVALID', `unsupported manifest media type "${mediaType}"`, {
      detail: { supported: [...MANIFEST_TYPES, ...INDEX_TYPES] },
    });
  }
  let doc: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
  } catch (error) {
    throw new RegistryError('MANIFEST_INVALID', 'the manifest is not a JSON object', { cause: error });
  }
  if (doc.schemaVersion !== 2) throw new RegistryError('MANIFEST_INVALID', 'schemaVersion must be 2');
  if (doc.mediaType !== undefined && doc.mediaType !== mediaType) {
    throw new RegistryError(
      'MANIFEST_INVALID',
      `the manifest's mediaType ${JSON.stringify(doc.mediaType)} differs from Content-Type ${mediaType}`,
    );
  }
  const subject = doc.subject === undefined ? undefined : descriptor(doc.subject, '/subject');
  const annotations = isStringRecord(doc.annotations) ? doc.annotations : undefined;
  const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : undefined;
  if (INDEX_TYPES.has(mediaType)) {
    if (!Array.isArray(doc.manifests))
      throw new RegistryError('MANIFEST_INVALID', 'an index needs "manifests"');
    const manifests = doc.manifests.map((m, i) => descriptor(m, `/manifests/${i}`).digest);
    return { blobs: [], manifests, subject, artifactType, annotations };
  }
  const config = descriptor(doc.config, '/config');
  if (!Array.isArray(doc.layers))
    throw new RegistryError('MANIFEST_INVALID', 'an image manifest needs "layers"');
  const layers = doc.layers.map((l, i) => descriptor(l, `/layers/${i}`).digest);
  return {
    blobs: [config.digest, ...layers],
    manifests: [],
    subject,
    artifactType: artifactType ?? config.mediaType,
    annotations,
  };
}

function descriptor(value: unknown, pointer: string): Descriptor {
  const d = value as Partial<Descriptor> | null;
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.mediaType !== 'string' ||
    typeof d.digest !== 'string' ||
    typeof d.size !== 'number'
  ) {
    throw new RegistryError('MANIFEST_INVALID', `${pointer} is not a descriptor (mediaType, digest, size)`);
  }
  try {
    digestHex(d.digest);
  } catch (error) {
    throw new RegistryError('MANIFEST_INVALID', `${pointer}/digest: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return d as Descriptor;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
