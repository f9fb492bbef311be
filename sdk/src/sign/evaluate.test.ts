import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SdkErrorCode } from '../errors.js';
import { MEDIA_TYPES } from '../oci/types.js';
import { evaluateTrustPolicy } from './evaluate.js';
import { generateSigningKeyPair, loadSigningKey, type SigningKey } from './keys.js';
import { createKeySigner, signStatement, type SigstoreBundleJson } from './sign.js';
import { APPROVAL_PREDICATE_TYPE, createApprovalStatement, createPublishStatement } from './statement.js';
import { parseTrustPolicy, type TrustPolicy } from './trust-policy.js';

const digestOf = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const DIGEST = digestOf('the artifact');
const OTHER = digestOf('another artifact');

type Signer = 'acme' | 'acmeCi' | 'platform' | 'mallory';
const keys = {} as Record<Signer, SigningKey>;
let policy: TrustPolicy;

// Bundles by name: `<kind>:<signer>[:other]` — publish or approval, over DIGEST or OTHER.
const bundles = new Map<string, SigstoreBundleJson>();
const NAMES = [
  'publish:acme',
  'publish:acmeCi',
  'publish:mallory',
  'publish:acme:other',
  'approval:platform',
  'approval:mallory',
  'approval:acme',
  'approval:platform:other',
];

beforeAll(async () => {
  for (const name of ['acme', 'acmeCi', 'platform', 'mallory'] as const) {
    keys[name] = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
  }
  const pem = (k: SigningKey): string => JSON.stringify(k.publicKey.pem);
  const parsed = parseTrustPolicy(
    `version: 1
keys:
  acme: { publicKey: ${pem(keys.acme)} }
  acme-ci: { publicKey: ${pem(keys.acmeCi)} }
  platform: { publicKey: ${pem(keys.platform)} }
policies:
  - name: acme-apps
    scopes: ["r.io/acme/*", "127.0.0.1:5000/acme/**"]
    signatures: { authorities: [acme, acme-ci] }
  - name: approved-releases
    scopes: ["r.io/acme/release-*"]
    attestations:
      - { predicateType: ${APPROVAL_PREDICATE_TYPE}, authorities: [platform] }
`,
    { baseDir: '.' },
  );
  expect(parsed.errors).toEqual([]);
  policy = parsed.value!;

  for (const name of NAMES) {
    const [kind, signer, other] = name.split(':') as ['publish' | 'approval', Signer, string | undefined];
    const digest = other ? OTHER : DIGEST;
    const statement =
      kind === 'publish'
        ? createPublishStatement({
            repository: 'r.io/acme/llm',
            manifestDigest: digest,
            app: 'llm',
            version: '1.0.0',
            publisher: 'acme',
          })
        : createApprovalStatement({
            approver: 'ops',
            approvedAt: '2025-01-01T00:00:00Z',
            sourceRepository: 'r.io/acme/llm',
            destinationRepository: 'r.io/acme/release-llm',
            manifestDigest: digest,
          });
    bundles.set(name, await signStatement(statement, createKeySigner(keys[signer])));
  }
});

interface Case {
  repository: string;
  /** Bundle names, or 'garbage' for an unreadable one. */
  given: string[];
  want: { allowed: boolean; code?: SdkErrorCode; policies: Record<string, boolean>; reason?: RegExp };
}

