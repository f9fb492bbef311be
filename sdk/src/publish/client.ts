/**
 * How the publishing workflows reach registries: one option shape shared by push, pull, sign,
 * verify, promote and publish, the retry settings CI can tighten through the environment, and
 * reference parsing that insists on a tag or a digest (an app artifact has no meaningful "latest").
 */
import { SdkError } from '../errors.js';
import { RegistryClient } from '../oci/client.js';
import { defaultCredentials, type CredentialsProvider } from '../oci/credentials.js';
import { formatReference, parseReference, type ImageReference } from '../oci/reference.js';
import type { GetOnce } from '../oci/node-get.js';
import type { RetryEvent, RetryOptions } from '../oci/transport.js';
import type { Descriptor } from '../oci/types.js';

/** Environment variable: retries after the first attempt of each registry request. */
export const REGISTRY_RETRIES_ENV = 'GPUAAS_REGISTRY_RETRIES';
/** Environment variable: delay before the first retry in milliseconds (doubled each time). */
export const REGISTRY_RETRY_DELAY_ENV = 'GPUAAS_REGISTRY_RETRY_DELAY_MS';

/** How to connect to a registry when no ready client is given. */
export interface RegistryConnection {
  /** Force plain HTTP; loopback registries use it anyway. */
  plainHttp?: boolean;
  /** Default: `GPUAAS_REGISTRY_*` variables, then Docker's config.json. */
  credentials?: CredentialsProvider;
  retry?: RetryOptions;
  onRetry?: (event: RetryEvent) => void;
  fetch?: typeof globalThis.fetch;
  /** Sends streamed blob GETs (TransportOptions.streamGet). */
  streamGet?: GetOnce;
}

/** Options every workflow accepts: a ready client for the registry, or how to make one. */
export interface ClientOptions {
  /** Used when its `registry` is the one the reference names. */
  client?: RegistryClient;
  connection?: RegistryConnection;
}

/**
 * The OCI registry client for `registry`: the given one when it serves that registry, else a new
 * one built from `connection`. (The platform's REST client is createPlatformClient.)
 */
export function registryClientFor(registry: string, options: ClientOptions = {}): RegistryClient {
  if (options.client !== undefined && options.client.registry === registry) return options.client;
  const connection = options.connection ?? {};
  return new RegistryClient({
    registry,
    credentials: connection.credentials ?? defaultCredentials(),
    ...(connection.plainHttp === undefined ? {} : { plainHttp: connection.plainHttp }),
    ...(connection.retry === undefined ? {} : { retry: connection.retry }),
    ...(connection.onRetry === undefined ? {} : { onRetry: connection.onRetry }),
    ...(connection.fetch === undefined ? {} : { fetch: connection.fetch }),
    ...(connection.streamGet === undefined ? {} : { streamGet: connection.streamGet }),
  });
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new SdkError('USAGE', `${name}="${raw}" is not a whole number from 0 to ${max}`, {
      details: { variable: name },
    });
  }
  return Number(value);
}

/**
 * Retry settings from `GPUAAS_REGISTRY_RETRIES` and `GPUAAS_REGISTRY_RETRY_DELAY_MS`; `undefined`
 * when neither is set. Throws USAGE for a value that is not a whole number in range.
 */
export function retryFromEnv(env: NodeJS.ProcessEnv = process.env): RetryOptions | undefined {
  const maxRetries = nonNegativeInteger(env, REGISTRY_RETRIES_ENV, 100);
  const initialDelayMs = nonNegativeInteger(env, REGISTRY_RETRY_DELAY_ENV, 600_000);
  if (maxRetries === undefined && initialDelayMs === undefined) return undefined;
  return {
    ...(maxRetries === undefined ? {} : { maxRetries }),
    ...(initialDelayMs === undefined ? {} : { initialDelayMs }),
  };
}

/** A connection built from the environment (credentials and retry settings) and CLI flags. */
export function connectionFromEnv(
  env: NodeJS.ProcessEnv,
  extra: { plainHttp?: boolean; onRetry?: (event: RetryEvent) => void } = {},
): RegistryConnection {
  const retry = retryFromEnv(env);
  return {
    credentials: defaultCredentials(env),
    ...(retry === undefined ? {} : { retry }),
    ...(extra.plainHttp === true ? { plainHttp: true } : {}),
    ...(extra.onRetry === undefined ? {} : { onRetry: extra.onRetry }),
  };
}

/**
 * Parses a reference that must name a tag or a digest (`host/repo:tag`, `host/repo@sha256:…`).
 * REFERENCE_INVALID otherwise.
 */
export function parseArtifactReference(input: string): ImageReference {
  const ref = parseReference(input);
  if (ref.tag === undefined && ref.digest === undefined) {
    throw new SdkError(
      'REFERENCE_INVALID',
      `reference "${input}" names no tag or digest (add :TAG or @sha256:…)`,
      {
        details: { part: 'tag' },
      },
    );
  }
  return ref;
}

/** `host/repository`, the name trust policies and statements use. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * Resolves a reference to its manifest descriptor once; callers then use the digest, so a tag
 * moved in the meantime cannot swap the content half-way through. A digest wins over a tag.
 */
export async function pinReference(client: RegistryClient, ref: ImageReference): Promise<Descriptor> {
  const reference = ref.digest ?? ref.tag;
  if (reference === undefined)
    throw new SdkError('REFERENCE_INVALID', `${formatReference(ref)}: no tag or digest`);
  return client.resolve(ref.repository, reference);
}

/** The reference pinned to a digest: `host/repo:tag@sha256:…` (the tag kept for people). */
export function pinnedReference(ref: ImageReference, digest: string): string {
  return formatReference({ ...ref, digest });
}
