/**
 * Evaluating a trust policy for one artifact, with the semantics of notation scopes and the
 * sigstore policy-controller: every policy whose scope matches the repository must pass, within a
 * policy any listed authority suffices, and a repository no policy covers is refused.
 */
import type { SdkErrorCode } from '../errors.js';
import type { Descriptor } from '../oci/types.js';
import { matchScope } from './scope.js';
import type { TrustAuthority, TrustPolicy, TrustPolicyRule } from './trust-policy.js';
import {
  prepareBundle,
  verifyPreparedBundle,
  type PreparedBundle,
  type VerifyBundleOptions,
  type VerifyBundleResult,
} from './verify.js';

export interface TrustEvaluationInput {
  /** `host/repository` the artifact is pulled from. */
  repository: string;
  /** `sha256:<hex>` of the artifact's manifest. */
  manifestDigest: string;
  /** Every Sigstore bundle found for the artifact (e.g. its referrers), as JSON. */
  bundles: ReadonlyArray<{ descriptor?: Descriptor; bundle: unknown }>;
}

export interface PolicyOutcome {
  name: string;
  passed: boolean;
  reasons: string[];
}

export interface VerifiedStatement {
  /** Index of the bundle in the input. */
  bundle: number;
  authority: string;
  keyId: string;
  predicateType: string;
}

export interface TrustDecision {
  allowed: boolean;
  /** The policies whose scope matched, in file order. */
  policies: PolicyOutcome[];
  /** Why the artifact was refused (`policy: reason`); empty when allowed. */
  reasons: string[];
  /** The most specific code when refused. */
  code?: SdkErrorCode;
  /** Every (bundle, authority) pair that verified over this digest. */
  verified: VerifiedStatement[];
}

type RequirementCode = 'SUBJECT_MISMATCH' | 'SIGNATURE_INVALID' | 'ATTESTATION_MISSING';
// When policies fail for different reasons, report the one that says most about what is wrong.
const SPECIFICITY: readonly RequirementCode[] = [
  'SUBJECT_MISMATCH',
  'SIGNATURE_INVALID',
  'ATTESTATION_MISSING',
];

/**
 * Decides whether an artifact may be used. Never throws for bad bundles: each failure becomes a
 * reason. Codes: `POLICY_NO_MATCH` (no scope covers the repository), `SIGNATURE_NOT_FOUND` (no
 * bundles), `SUBJECT_MISMATCH` (a trusted signature over another digest), `SIGNATURE_INVALID`
 * (no bundle verifies with a required authority), `ATTESTATION_MISSING`.
 *
 * @throws SdkError `REFERENCE_INVALID` when `manifestDigest` is not `sha256:<64 hex>`.
 *
 * @example
 * const decision = evaluateTrustPolicy(policy, { repository: 'registry.example.com/acme/llm', manifestDigest, bundles });
 * if (!decision.allowed) throw new SdkError(decision.code ?? 'SIGNATURE_INVALID', decision.reasons.join('; '));
 */
export function evaluateTrustPolicy(policy: TrustPolicy, input: TrustEvaluationInput): TrustDecision {
  const matching = policy.policies.filter((p) => p.scopes.some((s) => matchScope(s, input.repository)));
  if (matching.length === 0) {
    return {
      allowed: false,
      policies: [],
      reasons: [`no trust policy scope matches ${input.repository}`],
      code: 'POLICY_NO_MATCH',
      verified: [],
    };
  }
  if (input.bundles.length === 0) {
    const reason = `no signatures or attestations were found for ${input.manifestDigest}`;
    return {
      allowed: false,
      policies: matching.map((p) => ({ name: p.name, passed: false, reasons: [reason] })),
      reasons: matching.map((p) => `${p.name}: ${reason}`),
      code: 'SIGNATURE_NOT_FOUND',
      verified: [],
    };
  }

  const evaluator = new Evaluator(policy, input);
  const outcomes: PolicyOutcome[] = [];
  const codes = new Set<RequirementCode>();
  for (const rule of matching) {
    const outcome = evaluator.rule(rule);
    outcomes.push({ name: rule.name, passed: outcome.reasons.length === 0, reasons: outcome.reasons });
    for (const code of outcome.codes) codes.add(code);
  }
  const allowed = outcomes.every((o) => o.passed);
  return {
    allowed,
    policies: outcomes,
    reasons: outcomes.flatMap((o) => o.reasons.map((r) => `${o.name}: ${r}`)),
    ...(allowed ? {} : { code: SPECIFICITY.find((c) => codes.has(c)) ?? 'SIGNATURE_INVALID' }),
    verified: evaluator.verified(),
  };
}

class Evaluator {
  private readonly prepared: PreparedBundle[];
  private readonly results = new Map<string, VerifyBundleResult>();

