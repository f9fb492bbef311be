/**
 * in-toto v1 statements: what a GPUaaS signature says. The subject of every statement is the
 * artifact's manifest digest, so a signature can never be moved to other content; the subject
 * name records the repository it was signed in, but verification checks only the digest because
 * promotion copies the artifact (same digest) into another repository.
 */
import { SdkError } from '../errors.js';

export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** Predicate type of the publisher's signature over an app artifact. */
export const PUBLISH_PREDICATE_TYPE = 'https://gpuaas.dev/attestations/publish/v1';
/** Predicate type of the platform's approval attestation, written when an operator approves. */
export const APPROVAL_PREDICATE_TYPE = 'https://gpuaas.dev/attestations/approval/v1';

// Older in-toto producers (cosign attest) still emit v0.1; the fields we read are the same.
const ACCEPTED_STATEMENT_TYPES: readonly string[] = [
  IN_TOTO_STATEMENT_TYPE,
  'https://in-toto.io/Statement/v0.1',
];

export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

export interface InTotoStatement<P = unknown> {
  _type: typeof IN_TOTO_STATEMENT_TYPE;
  subject: StatementSubject[];
  predicateType: string;
  predicate: P;
}

/** Predicate of {@link PUBLISH_PREDICATE_TYPE}. */
export interface PublishPredicate {
  app: string;
  version: string;
  publisher: string;
  /** `host/repository` the artifact was published to. */
  repository: string;
}

/** Predicate of {@link APPROVAL_PREDICATE_TYPE}. */
export interface ApprovalPredicate {
  approver: string;
  /** RFC 3339 time of the approval. */
  approved_at: string;
  source_repository: string;
  destination_repository: string;
  /** `sha256:<hex>` of the approved manifest. */
  manifest_digest: string;
  release_tag?: string;
}

const SHA256_HEX = /^[a-f0-9]{64}$/;

/** Returns the lowercase hex of a `sha256:<hex>` (or bare hex) digest; throws `REFERENCE_INVALID`. */
export function sha256Hex(digest: string): string {
  const hex = digest.startsWith('sha256:') ? digest.slice('sha256:'.length) : digest;
  if (!SHA256_HEX.test(hex)) {
    throw new SdkError('REFERENCE_INVALID', `digest "${digest}" is not sha256:<64 lowercase hex digits>`, {
      details: { digest },
    });
  }
  return hex;
}

/** The statement subject naming an artifact: `{ name: "<registry>/<repo>", digest: { sha256 } }`. */
export function subjectForManifest(repository: string, manifestDigest: string): StatementSubject {
  return { name: repository, digest: { sha256: sha256Hex(manifestDigest) } };
}

/**
 * Builds an in-toto v1 statement.
 *
 * @example
 * createStatement({
 *   subject: [subjectForManifest('registry.example.com/acme/llm', 'sha256:…')],
 *   predicateType: PUBLISH_PREDICATE_TYPE,
 *   predicate: { app: 'llm', version: '1.2.0', publisher: 'acme', repository: 'registry.example.com/acme/llm' },
 * });
 */
export function createStatement<P>(input: {
  subject: readonly StatementSubject[];
  predicateType: string;
  predicate: P;
}): InTotoStatement<P> {
  if (input.subject.length === 0) {
    throw new SdkError('USAGE', 'an in-toto statement needs at least one subject');
  }
  for (const s of input.subject) {
    if (s.digest.sha256 !== undefined) sha256Hex(s.digest.sha256);
  }
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: input.subject.map((s) => ({ name: s.name, digest: { ...s.digest } })),
    predicateType: input.predicateType,
    predicate: input.predicate,
  };
}

/** The publisher's statement over an artifact's manifest digest. */
export function createPublishStatement(input: {
  repository: string;
  manifestDigest: string;
  app: string;
  version: string;
  publisher: string;
}): InTotoStatement<PublishPredicate> {
  return createStatement({
    subject: [subjectForManifest(input.repository, input.manifestDigest)],
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: {
      app: input.app,
      version: input.version,
      publisher: input.publisher,
      repository: input.repository,
    },
  });
}

/** The platform's approval attestation; its subject names the destination repository. */
export function createApprovalStatement(input: {
  approver: string;
  approvedAt: Date | string;
  sourceRepository: string;
  destinationRepository: string;
  manifestDigest: string;
  releaseTag?: string;
}): InTotoStatement<ApprovalPredicate> {
  const approvedAt = typeof input.approvedAt === 'string' ? input.approvedAt : input.approvedAt.toISOString();
  return createStatement<ApprovalPredicate>({
    subject: [subjectForManifest(input.destinationRepository, input.manifestDigest)],
    predicateType: APPROVAL_PREDICATE_TYPE,
    predicate: {
      approver: input.approver,
      approved_at: approvedAt,
      source_repository: input.sourceRepository,
      destination_repository: input.destinationRepository,
      manifest_digest: `sha256:${sha256Hex(input.manifestDigest)}`,
      ...(input.releaseTag === undefined ? {} : { release_tag: input.releaseTag }),
    },
  });
}

/** Parses a DSSE payload as an in-toto statement; returns a reason string when it is not one. */
export function parseStatement(payload: Buffer): InTotoStatement | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the DSSE payload is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'the DSSE payload is not a JSON object';
  }
  const record = value as Record<string, unknown>;
  if (typeof record._type !== 'string' || !ACCEPTED_STATEMENT_TYPES.includes(record._type)) {
    return `the payload _type ${JSON.stringify(record._type)} is not ${IN_TOTO_STATEMENT_TYPE}`;
  }
  if (typeof record.predicateType !== 'string' || record.predicateType === '') {
    return 'the statement has no predicateType';
  }
  const subject: unknown = record.subject;
  if (!Array.isArray(subject) || !subject.every(isSubject)) {
    return 'the statement subject is not a list of { name, digest }';
  }
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: subject.map((s: RawSubject) => ({ name: s.name ?? '', digest: s.digest })),
    predicateType: record.predicateType,
    predicate: record.predicate,
  };
}

interface RawSubject {
  name?: string;
  digest: Record<string, string>;
}

function isSubject(value: unknown): value is RawSubject {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  if (s.name !== undefined && typeof s.name !== 'string') return false;
  if (typeof s.digest !== 'object' || s.digest === null) return false;
  return Object.values(s.digest).every((d) => typeof d === 'string');
}

/** True when some subject entry carries exactly this sha256 (no prefix or case games). */
export function statementCoversDigest(statement: InTotoStatement, manifestDigest: string): boolean {
  const hex = sha256Hex(manifestDigest);
  return statement.subject.some((s) => s.digest.sha256 === hex);
}
