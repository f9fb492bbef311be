/**
 * Verifying Sigstore bundles. sigstore-js checks the DSSE signature (and, for keyless bundles,
 * the certificate chain, SCTs and Rekor inclusion); it does not look inside the payload, so this
 * module then checks that the signed in-toto statement's subject is the artifact's manifest
 * digest, which is what stops a valid signature from being replayed onto other content.
 */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type SignedEntity } from '@sigstore/verify';
import { keyIdOf, type PublicKey } from './keys.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  sha256Hex,
  statementCoversDigest,
  type InTotoStatement,
} from './statement.js';

/** An identity a keyless (Fulcio) certificate must carry: OIDC issuer plus subject. */
export interface KeylessIdentity {
  /** OIDC issuer URL, compared exactly. */
  issuer: string;
  /** Subject (email or URI SAN), compared exactly. */
  subject?: string;
  /** Alternatively a regular expression the whole subject must match. */
  subjectRegExp?: string;
}

/** Trust for keyless bundles: a Sigstore trusted root (JSON) and the identities accepted. */
export interface KeylessTrust {
  /** A Sigstore `trusted_root.json` object (Fulcio CAs, Rekor and CT log keys). */
  trustedRoot: unknown;
  identities: readonly KeylessIdentity[];
  /** Rekor entries required (default 1). */
  tlogThreshold?: number;
  /** Certificate-transparency SCTs required (default 1). */
  ctlogThreshold?: number;
}

export interface VerifyBundleOptions {
  /** Keys trusted for key-based bundles. */
  trustedKeys?: readonly PublicKey[];
  /** Trust for keyless bundles; without it a certificate-based bundle is refused. */
  keyless?: KeylessTrust;
  /** `sha256:<hex>` the statement's subject must include. */
  expectedSubjectDigest: string;
  /** When set, the statement's predicateType must equal it. */
  expectedPredicateType?: string;
}

export type VerifyFailureCode = 'SIGNATURE_INVALID' | 'SUBJECT_MISMATCH' | 'PREDICATE_TYPE_MISMATCH';

export type VerifyBundleResult =
  | {
      ok: true;
      /** Id of the key that verified (for keyless, the certified ephemeral key). */
      keyId: string;
      /** The certificate identity, for keyless bundles. */
      identity?: { issuer: string; subject: string };
      statement: InTotoStatement;
    }
  | {
      ok: false;
      code: VerifyFailureCode;
      reason: string;
      /** Set when the signature verified but the statement did not satisfy the expectations. */
      keyId?: string;
      statement?: InTotoStatement;
    };

const EMPTY_TRUSTED_ROOT: TrustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

/** A bundle parsed once, so a policy can verify it against several authorities cheaply. */
export type PreparedBundle =
  | { ok: true; bundle: Bundle; entity: SignedEntity; payload: Buffer; payloadType: string }
  | { ok: false; reason: string };

/** Parses bundle JSON (object, string or bytes) and checks its shape; never throws. */
export function prepareBundle(input: unknown): PreparedBundle {
  try {
    const json: unknown =
      typeof input === 'string' || Buffer.isBuffer(input) ? JSON.parse(input.toString()) : input;
    if (typeof json !== 'object' || json === null)
      return { ok: false, reason: 'the bundle is not a JSON object' };
    const bundle = bundleFromJSON(json);
    if (bundle.content.$case !== 'dsseEnvelope') {
      return { ok: false, reason: 'the bundle holds a message signature, not a DSSE envelope' };
    }
    const envelope = bundle.content.dsseEnvelope;
    // sigstore-js checks only the first DSSE signature; more than one would be ambiguous.
    if (envelope.signatures.length !== 1) {
      return {
        ok: false,
        reason: `the DSSE envelope has ${envelope.signatures.length} signatures, expected 1`,
      };
    }
    const entity = toSignedEntity(bundle);
    return { ok: true, bundle, entity, payload: envelope.payload, payloadType: envelope.payloadType };
  } catch (error) {
    return { ok: false, reason: `not a valid Sigstore bundle: ${errorMessage(error)}` };
  }
}

/**
 * Verifies a bundle: the DSSE signature against the trusted keys (or, keyless, against the trusted
 * root and identities), then that the in-toto statement's subject includes `expectedSubjectDigest`
 * and, when given, that its predicateType matches. Never throws for a bad bundle.
 *
 * @throws SdkError `REFERENCE_INVALID` when `expectedSubjectDigest` is not `sha256:<hex>`.
 * @example
 * const result = verifyBundle(bundleJson, { trustedKeys: [await loadPublicKey('acme.pub')], expectedSubjectDigest });
 * if (!result.ok) console.error(result.code, result.reason);
 */
export function verifyBundle(input: unknown, options: VerifyBundleOptions): VerifyBundleResult {
  sha256Hex(options.expectedSubjectDigest);
  return verifyPreparedBundle(prepareBundle(input), options);
}

/** {@link verifyBundle} for the simple `verify --key PUB` case: one trusted key. */
export function verifyWithKey(
  publicKey: PublicKey,
  input: unknown,
  options: { expectedSubjectDigest: string; expectedPredicateType?: string },
): VerifyBundleResult {
  return verifyBundle(input, { ...options, trustedKeys: [publicKey] });
}

