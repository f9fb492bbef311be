/**
 * Keyless signing end to end against @sigstore/mock's Fulcio (with its CT log) and Rekor
 * handlers, served over real HTTP on an ephemeral port (the mock's own setup is nock-based), with
 * a trusted root built from the mock's keys.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
  type HandlerFn,
} from '@sigstore/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { evaluateTrustPolicy } from './evaluate.js';
import { createKeylessSigner, signStatement, type SigstoreBundleJson } from './sign.js';
import { PUBLISH_PREDICATE_TYPE, createPublishStatement } from './statement.js';
import { parseTrustPolicy } from './trust-policy.js';
import { verifyBundle, type KeylessTrust } from './verify.js';

const ISSUER = 'https://token.actions.example.com';
const SUBJECT = 'https://github.com/acme/llm/.github/workflows/release.yml@refs/heads/main';
const DIGEST = `sha256:${createHash('sha256').update('keyless artifact').digest('hex')}`;
const START = '2000-01-01T00:00:00Z';

let server: Server;
let baseURL: string;
let trustedRoot: Record<string, unknown>;
let bundle: SigstoreBundleJson;
let dir: string;

function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/**
 * The mock logs a proposed entry verbatim, but real Rekor turns a proposed `dsse` entry into its
 * canonical body (signatures with their verifiers, payload and envelope hashes), which is what
 * verifiers compare the bundle with. Do that transformation here so the default entry type can be
 * verified end to end.
 */
function asRekorWouldStore(body: string): string {
  const proposed = JSON.parse(body) as {
    kind: string;
    apiVersion: string;
    spec: { proposedContent?: { envelope: string; verifiers: string[] } };
  };
  const content = proposed.spec.proposedContent;
  if (proposed.kind !== 'dsse' || content === undefined) return body;
  const envelope = JSON.parse(content.envelope) as { payload: string; signatures: Array<{ sig: string }> };
  const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
  return JSON.stringify({
    apiVersion: proposed.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((sig, i) => ({
        signature: sig.sig,
        verifier: content.verifiers[i],
      })),
    },
  });
}

const b64 = (bytes: ArrayBufferView | Buffer): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-keyless-'));
  const routes = new Map<string, HandlerFn>();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fn = req.method === 'POST' ? routes.get(req.url ?? '') : undefined;
      if (!fn) {
        res.writeHead(404).end();
        return;
      }
      void fn(Buffer.concat(chunks).toString('utf8')).then(({ statusCode, response, contentType }) => {
        res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
        res.end(typeof response === 'string' ? response : Buffer.from(response.buffer));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctlog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctlog);
  const fulcio = fulcioHandler(ca);
  routes.set(fulcio.path, fulcio.fn);
  const tlogKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const tlog = await initializeTLog(baseURL, tlogKeys);
  const rekor = rekorHandler(tlog);
  routes.set(rekor.path, (body) => rekor.fn(asRekorWouldStore(body)));

  const logKey = (der: Buffer, id: Buffer | ArrayBufferView, url: string) => ({
    baseUrl: url,
    hashAlgorithm: 'SHA2_256',
    publicKey: { rawBytes: b64(der), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: START } },
    logId: { keyId: b64(id) },
  });
  trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logKey(tlog.publicKey, createHash('sha256').update(tlog.publicKey).digest(), baseURL)],
    certificateAuthorities: [
      {
        subject: { organization: 'mock', commonName: 'mock' },
        uri: baseURL,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: START },
      },
    ],
    ctlogs: [logKey(ctlog.publicKey, ctlog.logID, 'https://ctfe.mock')],
    timestampAuthorities: [],
  };

  const signer = createKeylessSigner({
    fulcioURL: baseURL,
    rekorURL: baseURL,
    identityToken: () => Promise.resolve(unsignedJwt({ iss: ISSUER, sub: SUBJECT, aud: 'sigstore' })),
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
  await new Promise((resolve) => server.close(resolve));
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
