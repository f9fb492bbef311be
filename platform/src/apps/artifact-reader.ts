/**
 * Where the app registry reads artifacts from, as one seam: the embedded registry (this platform's
 * own `/v2/`, read as its internal caller after checking that the requesting principal may pull
 * the repository and that its namespace belongs to the publisher project) or any external OCI
 * registry (read with the platform's registry credentials; no namespace binding exists there, the
 * publisher's registered keys are what ties an artifact to it).
 *
 * Registry failures become platform codes here: an unknown or unreadable tag or digest is
 * APP_REFERENCE_INVALID, an external registry that does not answer is REGISTRY_UNREACHABLE.
 */
import type { Descriptor, ImageReference, RegistryClient, RegistryConnection } from '@gpuaas/sdk';
import { GPUAAS_APP_ARTIFACT_TYPE, MEDIA_TYPES, registryClientFor } from '@gpuaas/sdk';
import { isSdkError } from '@gpuaas/sdk/common';
import type { Principal } from '../auth/principal.js';
import { PlatformError } from '../errors.js';
import type { RegistryAccess } from '../registry/access.js';
import { RegistryError } from '../registry/errors.js';
import { namespaceOf } from '../registry/names.js';
import type { Registry } from '../registry/registry.js';
import type { EmbeddedRegistry } from './release.js';

/** The app's gpuaas.yaml travels as the artifact's config blob (sdk pack), at most this big. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** An artifact's registry, opened for reading. */
export interface ArtifactSource {
  /** `host:port` as versions record it (the embedded registry: always its public name). */
  registry: string;
  embedded: boolean;
  client: RegistryClient;
}

/** The app manifest an artifact carries, as text, or why it carries none. */
export type AppManifestText = { text: string } | { problem: string };

export interface ArtifactReaderOptions {
  embedded: EmbeddedRegistry;
  /** Decides whether the requesting principal may pull from the embedded registry. */
  access: RegistryAccess;
  /** The embedded registry's storage (namespace owners). */
  registry: Registry;
  /** How to reach external registries (default: the platform's environment credentials). */
  connection?: RegistryConnection;
}

export class ArtifactReader {
  readonly #options: ArtifactReaderOptions;

  constructor(options: ArtifactReaderOptions) {
    this.#options = options;
  }

  /**
   * Opens the registry `ref` names for `principal` registering for `projectId`. In the embedded
   * registry the principal must be allowed to pull (404 when it may not even see the repository,
   * as the registry itself answers) and the namespace must be the project's (403 otherwise).
   */
  async open(principal: Principal, projectId: string, ref: ImageReference): Promise<ArtifactSource> {
    const { embedded } = this.#options;
    if (!embedded.serves(ref.registry)) {
      return {
        registry: ref.registry,
        embedded: false,
        client: registryClientFor(ref.registry, { connection: this.#options.connection ?? {} }),
      };
    }
    try {
      await this.#options.access.require(principal, ref.repository, 'pull');
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      if (error.code === 'NAME_UNKNOWN') {
        throw new PlatformError('NOT_FOUND', `repository ${ref.repository} not found`, { cause: error });
      }
      throw new PlatformError('FORBIDDEN', error.message, { cause: error });
    }
    const namespace = namespaceOf(ref.repository);
    const owner = await this.#options.registry.namespaceOwner(namespace);
    if (owner !== projectId) {
      throw new PlatformError(
        'FORBIDDEN',
        `namespace ${namespace} of the embedded registry belongs to another project: a project registers only what it publishes under its own name`,
      );
    }
    // Named by its public host, as `registry` is: a client named otherwise (the listen address a
    // publisher pushed to) would be passed over for one reaching the public name from outside.
    return { registry: embedded.host, embedded: true, client: embedded.client() };
  }

  /** Resolves the reference's digest (or its tag, once) to the manifest's descriptor. */
  async resolve(source: ArtifactSource, ref: ImageReference): Promise<Descriptor> {
    const reference = ref.digest ?? ref.tag;
    if (reference === undefined) {
      throw new PlatformError('APP_REFERENCE_INVALID', `${ref.repository}: give a tag or a digest`);
    }
    return this.#call(source, () => source.client.resolve(ref.repository, reference));
  }

  /** The gpuaas.yaml of the GPUaaS app at `repository@digest` (its config blob, checked by digest). */
  async appManifest(source: ArtifactSource, repository: string, digest: string): Promise<AppManifestText> {
    const fetched = await this.#call(source, () => source.client.getManifest(repository, digest));
    const image = fetched.manifest as {
      mediaType?: string;
      artifactType?: string;
      config?: Descriptor;
    };
    if (image.mediaType !== MEDIA_TYPES.imageManifest || image.artifactType !== GPUAAS_APP_ARTIFACT_TYPE) {
      return {
        problem: `${digest} is a ${image.mediaType ?? 'manifest'} of type ${image.artifactType ?? 'none'}, not a GPUaaS app (${GPUAAS_APP_ARTIFACT_TYPE})`,
      };
    }
    const config = image.config;
    if (config?.mediaType !== MEDIA_TYPES.gpuaasAppConfig || config.size > MAX_CONFIG_BYTES) {
      return { problem: `${digest}: its config is not a gpuaas-app manifest of at most 1 MiB` };
    }
    const bytes = await this.#call(source, () =>
      source.client.fetchBlob(repository, config, MAX_CONFIG_BYTES),
    );
    return { text: bytes.toString('utf8') };
  }

  /** Runs a registry call, turning the SDK's registry errors into the platform's codes. */
  async #call<T>(source: ArtifactSource, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw registryFailure(source, error);
    }
  }
}

/** The platform's error for a failed registry call. */
export function registryFailure(source: ArtifactSource, error: unknown): unknown {
  if (!isSdkError(error)) return error;
  switch (error.code) {
    case 'NOT_FOUND':
    case 'DIGEST_MISMATCH':
    case 'REFERENCE_INVALID':
      return new PlatformError('APP_REFERENCE_INVALID', error.message, { cause: error });
    case 'REGISTRY_UNREACHABLE':
      return new PlatformError(
        source.embedded ? 'INTERNAL' : 'REGISTRY_UNREACHABLE',
        `registry ${source.registry}: ${error.message}`,
        { cause: error },
      );
    case 'REGISTRY_UNAUTHORIZED':
    case 'REGISTRY_FORBIDDEN':
      return new PlatformError(
        'FORBIDDEN',
        `registry ${source.registry} refused the platform's credentials: ${error.message}`,
        { cause: error },
      );
    case 'REGISTRY_ERROR':
      return new PlatformError(
        source.embedded ? 'INTERNAL' : 'REGISTRY_UNREACHABLE',
        `registry ${source.registry}: ${error.message}`,
        { cause: error },
      );
    default:
      return error;
  }
}