/** Like {@link verifyBundle} over a bundle already passed through {@link prepareBundle}. */
export function verifyPreparedBundle(
  prepared: PreparedBundle,
  options: VerifyBundleOptions,
): VerifyBundleResult {
  if (!prepared.ok) return { ok: false, code: 'SIGNATURE_INVALID', reason: prepared.reason };
  const signer = verifySignature(prepared, options);
  if (!signer.ok) return { ok: false, code: 'SIGNATURE_INVALID', reason: signer.reason };
  const { keyId } = signer;

  // Only now, with the signature checked, is the payload worth interpreting.
  if (prepared.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      keyId,
      reason: `the signed payload type is "${prepared.payloadType}", not ${IN_TOTO_PAYLOAD_TYPE}`,
    };
  }
  const statement = parseStatement(prepared.payload);
  if (typeof statement === 'string') {
    return { ok: false, code: 'SIGNATURE_INVALID', keyId, reason: `the signed payload: ${statement}` };
  }
  if (!statementCoversDigest(statement, options.expectedSubjectDigest)) {
    const signed = statement.subject.map((s) => `${s.name}@sha256:${s.digest.sha256 ?? '(none)'}`).join(', ');
    return {
      ok: false,
      code: 'SUBJECT_MISMATCH',
      keyId,
      statement,
      reason: `the statement is signed for ${signed}, not for ${options.expectedSubjectDigest}`,
    };
  }
  if (
    options.expectedPredicateType !== undefined &&
    statement.predicateType !== options.expectedPredicateType
  ) {
    return {
      ok: false,
      code: 'PREDICATE_TYPE_MISMATCH',
      keyId,
      statement,
      reason: `the statement's predicateType is ${statement.predicateType}, expected ${options.expectedPredicateType}`,
    };
  }
  return { ok: true, keyId, statement, ...(signer.identity ? { identity: signer.identity } : {}) };
}

type SignatureCheck =
  { ok: true; keyId: string; identity?: { issuer: string; subject: string } } | { ok: false; reason: string };

function verifySignature(
  prepared: Extract<PreparedBundle, { ok: true }>,
  options: VerifyBundleOptions,
): SignatureCheck {
  const material = prepared.bundle.verificationMaterial.content;
  if (material.$case === 'publicKey')
    return verifyWithKeys(prepared.entity, material.publicKey.hint, options);
  return verifyKeyless(prepared.entity, options.keyless);
}

function verifyWithKeys(entity: SignedEntity, hint: string, options: VerifyBundleOptions): SignatureCheck {
  const keys = options.trustedKeys ?? [];
  const named = hint === '' ? '(no key id)' : hint;
  if (keys.length === 0) {
    return { ok: false, reason: `the bundle is signed by key ${named}, but no trusted keys were given` };
  }
  const hinted = keys.filter((k) => k.keyId === hint);
  // Other tools name keys differently (cosign uses no hint), so an unknown hint falls back to
  // trying every trusted key; a forged hint gains nothing because the signature must verify.
  const candidates = hinted.length > 0 ? hinted : keys;
  let lastError = '';
  for (const key of candidates) {
    try {
      const verifier = new Verifier(
        toTrustMaterial(EMPTY_TRUSTED_ROOT, () => ({ publicKey: key.keyObject, validFor: () => true })),
        { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
      );
      verifier.verify(entity);
      return { ok: true, keyId: key.keyId };
    } catch (error) {
      lastError = errorMessage(error);
    }
  }
  const trusted = keys.map((k) => k.keyId).join(', ');
  if (hinted.length > 0) {
    return { ok: false, reason: `the signature does not verify with trusted key ${named}: ${lastError}` };
  }
  return {
    ok: false,
    reason: `the bundle is signed by key ${named}, which is not a trusted key (trusted: ${trusted})`,
  };
}

function verifyKeyless(entity: SignedEntity, trust: KeylessTrust | undefined): SignatureCheck {
  if (trust === undefined) {
    return {
      ok: false,
      reason: 'the bundle is signed keyless (certificate), but no trusted root and identities were given',
    };
  }
  if (trust.identities.length === 0) {
    return { ok: false, reason: 'keyless verification needs at least one trusted identity' };
  }
  let signer;
  try {
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trust.trustedRoot)), {
      tlogThreshold: trust.tlogThreshold ?? 1,
      ctlogThreshold: trust.ctlogThreshold ?? 1,
      timestampThreshold: 1,
    });
    signer = verifier.verify(entity);
  } catch (error) {
    return { ok: false, reason: `keyless verification failed: ${errorMessage(error)}` };
  }
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const subject = signer.identity?.subjectAlternativeName ?? '';
  const accepted = trust.identities.some(
    (id) =>
      id.issuer === issuer &&
      (id.subject !== undefined
        ? id.subject === subject
        : id.subjectRegExp !== undefined && new RegExp(`^(?:${id.subjectRegExp})$`).test(subject)),
  );
  if (!accepted) {
    return {
      ok: false,
      reason: `the certificate identity ${subject} (issuer ${issuer}) is not a trusted identity`,
    };
  }
  return { ok: true, keyId: keyIdOf(signer.key), identity: { issuer, subject } };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
