/**
 * Keyless signing end to end against @sigstore/mock's Fulcio (with its CT log) and Rekor, served
 * over real HTTP (@gpuaas/test-support/sigstore), with a trusted root built from the mock's keys.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { evaluateTrustPolicy } from './evaluate.js';
import { createKeylessSigner, signStatement, type SigstoreBundleJson } from './sign.js';
import { PUBLISH_PREDICATE_TYPE, createPublishStatement } from './statement.js';
import { parseTrustPolicy } from './trust-policy.js';
import { verifyBundle, type KeylessTrust } from './verify.js';
import {
  MOCK_ISSUER,
  MOCK_SUBJECT,
  mockIdentityToken,
  startMockSigstore,
  unsignedJwt,
  type MockSigstore,
} from '@gpuaas/test-support/sigstore';

const ISSUER = MOCK_ISSUER;
const SUBJECT = MOCK_SUBJECT;
const DIGEST = `sha256:${createHash('sha256').update('keyless artifact').digest('hex')}`;

let mock: MockSigstore;
let baseURL: string;
let trustedRoot: Record<string, unknown>;
let bundle: SigstoreBundleJson;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-keyless-'));
  mock = await startMockSigstore();
  ({ baseURL, trustedRoot } = mock);

  const signer = createKeylessSigner({
    fulcioURL: baseURL,
    rekorURL: baseURL,
    identityToken: () => Promise.resolve(mockIdentityToken()),
    retries: 0,
  });
  bundle = await signStatement(
    createPublishStatement({
      repository: 'r.io/acme/llm',
      manifestDigest: DIGEST,
      app: 'llm',
      version: '1.0.0',
      publisher: 'acme',
    }),
    signer,
  );
});

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

const trust = (identities: KeylessTrust['identities']): KeylessTrust => ({ trustedRoot, identities });

describe('keyless signing and verification (mock Fulcio + Rekor)', () => {
  it('produces a bundle with a Fulcio certificate and a Rekor entry', () => {
    expect(bundle.verificationMaterial.certificate?.rawBytes).toBeTruthy();
    expect(bundle.verificationMaterial.publicKey).toBeUndefined();
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
    expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('dsse');
  });

  it('verifies against the trusted root and a matching identity', () => {
    const result = verifyBundle(bundle, {
      keyless: trust([{ issuer: ISSUER, subject: SUBJECT }]),
      expectedSubjectDigest: DIGEST,
      expectedPredicateType: PUBLISH_PREDICATE_TYPE,
    });
    expect(result).toMatchObject({ ok: true, identity: { issuer: ISSUER, subject: SUBJECT } });
  });

  it('accepts a subject regular expression, anchored to the whole subject', () => {
    const ok = verifyBundle(bundle, {
      keyless: trust([{ issuer: ISSUER, subjectRegExp: 'https://github\\.com/acme/.*' }]),
      expectedSubjectDigest: DIGEST,
    });
    expect(ok.ok).toBe(true);
    const partial = verifyBundle(bundle, {
      keyless: trust([{ issuer: ISSUER, subjectRegExp: 'acme' }]),
      expectedSubjectDigest: DIGEST,
    });
    expect(partial).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['another subject', { issuer: ISSUER, subject: 'https://github.com/mallory/x' }],
    ['another issuer', { issuer: 'https://accounts.example.com', subject: SUBJECT }],
  ])('refuses %s as SIGNATURE_INVALID', (_name, identity) => {
    const result = verifyBundle(bundle, { keyless: trust([identity]), expectedSubjectDigest: DIGEST });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('SIGNATURE_INVALID');
    expect(!result.ok && result.reason).toContain(SUBJECT);
  });

  it('refuses it without keyless trust, and with an unrelated trusted root', () => {
    expect(verifyBundle(bundle, { trustedKeys: [], expectedSubjectDigest: DIGEST })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    const otherCa = structuredClone(trustedRoot);
    (otherCa.certificateAuthorities as unknown[]) = [];
    const result = verifyBundle(bundle, {
      keyless: { trustedRoot: otherCa, identities: [{ issuer: ISSUER, subject: SUBJECT }] },
      expectedSubjectDigest: DIGEST,
    });
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('detects a tampered payload and a wrong digest', () => {
    const tampered = structuredClone(bundle);
    const payload = Buffer.from(tampered.dsseEnvelope!.payload, 'base64');
    payload[5] = payload[5]! ^ 1;
    tampered.dsseEnvelope!.payload = payload.toString('base64');
    const identities = [{ issuer: ISSUER, subject: SUBJECT }];
    expect(
      verifyBundle(tampered, { keyless: trust(identities), expectedSubjectDigest: DIGEST }),
    ).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    const other = `sha256:${'0'.repeat(64)}`;
    expect(verifyBundle(bundle, { keyless: trust(identities), expectedSubjectDigest: other })).toMatchObject({
      ok: false,
      code: 'SUBJECT_MISMATCH',
    });
  });

  it('works as a keyless authority in a trust policy file', async () => {
    await writeFile(path.join(dir, 'trusted_root.json'), JSON.stringify(trustedRoot));
    const parsed = parseTrustPolicy(
      `version: 1
keys:
  acme-ci:
    keyless:
      trustedRoot: ./trusted_root.json
      identities: [{ issuer: "${ISSUER}", subjectRegExp: "https://github\\\\.com/acme/.*" }]
policies:
  - { name: acme, scopes: ["r.io/acme/*"], signatures: { authorities: [acme-ci] } }
`,
      { baseDir: dir },
    );
    expect(parsed.errors).toEqual([]);
    const decision = evaluateTrustPolicy(parsed.value!, {
      repository: 'r.io/acme/llm',
      manifestDigest: DIGEST,
      bundles: [{ bundle }],
    });
    expect(decision).toMatchObject({
      allowed: true,
      verified: [expect.objectContaining({ authority: 'acme-ci' })],
    });
  });

  it('reports SIGNING_FAILED when Fulcio refuses', async () => {
    const signer = createKeylessSigner({
      fulcioURL: `${baseURL}/nowhere`,
      rekorURL: baseURL,
      identityToken: unsignedJwt({ iss: ISSUER, sub: SUBJECT }),
      retries: 0,
    });
    const error = await signStatement(
      createPublishStatement({
        repository: 'r/a',
        manifestDigest: DIGEST,
        app: 'a',
        version: '1',
        publisher: 'p',
      }),
      signer,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe('SIGNING_FAILED');
  });
});
