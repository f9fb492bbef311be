/**
 * The TLS identity a remote node serves its runtimes with (runtime-forward.ts). The agent makes
 * a P-256 key and a self-signed certificate once, keeps them in its state folder (the key 0600),
 * and registers the certificate's SHA-256 with the platform, which pins every connection to it:
 * no CA, no names to check, so the certificate carries nothing but the key. Rotation: delete the
 * two files (or let the certificate come within ROTATE_BEFORE_MS of its end) and restart the
 * agent; it registers the new fingerprint, which replaces the old at once (docs/scale-out.md).
 *
 * The certificate is encoded here (a few DER structures) rather than with a library: Node's
 * crypto signs and parses X.509 but has no builder, and none is a dependency of the agent.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RuntimeTls {
  /** PEM. */
  key: string;
  /** PEM. */
  cert: string;
  /** SHA-256 of the certificate's DER, lowercase hex: what the node registers. */
  sha256: string;
}

/** How long a certificate made here is valid. */
const VALID_MS = 5 * 365 * 24 * 3600_000;
/** A certificate this close to its end is replaced at start. */
const ROTATE_BEFORE_MS = 30 * 24 * 3600_000;

// DER: tag, length, contents (X.690 §8.1).
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const seq = (...c: Buffer[]) => der(0x30, ...c);
const oid = (hex: string) => der(0x06, Buffer.from(hex, 'hex'));
const ECDSA_WITH_SHA256 = seq(oid('2a8648ce3d040302')); // 1.2.840.10045.4.3.2, no parameters
const COMMON_NAME = oid('550403'); // 2.5.4.3

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(at: Date): Buffer {
  const iso = at.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return at.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

function name(commonName: string): Buffer {
  return seq(der(0x31, seq(COMMON_NAME, der(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** A v3 self-signed certificate for `key` (P-256), valid from an hour ago for VALID_MS. */
export function selfSignedCertificate(key: KeyObject, commonName: string, now = new Date()): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and minimal (RFC 5280 §4.1.2.2)
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))), // [0] version v3
    der(0x02, serial),
    ECDSA_WITH_SHA256,
    name(commonName),
    seq(time(new Date(now.getTime() - 3600_000)), time(new Date(now.getTime() + VALID_MS))),
    name(commonName),
    spki,
  );
  const signature = sign('sha256', tbs, key); // DER ECDSA-Sig-Value
  const cert = seq(tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0]), signature));
  const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/** The hex SHA-256 of a PEM certificate's DER. */
export function certificateSha256(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

/**
 * The node's runtime TLS identity from `dir` (the agent's state folder), made there the first
 * time and again when the kept one is unreadable or near its end.
 */
export async function loadRuntimeTls(dir: string, commonName: string, now = new Date()): Promise<RuntimeTls> {
  const keyPath = join(dir, 'runtime-tls.key');
  const certPath = join(dir, 'runtime-tls.crt');
  try {
    const [key, cert] = await Promise.all([readFile(keyPath, 'utf8'), readFile(certPath, 'utf8')]);
    const parsed = new X509Certificate(cert);
    const fresh = Date.parse(parsed.validTo) - now.getTime() > ROTATE_BEFORE_MS;
    if (fresh && parsed.checkPrivateKey(createPrivateKey(key))) {
      return { key, cert, sha256: certificateSha256(cert) };
    }
  } catch {
    // None yet, or unreadable or damaged: replaced below; the platform learns it at registration.
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = selfSignedCertificate(privateKey, commonName, now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written aside and renamed: a crash never leaves a key without its certificate or half a file.
  await writeFile(`${keyPath}.tmp`, key, { mode: 0o600 });
  await writeFile(`${certPath}.tmp`, cert, { mode: 0o644 });
  await rename(`${keyPath}.tmp`, keyPath);
  await rename(`${certPath}.tmp`, certPath);
  return { key, cert, sha256: certificateSha256(cert) };
}
