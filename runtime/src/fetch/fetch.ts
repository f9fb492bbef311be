/**
 * `fetchArtifact`: turns an artifact reference into a verified, unpacked, read-only app folder in
 * the allocation's cache.
 *
 * 1. A tag is resolved once; from then on only the digest is used.
 * 2. The signatures are verified (publisher signature, approval attestation when the policy
 *    requires one) before a single layer byte is fetched, and on every call, cached or not: the
 *    verdict is never cached, because the policy or the keys may have changed since the last launch
 *    (a revoked key, a newly required approval must bite at the next launch) and checking costs a
 *    few small requests and milliseconds of CPU.
 * 3. Under the artifact's build lock: a cached tree is used as it is (nothing downloaded, nothing
 *    unpacked); otherwise each layer streams from the registry through a digest and size check,
 *    into the cache's blob store and the tar reader at once, and the tree is renamed into place
 *    only when every layer verified and unpacked safely.
 *
 * The cache itself is trusted: it belongs to the runtime (mode 0700) and trees are not re-hashed
 * on a hit. Cached blobs are re-verified when a new tree is built from them.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import {
  PUBLISH_PREDICATE_TYPE,
  SdkError,
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  staticCredentials,
  verifyArtifact,
  type PublicKey,
  type RegistryConnection,
  type RegistryCredentials,
  type TrustPolicy,
  type VerifyArtifactResult,
} from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';
import { buildTree, loadMeta } from './build.js';
import { cacheLayout, exists, withBuildLock } from './cache.js';

export interface FetchArtifactOptions {
  /** `host/repo:tag`, `host/repo@sha256:…` or both. */
  reference: string;
  /** The allocation's cache folder, shared by its instances (created when missing). */
  cacheDir: string;
  /** Refuse (ARTIFACT_TOO_LARGE) an artifact whose files add up to more than this. */
  maxUnpackedBytes?: number;
  /** Judge by a trust policy (for `host/repo`)… */
  trustPolicy?: TrustPolicy;
  /** …or by keys: a publisher signature by one of them over the digest. Exactly one of the two. */
  keys?: readonly PublicKey[];
  /** Credentials for the registry (the platform's pull token); default: the sdk's defaults. */
  registryAuth?: RegistryCredentials;
  /** Connection settings (plain HTTP, retries, a fetch for tests). */
  registry?: RegistryConnection;
  logger: Logger;
  /** Default: the global tracer provider's `gpuaas-runtime` tracer. */
  tracer?: Tracer;
  /** Stops the fetch (a stop request during a launch): it fails with LAUNCH_ABORTED at once. */
  signal?: AbortSignal;
}

/** A signature or attestation that verified. */
export interface VerifiedSignature {
  keyId: string;
  predicateType: string;
  /** Digest of the bundle's referrer manifest in the registry. */
  referrer: string;
  /** The trust policy's authority that accepted it (policy mode). */
  authority?: string;
}

export interface FetchedArtifact {
  /** `host/repo:tag@sha256:…` (the tag kept for people). */
  reference: string;
  /** Manifest digest the tag was pinned to; everything else was fetched by digest. */
  digest: string;
  /** The validated gpuaas-app.yaml, from the artifact's config blob. */
  manifest: GpuaasAppManifest;
  /** The unpacked app folder: read-only, shared by every instance of this digest. */
  appDir: string;
  verified: {
    /** The publisher signature (publish predicate), or the first signature the policy accepted. */
    signer: VerifiedSignature | null;
    /** Other verified statements, such as the platform's approval. */
    attestations: VerifiedSignature[];
    /** Names of the trust policies that passed (policy mode). */
    policies: string[];
  };
  /** True when the tree was already in the cache: nothing was downloaded or unpacked. */
  fromCache: boolean;
  stats: {
    /** Manifest, config and layer bytes downloaded (signature bundles not counted). */
    bytesDownloaded: number;
    filesUnpacked: number;
    bytesUnpacked: number;
    durationMs: number;
  };
}

