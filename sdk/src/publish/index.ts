/**
 * Publishing workflows over the OCI client, packing and signing: push a layout, pull into a
 * layout, sign, verify, promote, and publish (validate → pack → push → sign) in one call.
 */
export {
  REGISTRY_RETRIES_ENV,
  REGISTRY_RETRY_DELAY_ENV,
  registryClientFor,
  connectionFromEnv,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  repositoryName,
  retryFromEnv,
} from './client.js';
export type { ClientOptions, RegistryConnection } from './client.js';
export { DEFAULT_CONCURRENCY, mapLimit } from './concurrency.js';
export { pushLayout } from './push.js';
export type { PushLayoutOptions, PushLayoutResult, PushedLayer, TransferProgress } from './push.js';
export { pullArtifact } from './pull.js';
export type { PullArtifactOptions, PullArtifactResult } from './pull.js';
export { BUNDLE_ANNOTATIONS, attachBundle, fetchBundles } from './bundles.js';
export type { StoredBundle } from './bundles.js';
export { signArtifact } from './sign.js';
export type { SignArtifactOptions, SignArtifactResult } from './sign.js';
export { judgeBundles, verifyArtifact } from './verify.js';
export type { ArtifactTrust, BundleSubject, VerifiedBundle, VerifyArtifactResult } from './verify.js';
export { ArtifactCopier } from './copy.js';
export type { CopiedBlob, CopyEndpoints } from './copy.js';
export { promoteArtifact } from './promote.js';
export type { PromoteArtifactOptions, PromoteArtifactResult } from './promote.js';
export { publishApp } from './publish.js';
export type { PublishAppOptions, PublishAppResult, PublishProgress, PublishedLayer } from './publish.js';
export { ATTEST_KEY_ENV, ATTEST_KEY_PASSWORD_ENV, resolveSigningKey } from './keys.js';
