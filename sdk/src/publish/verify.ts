/**
 * `verifyArtifact`: does the registry hold a trustworthy signature for this artifact? The
 * reference is pinned to its manifest digest, every Sigstore bundle referrer is fetched (each
 * checked against its digest), and the bundles are judged either against trusted keys (a
 * publisher signature over exactly this digest) or against a trust policy for `host/repo`.
 * Bad signatures are a verdict, not an exception: the result says `allowed` with a code and reasons.
 */
import type { SdkErrorCode } from '../errors.js';
import type { PublicKey } from '../sign/keys.js';
import type { TrustDecision } from '../sign/evaluate.js';
import { PUBLISH_PREDICATE_TYPE } from '../sign/statement.js';
import type { TrustPolicy } from '../sign/trust-policy.js';
import type * as SignVerify from '../sign/verify.js';
import type { VerifyBundleResult } from '../sign/verify.js';
import { fetchBundles, type StoredBundle } from './bundles.js';
import {
  registryClientFor,
  parseArtifactReference,
  pinReference,
  pinnedReference,
  repositoryName,
  type ClientOptions,
} from './client.js';

/** What to trust: keys (a publisher signature of `predicateType`, default publish) or a policy. */
export type ArtifactTrust =
  { publicKeys: readonly PublicKey[]; predicateType?: string } | { policy: TrustPolicy };

/** A bundle that verified: which referrer, which key, what it says. */
export interface VerifiedBundle {
  /** Digest of the bundle referrer's manifest. */
  referrer: string;
  keyId: string;
  predicateType: string;
  /** The policy authority that accepted it (policy mode). */
  authority?: string;
}

export interface VerifyArtifactResult {
  allowed: boolean;
  /** Set when refused: SIGNATURE_NOT_FOUND, SIGNATURE_INVALID, SUBJECT_MISMATCH, ATTESTATION_MISSING, … */
  code?: SdkErrorCode;
  /** Why it was refused; empty when allowed. */
  reasons: string[];
  /** `host/repo:tag@sha256:…` */
  reference: string;
  /** `host/repo`, the name the policy was evaluated for. */
  repository: string;
  digest: string;
  /** Bundle referrers found. */
  bundles: number;
  verified: VerifiedBundle[];
  /** The full decision, in policy mode. */
  decision?: TrustDecision;
}

// When bundles fail for different reasons, report the one that says most about what is wrong.
const KEY_SPECIFICITY: readonly SdkErrorCode[] = [
  'SUBJECT_MISMATCH',
  'PREDICATE_TYPE_MISMATCH',
  'SIGNATURE_INVALID',
];

/** The bundle verifier: sigstore-js's, loaded on the first verification (see verifyArtifact). */
type BundleVerifier = Pick<typeof SignVerify, 'prepareBundle' | 'verifyPreparedBundle'>;

function judgeWithKeys(
  { prepareBundle, verifyPreparedBundle }: BundleVerifier,
  stored: readonly StoredBundle[],
  keys: readonly PublicKey[],
  digest: string,
  predicateType: string,
): Pick<VerifyArtifactResult, 'allowed' | 'code' | 'reasons' | 'verified'> {
  const failures: { code: SdkErrorCode; reason: string }[] = [];
  const verified: VerifiedBundle[] = [];
  for (const entry of stored) {
    const result: VerifyBundleResult =
      entry.problem !== undefined
        ? { ok: false, code: 'SIGNATURE_INVALID', reason: entry.problem }
        : verifyPreparedBundle(prepareBundle(entry.bundle), {
            trustedKeys: keys,
            expectedSubjectDigest: digest,
            expectedPredicateType: predicateType,
          });
    if (result.ok) verified.push({ referrer: entry.descriptor.digest, keyId: result.keyId, predicateType });
    else failures.push({ code: result.code, reason: `bundle ${entry.descriptor.digest}: ${result.reason}` });
  }
  if (verified.length > 0) return { allowed: true, reasons: [], verified };
  const code = KEY_SPECIFICITY.find((c) => failures.some((f) => f.code === c)) ?? 'SIGNATURE_INVALID';
  // The reasons behind the reported code first, so the first line explains the code.
  const ordered = [...failures.filter((f) => f.code === code), ...failures.filter((f) => f.code !== code)];
  return { allowed: false, code, reasons: ordered.map((f) => f.reason), verified };
}

