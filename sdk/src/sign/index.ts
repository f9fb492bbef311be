/**
 * Signing and trust: P-256 keys, in-toto statements, Sigstore DSSE bundles (key-based and
 * keyless), bundle verification and the trust policy.
 */
export {
  SIGNING_KEY_ENV,
  SIGNING_KEY_PASSWORD_ENV,
  generateSigningKeyPair,
  keyIdOf,
  loadPublicKey,
  loadSigningKey,
  signingKeyFromEnv,
  toPublicKey,
  writeKeyPair,
} from './keys.js';
export type { GeneratedKeyPair, PublicKey, SigningKey, WrittenKeyPair } from './keys.js';
export {
  APPROVAL_PREDICATE_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPE,
  PUBLISH_PREDICATE_TYPE,
  createApprovalStatement,
  createPublishStatement,
  createStatement,
  parseStatement,
  sha256Hex,
  statementCoversDigest,
  subjectForManifest,
} from './statement.js';
export type { ApprovalPredicate, InTotoStatement, PublishPredicate, StatementSubject } from './statement.js';
export { createKeySigner, createKeylessSigner, serializeBundle, signStatement } from './sign.js';
export type { BundleSigner, KeylessSignerOptions, SigstoreBundleJson } from './sign.js';
export { prepareBundle, verifyBundle, verifyPreparedBundle, verifyWithKey } from './verify.js';
export type {
  KeylessIdentity,
  KeylessTrust,
  PreparedBundle,
  VerifyBundleOptions,
  VerifyBundleResult,
  VerifyFailureCode,
} from './verify.js';
export { matchScope, scopeGlobError } from './scope.js';
export {
  inlineTrustPolicyFile,
  loadTrustPolicy,
  parseTrustPolicy,
  readTrustPolicyFile,
} from './trust-policy.js';
export type {
  AttestationRequirement,
  PolicyIssue,
  TrustAuthority,
  TrustPolicy,
  TrustPolicyParseResult,
  TrustPolicyRule,
} from './trust-policy.js';
export { evaluateTrustPolicy } from './evaluate.js';
export type { PolicyOutcome, TrustDecision, TrustEvaluationInput, VerifiedStatement } from './evaluate.js';
