/** Fetching app artifacts: pull by digest, verify, unpack safely into a shared content-addressed cache. */
export { fetchArtifact } from './fetch.js';
export type { FetchArtifactOptions, FetchedArtifact, VerifiedSignature } from './fetch.js';
export { clearArtifactCache } from './cache.js';
