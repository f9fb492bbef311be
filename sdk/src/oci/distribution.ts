/** Public surface of the OCI distribution client (re-exported by the sdk's index). */
export { RegistryClient } from './client.js';
export type { RegistryClientOptions, PushBlobsOptions } from './client.js';
export { RegistryTransport, parseRetryAfter, readRegistryErrors } from './transport.js';
export type {
  RegistryErrorEntry,
  RegistryRequest,
  ReopenableBody,
  RequestBody,
  RetryEvent,
  RetryOptions,
  TransportOptions,
} from './transport.js';
export { nodeHttpGet } from './node-get.js';
export type { GetOnce } from './node-get.js';
export { RegistryAuthenticator, parseWwwAuthenticate } from './auth.js';
export type { AuthChallenge } from './auth.js';
export {
  chainCredentials,
  defaultCredentials,
  dockerConfigCredentials,
  envCredentials,
  normaliseServer,
  spawnCredentialHelper,
  staticCredentials,
} from './credentials.js';
export type {
  CredentialHelperRunner,
  CredentialsProvider,
  DockerConfigOptions,
  RegistryCredentials,
} from './credentials.js';
export {
  DOCKER_HUB,
  DOCKER_HUB_ENDPOINT,
  formatReference,
  isLoopbackHost,
  parseReference,
  registryEndpoint,
  validateReference,
} from './reference.js';
export type { ImageReference, ReferenceIssue, ReferencePart, ReferenceValidation } from './reference.js';
export { OffsetHasher, VerifyingStream, computeDigest, isDigest, splitDigest } from './digest.js';
export type { DigestAlgorithm, ExpectedContent } from './digest.js';
export { SequentialReader, bufferBlobSource, fileBlobSource } from './blob-source.js';
export type { BlobSource } from './blob-source.js';
export { DEFAULT_CHUNK_SIZE, pushBlob } from './blob-push.js';
export { deleteByDigest, describeBytes, hasBlob, mountBlob, pullScope, pushScope } from './blobs.js';
export type { BlobProgress, PushBlobOptions, PushOutcome, PushedBlob } from './blob-push.js';
export { DEFAULT_MAX_IN_MEMORY, deleteBlob, fetchBlob, openBlob, pullBlob } from './blob-pull.js';
export type { PullBlobOptions } from './blob-pull.js';
export {
  MANIFEST_ACCEPT,
  MAX_OCI_MANIFEST_BYTES,
  deleteManifest,
  getManifest,
  headManifest,
  listRepositories,
  listTags,
  nextLink,
  putManifest,
  resolveManifest,
} from './manifests.js';
export type { AnyManifest, FetchedManifest, PutManifestResult } from './manifests.js';
export {
  addToFallbackIndex,
  fetchReferrer,
  listReferrers,
  pushReferrer,
  referrersTag,
  withKeyedLock,
} from './referrers.js';
export type { FetchedReferrer, ListReferrersOptions, ReferrerArtifact, ReferrerLayer } from './referrers.js';
export { ANNOTATIONS, EMPTY_JSON_DESCRIPTOR, GPUAAS_APP_ARTIFACT_TYPE, MEDIA_TYPES } from './types.js';
export type { Descriptor, Digest, ImageIndex, ImageManifest } from './types.js';
