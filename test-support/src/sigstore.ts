/**
 * @sigstore/mock's Fulcio (with its CT log) and Rekor handlers served over real HTTP on an
 * ephemeral port (the mock's own setup is nock-based), and a trusted root built from the mock's
 * keys: what keyless signing and verification tests run against.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
  type HandlerFn,
} from '@sigstore/mock';

export const MOCK_ISSUER = 'https://token.actions.example.com';
export const MOCK_SUBJECT = 'https://github.com/acme/llm/.github/workflows/release.yml@refs/heads/main';
const START = '2000-01-01T00:00:00Z';

export interface MockSigstore {
  /** Fulcio and Rekor both answer here. */
  baseURL: string;
  trustedRoot: Record<string, unknown>;
  close(): Promise<void>;
}

/** An identity token as Fulcio's mock reads it (it checks no signature). */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** A token for the default mock identity. */
export const mockIdentityToken = (): string =>
  unsignedJwt({ iss: MOCK_ISSUER, sub: MOCK_SUBJECT, aud: 'sigstore' });

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

export async function startMockSigstore(): Promise<MockSigstore> {
  const routes = new Map<string, HandlerFn>();
  const server: Server = createServer((req, res) => {
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
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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
  const trustedRoot = {
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

  return {
    baseURL,
    trustedRoot,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
