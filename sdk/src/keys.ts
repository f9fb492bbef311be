/**
 * `@gpuaas/sdk/keys`: signing keys without the signing machinery (it loads in milliseconds, where
 * `@gpuaas/sdk/sign` brings sigstore-js): generate, write and load P-256 key pairs, and the
 * environment variables that name the publisher's and the approver's keys.
 */
export * from './sign/keys.js';
export { ATTEST_KEY_ENV, ATTEST_KEY_PASSWORD_ENV, resolveSigningKey } from './publish/keys.js';