/** Maps sdk and file-system failures onto the runtime's codes. */
function toRuntimeError(error: unknown, what: string): unknown {
  if (isRuntimeError(error)) return error;
  if (error instanceof SdkError) {
    const code =
      error.code === 'REFERENCE_INVALID'
        ? 'ARTIFACT_REFERENCE_INVALID'
        : error.code === 'NOT_FOUND'
          ? 'ARTIFACT_NOT_FOUND'
          : error.code === 'DIGEST_MISMATCH'
            ? 'ARTIFACT_TAMPERED'
            : error.code === 'IO_ERROR'
              ? 'ARTIFACT_CACHE_FAILED'
              : 'ARTIFACT_PULL_FAILED';
    return new RuntimeError(code, `${what}: ${error.message}`, {
      cause: error,
      details: { sdkCode: error.code, ...(error.details ?? {}) },
    });
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return new RuntimeError('ARTIFACT_CACHE_FAILED', `${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return error;
}

function summarise(verdict: VerifyArtifactResult): FetchedArtifact['verified'] {
  const all: VerifiedSignature[] = verdict.verified.map((v) => ({
    keyId: v.keyId,
    predicateType: v.predicateType,
    referrer: v.referrer,
    ...(v.authority === undefined ? {} : { authority: v.authority }),
  }));
  const signer = all.find((v) => v.predicateType === PUBLISH_PREDICATE_TYPE) ?? all[0] ?? null;
  return {
    signer,
    attestations: all.filter((v) => v !== signer),
    policies: (verdict.decision?.policies ?? []).filter((p) => p.passed).map((p) => p.name),
  };
}

async function fetchInSpan(options: FetchArtifactOptions, span: Span): Promise<FetchedArtifact> {
  const started = performance.now();
  if ((options.trustPolicy === undefined) === (options.keys === undefined)) {
    throw new RuntimeError('CONFIG_INVALID', 'fetchArtifact needs exactly one of trustPolicy and keys');
  }
  const trust =
    options.trustPolicy !== undefined ? { policy: options.trustPolicy } : { publicKeys: options.keys ?? [] };
  const logger = options.logger.child({ reference: options.reference });
  const source = (() => {
    try {
      return parseArtifactReference(options.reference);
    } catch (error) {
      throw toRuntimeError(error, options.reference);
    }
  })();
  const connection: RegistryConnection = {
    ...options.registry,
    ...(options.registryAuth === undefined ? {} : { credentials: staticCredentials(options.registryAuth) }),
  };
  const client = registryClientFor(source.registry, { connection });
  const cache = cacheLayout(resolve(options.cacheDir));

  const pinned = await pinReference(client, source).catch((error: unknown) => {
    throw toRuntimeError(error, `resolve ${options.reference}`);
  });
  options.signal?.throwIfAborted();
  const digest = pinned.digest;
  const reference = pinnedReference(source, digest);
  span.setAttribute('gpuaas.artifact.digest', digest);

  const verdict = await verifyArtifact(reference, trust, { client }).catch((error: unknown) => {
    throw toRuntimeError(error, `verify ${reference}`);
  });
  if (!verdict.allowed) {
    const reasons = verdict.reasons.join('; ');
    throw new RuntimeError(
      'ARTIFACT_UNTRUSTED',
      `${reference} refused: ${verdict.code ?? 'untrusted'}: ${reasons}`,
      {
        details: { digest, policyCode: verdict.code, reasons: verdict.reasons },
      },
    );
  }
  options.signal?.throwIfAborted();
  const verified = summarise(verdict);
  logger.debug({ digest, signer: verified.signer?.keyId, policies: verified.policies }, 'artifact verified');

  // Traversable, not listable: in a sandbox, tenant code (another uid) runs from the trees.
  await mkdir(cache.root, { recursive: true, mode: 0o711 }).catch((error: unknown) => {
    throw toRuntimeError(error, `create the cache ${cache.root}`);
  });
  const built = await withBuildLock(cache, digest, async () => {
    const meta = await loadMeta(client, cache, source.repository, digest);
    if (await exists(cache.tree(digest))) return { meta, fromCache: true, files: 0, bytes: 0, layerBytes: 0 };
    options.signal?.throwIfAborted();
    const tree = await buildTree(
      client,
      cache,
      source.repository,
      digest,
      meta.image,
      options.signal,
      options.maxUnpackedBytes,
    );
    return { meta, fromCache: false, files: tree.files, bytes: tree.bytes, layerBytes: tree.bytesDownloaded };
  }).catch((error: unknown) => {
    throw toRuntimeError(error, `fetch ${reference}`);
  });

  const result: FetchedArtifact = {
    reference,
    digest,
    manifest: built.meta.manifest,
    appDir: cache.tree(digest),
    verified,
    fromCache: built.fromCache,
    stats: {
      bytesDownloaded: built.meta.bytesDownloaded + built.layerBytes,
      filesUnpacked: built.files,
      bytesUnpacked: built.bytes,
      durationMs: Math.round(performance.now() - started),
    },
  };
  span.setAttributes({
    'gpuaas.artifact.bytes': result.stats.bytesDownloaded,
    'gpuaas.artifact.from_cache': result.fromCache,
  });
  logger.info({ digest, from_cache: result.fromCache, ...result.stats }, 'artifact fetched');
  return result;
}

/**
 * Fetches, verifies and unpacks an app artifact into the cache; see the module comment.
 *
 * @example
 * const app = await fetchArtifact({ reference: 'r.io/acme/llm:1.0.0', cacheDir, trustPolicy, logger });
 * spawn(app.manifest.run.entrypoint[0], …, { cwd: app.appDir });
 */
export async function fetchArtifact(options: FetchArtifactOptions): Promise<FetchedArtifact> {
  const tracer = options.tracer ?? trace.getTracer('gpuaas-runtime');
  return tracer.startActiveSpan(
    'fetch artifact',
    { attributes: { 'gpuaas.artifact.reference': options.reference } },
    async (span) => {
      try {
        return await fetchInSpan(options, span);
      } catch (caught) {
        const error =
          options.signal?.aborted === true && !(isRuntimeError(caught) && caught.code === 'LAUNCH_ABORTED')
            ? new RuntimeError('LAUNCH_ABORTED', `fetching ${options.reference} was stopped`, {
                cause: caught,
              })
            : caught;
        const failure = error instanceof Error ? error : new Error(String(error));
        span.recordException(failure);
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
        if (isRuntimeError(error)) span.setAttribute('gpuaas.error.code', error.code);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
