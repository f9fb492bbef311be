/**
 * `publishApp`: the whole publisher workflow in one call — validate the manifest, pack the app
 * reproducibly into a temporary OCI layout, push it, sign the pushed digest and attach the
 * signature. With `dryRun` it stops after packing and reports what would be pushed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SdkError } from '../errors.js';
import { formatReference, parseReference } from '../oci/reference.js';
import type { PushOutcome } from '../oci/blob-push.js';
import type { Descriptor } from '../oci/types.js';
import type { PackProgress } from '../pack/pack.js';
import type { SigningKey } from '../sign/keys.js';
import type { BundleSigner } from '../sign/sign.js';
import type { RegistryClient } from '../oci/client.js';
import { PUBLISH_PREDICATE_TYPE } from '../sign/statement.js';
import { findBundlesByKey } from './bundles.js';
import { registryClientFor, type ClientOptions } from './client.js';
import { pushLayout, type TransferProgress } from './push.js';
import { signArtifact } from './sign.js';

export type PublishedLayer = Descriptor & { outcome?: PushOutcome };

/** Where a publish is: packing, pushing, signing. */
export type PublishProgress =
  ({ phase: 'pack' } & PackProgress) | ({ phase: 'push' } & TransferProgress) | { phase: 'sign' };

export interface PublishAppOptions extends ClientOptions {
  /** `host/repo:tag`; without a tag the app's version is used (`+` becomes `_`). */
  to: string;
  /** Required unless `dryRun`. */
  signingKey?: SigningKey | BundleSigner;
  /** Validate and pack only; push and sign nothing. */
  dryRun?: boolean;
  onProgress?: (progress: PublishProgress) => void;
  /** Blobs uploaded at once (default 4). */
  concurrency?: number;
  /** Environment for SOURCE_DATE_EPOCH while packing (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface PublishAppResult {
  /** `host/repo:tag@sha256:…` */
  reference: string;
  digest: string;
  /** Size of the manifest in bytes. */
  size: number;
  /** Layers with how each reached the registry (no `outcome` on a dry run). */
  layers: PublishedLayer[];
  /**
   * The bundle referrer and the key that signed; null on a dry run. `created` is false when the
   * registry already held this key's signature over the digest (an unchanged re-publish).
   */
  signature: { digest: string; keyId: string | undefined; created: boolean } | null;
  /** Blob bytes sent (0 on a dry run, and when the registry had every blob). */
  bytesUploaded: number;
  dryRun: boolean;
  /** Warnings from validation and packing. */
  warnings: string[];
}

/** Signs the pushed digest unless this key's publish signature over it is already attached. */
async function signOnce(
  client: RegistryClient,
  target: { repository: string; reference: string; digest: string },
  key: SigningKey | BundleSigner,
  predicate: { app: string; version: string; publisher: string },
): Promise<{ digest: string; keyId: string | undefined; created: boolean }> {
  if ('publicKey' in key) {
    const [existing] = await findBundlesByKey(
      client,
      target.repository,
      target.digest,
      key.publicKey,
      PUBLISH_PREDICATE_TYPE,
    );
    if (existing !== undefined)
      return { digest: existing.descriptor.digest, keyId: key.keyId, created: false };
  }
  const signed = await signArtifact(`${target.reference}@${target.digest}`, key, { client, ...predicate });
  return { digest: signed.digest, keyId: signed.keyId, created: true };
}

/**
 * Validates, packs, pushes and signs the app in `dir`.
 *
 * @example
 * const key = await loadSigningKey('keys/acme.key', { passphrase });
 * const result = await publishApp('.', { to: '127.0.0.1:5000/acme/llm:1.0.0', signingKey: key });
 * console.log(result.digest, result.signature?.digest);
 */
export async function publishApp(dir: string, options: PublishAppOptions): Promise<PublishAppResult> {
  const root = resolve(dir);
  const target = parseReference(options.to);
  if (target.digest !== undefined) {
    throw new SdkError('USAGE', `publish needs HOST/REPO[:TAG] without a digest, got "${options.to}"`);
  }
  const signingKey = options.signingKey;
  if (signingKey === undefined && options.dryRun !== true) {
    throw new SdkError('USAGE', 'publish needs a signing key (--key or GPUAAS_SIGNING_KEY)');
  }
  // Loaded here, not with this module: the validator and the packer are half of what
  // `@gpuaas/sdk/publish` would load, and push, sign, verify and promote need neither.
  const [{ loadManifest }, { packApp, tagForVersion }] = await Promise.all([
    import('../manifest/validate.js'),
    import('../pack/pack.js'),
  ]);
  // Validation first, so a bad manifest costs neither packing nor a temporary folder.
  const { manifest } = await loadManifest(root);
  const tag = target.tag ?? tagForVersion(manifest.version);
  const reference = formatReference({ ...target, tag });

  const work = await mkdtemp(join(tmpdir(), 'gpuaas-publish-'));
  try {
    const packed = await packApp(root, {
      output: join(work, 'oci'),
      tag,
      ...(options.env === undefined ? {} : { env: options.env }),
      onProgress: (p) => options.onProgress?.({ phase: 'pack', ...p }),
    });
    if (options.dryRun === true || signingKey === undefined) {
      return {
        reference: `${reference}@${packed.manifestDescriptor.digest}`,
        digest: packed.manifestDescriptor.digest,
        size: packed.manifestDescriptor.size,
        layers: packed.layers.map((l) => ({
          mediaType: l.mediaType,
          digest: l.digest,
          size: l.size,
          ...(l.annotations === undefined ? {} : { annotations: l.annotations }),
        })),
        signature: null,
        bytesUploaded: 0,
        dryRun: true,
        warnings: packed.warnings,
      };
    }
    // One client for push and sign, so an auth token is fetched once.
    const client = registryClientFor(target.registry, options);
    const pushed = await pushLayout(packed.layout, reference, {
      ...options,
      client,
      layoutReference: packed.manifestDescriptor.digest,
      onProgress: (p) => options.onProgress?.({ phase: 'push', ...p }),
    });
    options.onProgress?.({ phase: 'sign' });
    const signature = await signOnce(
      client,
      { repository: target.repository, reference, digest: pushed.digest },
      signingKey,
      { app: manifest.name, version: manifest.version, publisher: manifest.publisher },
    );
    return {
      reference: pushed.reference,
      digest: pushed.digest,
      size: pushed.size,
      layers: pushed.layers,
      signature,
      bytesUploaded: pushed.bytesUploaded,
      dryRun: false,
      warnings: packed.warnings,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
