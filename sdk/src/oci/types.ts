/**
 * OCI image-spec v1.1 and distribution-spec types shared by the registry client, the image
 * layout, packing, signing and promotion.
 */

export const MEDIA_TYPES = {
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  imageConfig: 'application/vnd.oci.image.config.v1+json',
  emptyJson: 'application/vnd.oci.empty.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  /** Config blob of a GPUaaS app artifact: the validated manifest as JSON. */
  gpuaasAppConfig: 'application/vnd.gpuaas.app.manifest.v1+json',
  /** Sigstore bundle stored as a referrer, as cosign's newer format does. */
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

/** artifactType of a GPUaaS app artifact manifest. */
export const GPUAAS_APP_ARTIFACT_TYPE = 'application/vnd.gpuaas.app.v1';

/** The canonical empty JSON descriptor ({}), used as config of referrer artifacts. */
export const EMPTY_JSON_DESCRIPTOR: Descriptor = {
  mediaType: MEDIA_TYPES.emptyJson,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
};

export type Digest = `sha256:${string}` | `sha512:${string}`;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
  /** Base64 of small content embedded in the descriptor. */
  data?: string;
  urls?: string[];
  platform?: { architecture: string; os: string; variant?: string };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: typeof MEDIA_TYPES.imageManifest;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType: typeof MEDIA_TYPES.imageIndex;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** Well-known annotation keys. */
export const ANNOTATIONS = {
  title: 'org.opencontainers.image.title',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  refName: 'org.opencontainers.image.ref.name',
} as const;