const cases: Array<[string, Case]> = [
  [
    'no policy matches',
    {
      repository: 'r.io/other/app',
      given: ['publish:acme'],
      want: { allowed: false, code: 'POLICY_NO_MATCH', policies: {} },
    },
  ],
  [
    '* does not cross "/"',
    {
      repository: 'r.io/acme/team/llm',
      given: ['publish:acme'],
      want: { allowed: false, code: 'POLICY_NO_MATCH', policies: {} },
    },
  ],
  [
    'no bundles at all',
    {
      repository: 'r.io/acme/llm',
      given: [],
      want: { allowed: false, code: 'SIGNATURE_NOT_FOUND', policies: { 'acme-apps': false } },
    },
  ],
  [
    'signed by the publisher',
    {
      repository: 'r.io/acme/llm',
      given: ['publish:acme'],
      want: { allowed: true, policies: { 'acme-apps': true } },
    },
  ],
  [
    'any listed authority suffices',
    {
      repository: 'r.io/acme/llm',
      given: ['publish:acmeCi'],
      want: { allowed: true, policies: { 'acme-apps': true } },
    },
  ],
  [
    '** crosses "/"',
    {
      repository: '127.0.0.1:5000/acme/team/llm',
      given: ['publish:acme'],
      want: { allowed: true, policies: { 'acme-apps': true } },
    },
  ],
  [
    '** matches zero segments',
    {
      repository: '127.0.0.1:5000/acme',
      given: ['publish:acme'],
      want: { allowed: true, policies: { 'acme-apps': true } },
    },
  ],
  [
    'a lookalike scope does not match',
    {
      repository: '127.0.0.1:5000/acmex/llm',
      given: ['publish:acme'],
      want: { allowed: false, code: 'POLICY_NO_MATCH', policies: {} },
    },
  ],
  [
    'signed by an untrusted key',
    {
      repository: 'r.io/acme/llm',
      given: ['publish:mallory'],
      want: {
        allowed: false,
        code: 'SIGNATURE_INVALID',
        policies: { 'acme-apps': false },
        reason: /not a trusted key/,
      },
    },
  ],
  [
    'trusted signature over another digest',
    {
      repository: 'r.io/acme/llm',
      given: ['publish:acme:other'],
      want: { allowed: false, code: 'SUBJECT_MISMATCH', policies: { 'acme-apps': false } },
    },
  ],
  [
    'an unreadable bundle beside a good one',
    {
      repository: 'r.io/acme/llm',
      given: ['garbage', 'publish:acme'],
      want: { allowed: true, policies: { 'acme-apps': true } },
    },
  ],
  [
    'only unreadable bundles',
    {
      repository: 'r.io/acme/llm',
      given: ['garbage'],
      want: { allowed: false, code: 'SIGNATURE_INVALID', policies: { 'acme-apps': false } },
    },
  ],
  [
    'two matching policies, both pass',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:acme', 'approval:platform'],
      want: { allowed: true, policies: { 'acme-apps': true, 'approved-releases': true } },
    },
  ],
  [
    'two matching policies, approval missing',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:acme'],
      want: {
        allowed: false,
        code: 'ATTESTATION_MISSING',
        policies: { 'acme-apps': true, 'approved-releases': false },
        reason: /approval\/v1 signed by platform is missing/,
      },
    },
  ],
  [
    'approval signed by an untrusted key',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:acme', 'approval:mallory'],
      want: {
        allowed: false,
        code: 'ATTESTATION_MISSING',
        policies: { 'acme-apps': true, 'approved-releases': false },
      },
    },
  ],
  [
    'approval signed by the wrong (but trusted) authority',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:acme', 'approval:acme'],
      want: {
        allowed: false,
        code: 'ATTESTATION_MISSING',
        policies: { 'acme-apps': true, 'approved-releases': false },
      },
    },
  ],
  [
    'approval for another digest',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:acme', 'approval:platform:other'],
      want: {
        allowed: false,
        code: 'SUBJECT_MISMATCH',
        policies: { 'acme-apps': true, 'approved-releases': false },
      },
    },
  ],
  [
    'the signature failing outranks the missing attestation',
    {
      repository: 'r.io/acme/release-llm',
      given: ['publish:mallory'],
      want: {
        allowed: false,
        code: 'SIGNATURE_INVALID',
        policies: { 'acme-apps': false, 'approved-releases': false },
      },
    },
  ],
  [
    'a signature by the approval authority alone is not enough for acme-apps',
    {
      repository: 'r.io/acme/release-llm',
      given: ['approval:platform'],
      want: {
        allowed: false,
        code: 'SIGNATURE_INVALID',
        policies: { 'acme-apps': false, 'approved-releases': true },
      },
    },
  ],
];

describe('evaluateTrustPolicy', () => {
  it.each(cases)('%s', (_name, { repository, given, want }) => {
    const input = given.map((name) => ({
      bundle: name === 'garbage' ? { not: 'a bundle' } : bundles.get(name)!,
    }));
    const decision = evaluateTrustPolicy(policy, { repository, manifestDigest: DIGEST, bundles: input });
    expect(decision.allowed).toBe(want.allowed);
    expect(decision.code).toBe(want.code);
    expect(Object.fromEntries(decision.policies.map((p) => [p.name, p.passed]))).toEqual(want.policies);
    if (want.allowed) expect(decision.reasons).toEqual([]);
    else expect(decision.reasons.length).toBeGreaterThan(0);
    if (want.reason) expect(decision.reasons.join('\n')).toMatch(want.reason);
  });

  it('names the untrusted key id and the bundle descriptor in its reasons', () => {
    const descriptor = { mediaType: MEDIA_TYPES.sigstoreBundle, digest: digestOf('bundle blob'), size: 1 };
    const decision = evaluateTrustPolicy(policy, {
      repository: 'r.io/acme/llm',
      manifestDigest: DIGEST,
      bundles: [{ descriptor, bundle: bundles.get('publish:mallory') }],
    });
    const text = decision.reasons.join('\n');
    expect(text).toContain(keys.mallory.keyId);
    expect(text).toContain(descriptor.digest);
    expect(text).toMatch(/^acme-apps: /);
  });

  it('lists which authority verified which bundle', () => {
    const decision = evaluateTrustPolicy(policy, {
      repository: 'r.io/acme/release-llm',
      manifestDigest: DIGEST,
      bundles: [{ bundle: bundles.get('publish:acme') }, { bundle: bundles.get('approval:platform') }],
    });
    expect(decision.verified).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bundle: 0, authority: 'acme', keyId: keys.acme.keyId }),
        expect.objectContaining({ bundle: 1, authority: 'platform', predicateType: APPROVAL_PREDICATE_TYPE }),
      ]),
    );
  });
});
