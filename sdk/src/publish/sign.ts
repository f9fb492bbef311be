/**
 * `signArtifact`: the publisher's signature over an artifact already in a registry. The reference
 * is pinned to its manifest digest, an in-toto publish statement over that digest is signed into
 * a Sigstore bundle, and the bundle is pushed as a referrer of the manifest.
 */
import type { RegistryClient } from '../oci/client.js';
import { ANNOTATIONS, MEDIA_TYPES, type Descriptor, type ImageManifest } from '../oci/types.js';
import type { SigningKey } from '../sign/keys.js';
import { createKeySigner, signStatement, type BundleSigner } from '../sign/sign.js';
import { PUBLISH_PREDICATE_TYPE, createPublishStatement } from '../sign/statement.js';
import { attachBundle } from './bundles.js';
import {
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  repositoryName,
  type ClientOptions,
} from './client.js';

export interface SignArtifactOptions extends ClientOptions {
  /** Predicate fields; default from the artifact's app manifest (its config blob) or annotations. */
  app?: string;
  version?: string;
  publisher?: string;
}

export interface SignArtifactResult {
  /** The signed artifact, pinned: `host/repo:tag@sha256:…` */
  reference: string;
  /** Digest of the signed manifest (the statement's subject). */
  subject: string;
  /** Digest of the bundle referrer's manifest. */
  digest: string;
  /** Id of the signing key (hex SHA-256 of its SPKI DER); undefined for keyless signers. */
  keyId: string | undefined;
  predicateType: string;
}

interface PredicateFields {
  app: string;
  version: string;
  publisher: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads app, version and publisher from the artifact so `sign REF` needs no more than the key. */
async function describeArtifact(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  tag: string | undefined,
): Promise<Partial<PredicateFields>> {
  const { manifest } = await client.getManifest(repository, subject.digest);
  const image = manifest as Partial<ImageManifest>;
  let app: Record<string, unknown> = {};
  if (image.config?.mediaType === MEDIA_TYPES.gpuaasAppConfig) {
    const bytes = await client.fetchBlob(repository, image.config);
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) app = parsed as Record<string, unknown>;
  }
  const annotations = image.annotations ?? {};
  const found: Partial<PredicateFields> = {};
  const name = text(app.name) ?? text(annotations[ANNOTATIONS.title]);
  const version = text(app.version) ?? text(annotations[ANNOTATIONS.version]) ?? tag;
  const publisher = text(app.publisher);
  if (name !== undefined) found.app = name;
  if (version !== undefined) found.version = version;
  if (publisher !== undefined) found.publisher = publisher;
  return found;
}

function isBundleSigner(value: SigningKey | BundleSigner): value is BundleSigner {
  return 'signer' in value && 'witnesses' in value;
}

/**
 * Signs the artifact `ref` names and attaches the bundle as a referrer.
 *
 * @example
 * const key = await loadSigningKey('keys/acme.key', { passphrase });
 * const { digest, keyId } = await signArtifact('127.0.0.1:5000/acme/llm:1.0.0', key);
 */
export async function signArtifact(
  ref: string,
  signingKey: SigningKey | BundleSigner,
  options: SignArtifactOptions = {},
): Promise<SignArtifactResult> {
  const target = parseArtifactReference(ref);
  const client = registryClientFor(target.registry, options);
  const subject = await pinReference(client, target);
  const needsLookup =
    options.app === undefined || options.version === undefined || options.publisher === undefined;
  const found = needsLookup ? await describeArtifact(client, target.repository, subject, target.tag) : {};
  const repository = repositoryName(target);
  const statement = createPublishStatement({
    repository,
    manifestDigest: subject.digest,
    app: options.app ?? found.app ?? target.repository.split('/').at(-1) ?? target.repository,
    version: options.version ?? found.version ?? subject.digest,
    publisher: options.publisher ?? found.publisher ?? target.repository.split('/')[0] ?? target.repository,
  });
  const signer = isBundleSigner(signingKey) ? signingKey : createKeySigner(signingKey);
  const bundle = await signStatement(statement, signer);
  const referrer = await attachBundle(client, target.repository, subject, bundle, PUBLISH_PREDICATE_TYPE);
  return {
    reference: pinnedReference(target, subject.digest),
    subject: subject.digest,
    digest: referrer.digest,
    keyId: signer.keyId,
    predicateType: PUBLISH_PREDICATE_TYPE,
  };
}
