import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES } from '../oci/types.js';
import { generateSigningKeyPair, loadSigningKey, type SigningKey } from './keys.js';
import { createKeySigner, signStatement, type SigstoreBundleJson } from './sign.js';
import {
  APPROVAL_PREDICATE_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  PUBLISH_PREDICATE_TYPE,
  createApprovalStatement,
  createPublishStatement,
  createStatement,
} from './statement.js';
import { verifyBundle, verifyWithKey } from './verify.js';

const digestOf = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const DIGEST = digestOf('manifest-1');
const OTHER_DIGEST = digestOf('manifest-2');
const REPO = '127.0.0.1:5000/acme/llm';

let acme: SigningKey;
let mallory: SigningKey;
let bundle: SigstoreBundleJson;

beforeAll(async () => {
  acme = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
  mallory = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
  bundle = await signStatement(publish(DIGEST), createKeySigner(acme));
});

function publish(digest: string) {
  return createPublishStatement({
    repository: REPO,
    manifestDigest: digest,
    app: 'llm',
    version: '1.0.0',
    publisher: 'acme',
  });
}

/** Deep copy with the DSSE payload or signature bytes replaced. */
function withEnvelope(
  source: SigstoreBundleJson,
  edit: { payload?: Buffer; sig?: Buffer; payloadType?: string },
): SigstoreBundleJson {
  const copy = structuredClone(source);
  const env = copy.dsseEnvelope!;
  if (edit.payload) env.payload = edit.payload.toString('base64');
  if (edit.payloadType) env.payloadType = edit.payloadType;
  if (edit.sig) env.signatures[0]!.sig = edit.sig.toString('base64');
  return copy;
}

const payloadOf = (b: SigstoreBundleJson): Buffer => Buffer.from(b.dsseEnvelope!.payload, 'base64');
const sigOf = (b: SigstoreBundleJson): Buffer => Buffer.from(b.dsseEnvelope!.signatures[0]!.sig, 'base64');

describe('signStatement with a key', () => {
  it('produces a v0.3 DSSE bundle over the in-toto statement, naming the key id', () => {
    expect(bundle.mediaType).toBe(MEDIA_TYPES.sigstoreBundle);
    expect(bundle.dsseEnvelope?.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(bundle.verificationMaterial.publicKey?.hint).toBe(acme.keyId);
    expect(bundle.dsseEnvelope?.signatures[0]?.keyid).toBe(acme.keyId);
    const statement = JSON.parse(payloadOf(bundle).toString());
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject).toEqual([{ name: REPO, digest: { sha256: DIGEST.slice(7) } }]);
    expect(statement.predicate).toEqual({
      app: 'llm',
      version: '1.0.0',
      publisher: 'acme',
      repository: REPO,
    });
  });
});