/** The artifact a set of bundles is judged for: pinned reference, `host/repo` and manifest digest. */
export interface BundleSubject {
  /** `host/repo:tag@sha256:…` */
  reference: string;
  repository: string;
  digest: string;
  /** The reference as the caller wrote it, for messages (default: `reference`). */
  asked?: string;
}

/**
 * Judges bundles already read (by {@link fetchBundles}, or kept from an earlier read) for
 * `subject` against trusted keys or a trust policy: every check {@link verifyArtifact} makes once
 * it has the bundles, with no registry involved. A bundle is signed content, so where it came
 * from does not matter: one changed on the way or on disk fails its signature check.
 *
 * @example
 * const stored = await fetchBundles(client, 'acme/llm', digest);
 * const verdict = await judgeBundles({ reference, repository: 'r.io/acme/llm', digest }, stored, { policy });
 */
export async function judgeBundles(
  subject: BundleSubject,
  stored: readonly StoredBundle[],
  trust: ArtifactTrust,
): Promise<VerifyArtifactResult> {
  const { asked, ...named } = subject;
  const base = { ...named, bundles: stored.length };
  const notFound = `no signature found for ${asked ?? subject.reference}`;
  // Loaded on use: sigstore-js's verifier is the heaviest import of `@gpuaas/sdk/publish`, and
  // push, pull and promote never verify.
  const [verifier, { evaluateTrustPolicy }] = await Promise.all([
    import('../sign/verify.js'),
    import('../sign/evaluate.js'),
  ]);

  if ('policy' in trust) {
    const decision = evaluateTrustPolicy(trust.policy, {
      repository: subject.repository,
      manifestDigest: subject.digest,
      bundles: stored.map((s) => ({ descriptor: s.descriptor, bundle: s.bundle ?? null })),
    });
    const verified = decision.verified.flatMap((v) => {
      const referrer = stored[v.bundle]?.descriptor.digest;
      return referrer === undefined
        ? []
        : [{ referrer, keyId: v.keyId, predicateType: v.predicateType, authority: v.authority }];
    });
    const reasons = decision.code === 'SIGNATURE_NOT_FOUND' ? [notFound] : decision.reasons;
    return {
      ...base,
      allowed: decision.allowed,
      ...(decision.code === undefined ? {} : { code: decision.code }),
      reasons,
      verified,
      decision,
    };
  }
  if (stored.length === 0) {
    return { ...base, allowed: false, code: 'SIGNATURE_NOT_FOUND', reasons: [notFound], verified: [] };
  }
  return {
    ...base,
    ...judgeWithKeys(
      verifier,
      stored,
      trust.publicKeys,
      subject.digest,
      trust.predicateType ?? PUBLISH_PREDICATE_TYPE,
    ),
  };
}

/**
 * Verifies the artifact `ref` names against trusted keys or a trust policy.
 *
 * @example
 * const result = await verifyArtifact('127.0.0.1:5000/acme/llm:1.0.0', { publicKeys: [await loadPublicKey('acme.pub')] });
 * if (!result.allowed) console.error(result.code, result.reasons.join('\n'));
 */
export async function verifyArtifact(
  ref: string,
  trust: ArtifactTrust,
  options: ClientOptions = {},
): Promise<VerifyArtifactResult> {
  const target = parseArtifactReference(ref);
  const client = registryClientFor(target.registry, options);
  const subject = await pinReference(client, target);
  const stored = await fetchBundles(client, target.repository, subject.digest);
  return judgeBundles(
    {
      reference: pinnedReference(target, subject.digest),
      repository: repositoryName(target),
      digest: subject.digest,
      asked: ref,
    },
    stored,
    trust,
  );
}
