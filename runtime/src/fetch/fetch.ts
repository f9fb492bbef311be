/**
 * `fetchArtifact`: turns an artifact reference into a verified, unpacked, read-only app folder in
 * the allocation's cache.
 *
 * 1. A tag is resolved once; from then on only the digest is used. A digest needs no resolving.
 * 2. The signatures are verified (publisher signature, approval attestation when the policy
 *    requires one) before a single layer byte is fetched, and on every call, cached or not: the
 *    verdict is never cached, because the policy or the keys may have changed since the last launch
 *    (a revoked key, a newly required approval must bite at the next launch).
 * 3. Warm: when the artifact's tree is in the cache, the bundles kept beside it are judged against
 *    this launch's policy, its manifest and config re-hashed, and the tree compared with the record
 *    taken when it was sealed — no registry request (warm.ts says why that is as strict as a pull).
 *    A copy that changed is refused (ARTIFACT_CACHE_TAMPERED) and dropped.
 * 4. Otherwise (or when the kept bundles no longer pass): the bundles are read from the registry
 *    and judged; then, under the artifact's build lock, a recorded tree is checked and used, or
 *    its layers stream from the registry (several at once) through a digest and size check into
 *    the tar reader (gzip layers into the blob store too), and the tree is renamed into place only when every layer
 *    verified and unpacked safely. Cached blobs are re-verified when a new tree is built from them.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import {
  PUBLISH_PREDICATE_TYPE,
  fetchBundles,
  judgeBundles,
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  repositoryName,
  staticCredentials,
  type ArtifactTrust,
  type PublicKey,
  type RegistryConnection,
  type RegistryCredentials,
  type TrustPolicy,
  type VerifyArtifactResult,
} from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';
import type { ArtifactMeta } from './build.js';
import { cacheLayout, withBuildLock } from './cache.js';
import { toRuntimeError } from './fetch-errors.js';
import { undiciGet } from './undici-get.js';
import { saveEvidence } from './tree-record.js';
import { reuseOrBuild, verifyFromCache } from './warm.js';

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
  /** True when it was verified from the signatures kept in the cache, with no registry request (warm.ts). */
  offline: boolean;
  stats: {
    /** Manifest, config and layer bytes downloaded (signature bundles not counted). */
    bytesDownloaded: number;
    filesUnpacked: number;
    bytesUnpacked: number;
    durationMs: number;
  };
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
  const trust: ArtifactTrust =
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
    // Layers arrive as Node streams (undici-get.ts says why); ignored where tests replace fetch.
    streamGet: undiciGet,
    ...options.registry,
    ...(options.registryAuth === undefined ? {} : { credentials: staticCredentials(options.registryAuth) }),
  };
  const client = registryClientFor(source.registry, { connection });
  const cache = cacheLayout(resolve(options.cacheDir));
  const pin = () =>
    pinReference(client, source).catch((error: unknown) => {
      throw toRuntimeError(error, `resolve ${options.reference}`);
    });

  // A digest needs no registry; a tag is resolved once, on every launch, since tags move.
  const digest = source.digest ?? (await pin()).digest;
  options.signal?.throwIfAborted();
  const reference = pinnedReference(source, digest);
  span.setAttribute('gpuaas.artifact.digest', digest);
  const subject = { reference, repository: repositoryName(source), digest };
  const finish = (
    meta: ArtifactMeta,
    verdict: VerifyArtifactResult,
    how: { fromCache: boolean; offline: boolean; files: number; bytes: number; downloaded: number },
  ): FetchedArtifact => {
    const result: FetchedArtifact = {
      reference,
      digest,
      manifest: meta.manifest,
      appDir: cache.tree(digest),
      verified: summarise(verdict),
      fromCache: how.fromCache,
      offline: how.offline,
      stats: {
        bytesDownloaded: how.downloaded,
        filesUnpacked: how.files,
        bytesUnpacked: how.bytes,
        durationMs: Math.round(performance.now() - started),
      },
    };
    span.setAttributes({
      'gpuaas.artifact.bytes': result.stats.bytesDownloaded,
      'gpuaas.artifact.from_cache': result.fromCache,
      'gpuaas.artifact.offline': result.offline,
    });
    logger.info(
      { digest, from_cache: result.fromCache, offline: result.offline, ...result.stats },
      'artifact fetched',
    );
    return result;
  };

  const warm = await verifyFromCache(cache, subject, trust).catch((error: unknown) => {
    throw toRuntimeError(error, `verify the cached copy of ${reference}`);
  });
  if (warm.hit) {
    const none = { fromCache: true, offline: true, files: 0, bytes: 0, downloaded: 0 };
    return finish(warm.meta, warm.verdict, none);
  }
  logger.debug({ digest, why: warm.why }, 'verifying with the registry');
  // The registry is asked whether it has a digest given as such: a wrong one is ARTIFACT_NOT_FOUND.
  if (source.digest !== undefined) await pin();
  const verdict = await fetchBundles(client, source.repository, digest)
    .then((stored) => judgeBundles(subject, stored, trust).then((judged) => ({ judged, stored })))
    .catch((error: unknown) => {
      throw toRuntimeError(error, `verify ${reference}`);
    });
  if (!verdict.judged.allowed) {
    const { code, reasons } = verdict.judged;
    throw new RuntimeError(
      'ARTIFACT_UNTRUSTED',
      `${reference} refused: ${code ?? 'untrusted'}: ${reasons.join('; ')}`,
      {
        details: { digest, policyCode: code, reasons },
      },
    );
  }
  options.signal?.throwIfAborted();
  logger.debug({ digest, signer: summarise(verdict.judged).signer?.keyId }, 'artifact verified');

  // Traversable, not listable: in a sandbox, tenant code (another uid) runs from the trees.
  await mkdir(cache.root, { recursive: true, mode: 0o711 }).catch((error: unknown) => {
    throw toRuntimeError(error, `create the cache ${cache.root}`);
  });
  const built = await withBuildLock(cache, digest, () =>
    reuseOrBuild(client, cache, source.repository, digest, options),
  ).catch((error: unknown) => {
    throw toRuntimeError(error, `fetch ${reference}`);
  });
  // Kept for the next launch to verify offline (warm.ts); a launch without it just goes online.
  await saveEvidence(cache, { digest, repository: subject.repository, bundles: verdict.stored }).catch(
    (error: unknown) =>
      logger.warn({ err: error, digest }, 'could not keep the signatures for offline launches'),
  );
  return finish(built.meta, verdict.judged, {
    fromCache: built.fromCache,
    offline: false,
    files: built.files,
    bytes: built.bytes,
    downloaded: built.meta.bytesDownloaded + built.layerBytes,
  });
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