describe('verifyBundle', () => {
  it('round-trips: a bundle verifies with the signing key and returns the statement', () => {
    const result = verifyWithKey(acme.publicKey, bundle, {
      expectedSubjectDigest: DIGEST,
      expectedPredicateType: PUBLISH_PREDICATE_TYPE,
    });
    expect(result).toMatchObject({ ok: true, keyId: acme.keyId });
    expect(result.ok && result.statement.predicateType).toBe(PUBLISH_PREDICATE_TYPE);
    // Also from the stored bytes, as read back from a registry.
    const fromText = verifyBundle(JSON.stringify(bundle), {
      trustedKeys: [acme.publicKey],
      expectedSubjectDigest: DIGEST,
    });
    expect(fromText.ok).toBe(true);
  });

  it('picks the trusted key by id among several', () => {
    const result = verifyBundle(bundle, {
      trustedKeys: [mallory.publicKey, acme.publicKey],
      expectedSubjectDigest: DIGEST,
    });
    expect(result).toMatchObject({ ok: true, keyId: acme.keyId });
  });

  const tampered: Array<[string, () => SigstoreBundleJson]> = [
    [
      'a changed payload',
      () => {
        const p = payloadOf(bundle);
        p[10] = p[10]! ^ 0x01;
        return withEnvelope(bundle, { payload: p });
      },
    ],
    [
      'a payload re-signed for another digest but carrying the old signature',
      () => withEnvelope(bundle, { payload: Buffer.from(JSON.stringify(publish(OTHER_DIGEST))) }),
    ],
    [
      'a changed signature',
      () => {
        const s = sigOf(bundle);
        s[s.length - 1] = s[s.length - 1]! ^ 0x80;
        return withEnvelope(bundle, { sig: s });
      },
    ],
    ['a changed payload type', () => withEnvelope(bundle, { payloadType: 'application/json' })],
    ['not a bundle at all', () => ({ hello: 'world' }) as unknown as SigstoreBundleJson],
  ];
  it.each(tampered)('rejects %s as SIGNATURE_INVALID', (_name, make) => {
    const result = verifyWithKey(acme.publicKey, make(), { expectedSubjectDigest: DIGEST });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.code).toBe('SIGNATURE_INVALID');
  });

  it('rejects a bundle signed by an untrusted key, naming that key id', async () => {
    const forged = await signStatement(publish(DIGEST), createKeySigner(mallory));
    const result = verifyWithKey(acme.publicKey, forged, { expectedSubjectDigest: DIGEST });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('SIGNATURE_INVALID');
    expect(result.reason).toContain(mallory.keyId);
  });

  it('rejects an untrusted key that lies about its key id', async () => {
    const forged = await signStatement(publish(DIGEST), {
      ...createKeySigner(mallory),
      signer: {
        sign: async (data) => ({
          ...(await createKeySigner(mallory).signer.sign(data)),
          key: { $case: 'publicKey', publicKey: '', hint: acme.keyId },
        }),
      },
    });
    expect(forged.verificationMaterial.publicKey?.hint).toBe(acme.keyId);
    const result = verifyWithKey(acme.publicKey, forged, { expectedSubjectDigest: DIGEST });
    expect(!result.ok && result.code).toBe('SIGNATURE_INVALID');
  });

  it('reports SUBJECT_MISMATCH when the statement is for another digest', () => {
    const result = verifyWithKey(acme.publicKey, bundle, { expectedSubjectDigest: OTHER_DIGEST });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('SUBJECT_MISMATCH');
    expect(result.reason).toContain(OTHER_DIGEST);
    expect(result.keyId).toBe(acme.keyId);
  });

  it('does not accept a digest that merely shares a prefix or differs in case', async () => {
    const hex = DIGEST.slice(7);
    const sneaky = await signStatement(
      createStatement({
        subject: [{ name: REPO, digest: { sha256: hex.slice(0, 63) + (hex.endsWith('0') ? '1' : '0') } }],
        predicateType: PUBLISH_PREDICATE_TYPE,
        predicate: {},
      }),
      createKeySigner(acme),
    );
    expect(verifyWithKey(acme.publicKey, sneaky, { expectedSubjectDigest: DIGEST })).toMatchObject({
      ok: false,
      code: 'SUBJECT_MISMATCH',
    });
  });

  it('reports PREDICATE_TYPE_MISMATCH when another attestation was expected', () => {
    const result = verifyWithKey(acme.publicKey, bundle, {
      expectedSubjectDigest: DIGEST,
      expectedPredicateType: APPROVAL_PREDICATE_TYPE,
    });
    expect(result).toMatchObject({ ok: false, code: 'PREDICATE_TYPE_MISMATCH' });
  });

  it('refuses a keyless bundle when no trusted root is configured', () => {
    const keyless = structuredClone(bundle);
    keyless.verificationMaterial = {
      ...keyless.verificationMaterial,
      publicKey: undefined,
      certificate: { rawBytes: Buffer.from('not a cert').toString('base64') },
    } as unknown as SigstoreBundleJson['verificationMaterial'];
    const result = verifyWithKey(acme.publicKey, keyless, { expectedSubjectDigest: DIGEST });
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('signs and verifies the approval attestation', async () => {
    const approval = createApprovalStatement({
      approver: 'ops@example.com',
      approvedAt: new Date('2025-01-02T03:04:05Z'),
      sourceRepository: REPO,
      destinationRepository: '127.0.0.1:5000/release/llm',
      manifestDigest: DIGEST,
      releaseTag: '1.0.0',
    });
    const signed = await signStatement(approval, createKeySigner(acme));
    const result = verifyWithKey(acme.publicKey, signed, {
      expectedSubjectDigest: DIGEST,
      expectedPredicateType: APPROVAL_PREDICATE_TYPE,
    });
    expect(result.ok && result.statement.predicate).toEqual({
      approver: 'ops@example.com',
      approved_at: '2025-01-02T03:04:05.000Z',
      source_repository: REPO,
      destination_repository: '127.0.0.1:5000/release/llm',
      manifest_digest: DIGEST,
      release_tag: '1.0.0',
    });
  });
});

describe('verifyBundle property', () => {
  it('fails for any single-byte change to the signature or the payload', () => {
    const payload = payloadOf(bundle);
    const sig = sigOf(bundle);
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), (inPayload, position, xor) => {
        const bytes = Buffer.from(inPayload ? payload : sig);
        const at = position % bytes.length;
        bytes[at] = bytes[at]! ^ xor;
        const edited = withEnvelope(bundle, inPayload ? { payload: bytes } : { sig: bytes });
        const result = verifyWithKey(acme.publicKey, edited, { expectedSubjectDigest: DIGEST });
        return !result.ok && result.code === 'SIGNATURE_INVALID';
      }),
      { numRuns: 300 },
    );
  });
});