  constructor(
    private readonly policy: TrustPolicy,
    private readonly input: TrustEvaluationInput,
  ) {
    this.prepared = input.bundles.map((b) => prepareBundle(b.bundle));
  }

  rule(rule: TrustPolicyRule): { reasons: string[]; codes: RequirementCode[] } {
    const reasons: string[] = [];
    const codes: RequirementCode[] = [];
    if (rule.signatures) {
      const failure = this.requirement(rule.signatures.authorities, undefined);
      if (failure) {
        reasons.push(`no signature by ${orList(rule.signatures.authorities)} verifies: ${failure.detail}`);
        codes.push(failure.subjectMismatch ? 'SUBJECT_MISMATCH' : 'SIGNATURE_INVALID');
      }
    }
    for (const req of rule.attestations) {
      const failure = this.requirement(req.authorities, req.predicateType);
      if (failure) {
        reasons.push(
          `required attestation ${req.predicateType} signed by ${orList(req.authorities)} is missing: ${failure.detail}`,
        );
        codes.push(failure.subjectMismatch ? 'SUBJECT_MISMATCH' : 'ATTESTATION_MISSING');
      }
    }
    return { reasons, codes };
  }

  /** Every verified (bundle, authority) pair computed so far. */
  verified(): VerifiedStatement[] {
    const out: VerifiedStatement[] = [];
    for (const [key, result] of this.results) {
      if (!result.ok) continue;
      const [index, authority] = splitKey(key);
      out.push({
        bundle: index,
        authority,
        keyId: result.keyId,
        predicateType: result.statement.predicateType,
      });
    }
    return out.sort((a, b) => a.bundle - b.bundle || a.authority.localeCompare(b.authority));
  }

  /** `undefined` when some bundle satisfies the requirement, otherwise why none does. */
  private requirement(
    authorities: readonly string[],
    predicateType: string | undefined,
  ): { detail: string; subjectMismatch: boolean } | undefined {
    const details: string[] = [];
    let subjectMismatch = false;
    for (let i = 0; i < this.prepared.length; i++) {
      const failures: VerifyBundleResult[] = [];
      for (const name of authorities) {
        const result = this.verify(i, name);
        if (result.ok && (predicateType === undefined || result.statement.predicateType === predicateType)) {
          return undefined;
        }
        failures.push(result);
      }
      const relevant = failures.filter(
        (r) => predicateType === undefined || r.ok || r.statement?.predicateType === predicateType,
      );
      if (relevant.some((r) => !r.ok && r.code === 'SUBJECT_MISMATCH')) subjectMismatch = true;
      details.push(`${this.label(i)}: ${describe(failures, authorities, predicateType)}`);
    }
    return { detail: details.join('; '), subjectMismatch };
  }

  private verify(index: number, authorityName: string): VerifyBundleResult {
    const key = `${index}\u0000${authorityName}`;
    let result = this.results.get(key);
    if (result === undefined) {
      const authority = this.policy.authorities.get(authorityName);
      const prepared = this.prepared[index];
      result =
        authority === undefined || prepared === undefined
          ? { ok: false, code: 'SIGNATURE_INVALID', reason: `authority "${authorityName}" is not defined` }
          : verifyPreparedBundle(prepared, {
              ...trustOf(authority),
              expectedSubjectDigest: this.input.manifestDigest,
            });
      this.results.set(key, result);
    }
    return result;
  }

  private label(index: number): string {
    const digest = this.input.bundles[index]?.descriptor?.digest;
    return `bundle ${index + 1}${digest ? ` (${digest})` : ''}`;
  }
}

function trustOf(authority: TrustAuthority): Omit<VerifyBundleOptions, 'expectedSubjectDigest'> {
  return authority.kind === 'key' ? { trustedKeys: [authority.key] } : { keyless: authority.keyless };
}

function describe(
  failures: readonly VerifyBundleResult[],
  authorities: readonly string[],
  predicateType: string | undefined,
): string {
  const ok = failures.find((r) => r.ok);
  if (ok?.ok && predicateType !== undefined) {
    return `verified, but it attests ${ok.statement.predicateType}, not ${predicateType}`;
  }
  // The most telling failure: a subject mismatch beats "not our key".
  const failure =
    failures.find((r) => !r.ok && r.code === 'SUBJECT_MISMATCH') ??
    failures.find((r) => !r.ok) ??
    failures[0];
  if (failure === undefined || failure.ok) return 'not verified';
  const names =
    authorities.length === 1 ? `authority ${authorities[0] ?? ''}` : `authorities ${authorities.join(', ')}`;
  return `${failure.reason} (checked against ${names})`;
}

function orList(names: readonly string[]): string {
  return names.length === 1 ? (names[0] ?? '') : `any of ${names.join(', ')}`;
}

function splitKey(key: string): [number, string] {
  const at = key.indexOf('\u0000');
  return [Number(key.slice(0, at)), key.slice(at + 1)];
}
