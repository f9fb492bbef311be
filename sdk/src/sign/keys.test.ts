import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import {
  generateSigningKeyPair,
  loadPublicKey,
  loadSigningKey,
  signingKeyFromEnv,
  writeKeyPair,
} from './keys.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    return (error as SdkError).code;
  }
  throw new Error('expected the call to fail');
}

describe('generateSigningKeyPair', () => {
  it('makes a P-256 key whose id is the sha256 of the SPKI DER', async () => {
    const pair = await generateSigningKeyPair();
    expect(pair.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(pair.publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
    const der = Buffer.from(pair.publicKeyPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    expect(pair.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    const loaded = await loadSigningKey(pair.privateKeyPem);
    expect(loaded.keyId).toBe(pair.keyId);
    expect(loaded.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('encrypts the private key with the passphrase', async () => {
    const pair = await generateSigningKeyPair({ passphrase: 'correct horse' });
    expect(pair.privateKeyPem).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    const loaded = await loadSigningKey(pair.privateKeyPem, { passphrase: 'correct horse' });
    expect(loaded.keyId).toBe(pair.keyId);
  });
});

describe('loadSigningKey', () => {
  it.each([
    ['wrong passphrase', 'battery staple', /wrong passphrase/],
    ['missing passphrase', undefined, /encrypted and no passphrase/],
  ])(
    'rejects an encrypted key with a %s as KEY_INVALID naming the file',
    async (_name, passphrase, message) => {
      const pair = await generateSigningKeyPair({ passphrase: 'correct horse' });
      const file = path.join(dir, 'enc.key');
      await writeFile(file, pair.privateKeyPem);
      const attempt = loadSigningKey(file, passphrase === undefined ? {} : { passphrase });
      await expect(attempt).rejects.toThrow(file);
      await expect(attempt).rejects.toThrow(message);
      expect(await codeOf(loadSigningKey(file, passphrase === undefined ? {} : { passphrase }))).toBe(
        'KEY_INVALID',
      );
    },
  );

  it.each([
    [
      'an RSA key',
      () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      /rsa keys are not supported/,
    ],
    ['a P-384 key', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, /secp384r1/],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey, /ed25519 keys are not supported/],
  ])('rejects %s with a clear KEY_INVALID', async (_name, make, message) => {
    const file = path.join(dir, 'other.key');
    await writeFile(file, String(make().export({ type: 'pkcs8', format: 'pem' })));
    await expect(loadSigningKey(file)).rejects.toThrow(message);
    expect(await codeOf(loadSigningKey(file))).toBe('KEY_INVALID');
  });

  it('rejects garbage and reports a missing file as NOT_FOUND', async () => {
    const file = path.join(dir, 'junk.key');
    await writeFile(file, 'not a key\n');
    expect(await codeOf(loadSigningKey(file))).toBe('KEY_INVALID');
    expect(await codeOf(loadSigningKey(path.join(dir, 'absent.key')))).toBe('NOT_FOUND');
  });

  it('reads GPUAAS_SIGNING_KEY as a path or as PEM, with GPUAAS_SIGNING_KEY_PASSWORD', async () => {
    const pair = await generateSigningKeyPair({ passphrase: 'pw' });
    const file = path.join(dir, 'env.key');
    await writeFile(file, pair.privateKeyPem);
    for (const value of [file, pair.privateKeyPem]) {
      const key = await signingKeyFromEnv({ GPUAAS_SIGNING_KEY: value, GPUAAS_SIGNING_KEY_PASSWORD: 'pw' });
      expect(key?.keyId).toBe(pair.keyId);
    }
    expect(await signingKeyFromEnv({})).toBeUndefined();
    const wrong = signingKeyFromEnv({
      GPUAAS_SIGNING_KEY: pair.privateKeyPem,
      GPUAAS_SIGNING_KEY_PASSWORD: 'x',
    });
    await expect(wrong).rejects.toThrow(/GPUAAS_SIGNING_KEY: wrong passphrase/);
  });
});

describe('loadPublicKey', () => {
  it('loads a path or PEM and refuses a private key in its place', async () => {
    const pair = await generateSigningKeyPair();
    const file = path.join(dir, 'k.pub');
    await writeFile(file, pair.publicKeyPem);
    expect((await loadPublicKey(file)).keyId).toBe(pair.keyId);
    expect((await loadPublicKey(pair.publicKeyPem)).keyId).toBe(pair.keyId);
    expect(await codeOf(loadPublicKey(pair.privateKeyPem))).toBe('KEY_INVALID');
  });
});

describe('writeKeyPair', () => {
  it('writes PREFIX.key with mode 0600 and PREFIX.pub, and refuses to overwrite without force', async () => {
    const prefix = path.join(dir, 'acme');
    const written = await writeKeyPair(prefix, { passphrase: 'pw' });
    expect(written.privateKeyPath).toBe(`${prefix}.key`);
    expect((await stat(`${prefix}.key`)).mode & 0o777).toBe(0o600);
    expect((await stat(`${prefix}.pub`)).mode & 0o777).toBe(0o644);
    expect((await loadPublicKey(`${prefix}.pub`)).keyId).toBe(written.keyId);
    expect((await loadSigningKey(`${prefix}.key`, { passphrase: 'pw' })).keyId).toBe(written.keyId);

    const before = await readFile(`${prefix}.key`, 'utf8');
    expect(await codeOf(writeKeyPair(prefix))).toBe('ALREADY_EXISTS');
    expect(await readFile(`${prefix}.key`, 'utf8')).toBe(before);

    const replaced = await writeKeyPair(prefix, { force: true });
    expect(replaced.keyId).not.toBe(written.keyId);
    expect((await stat(`${prefix}.key`)).mode & 0o777).toBe(0o600);
    expect((await loadSigningKey(`${prefix}.key`)).keyId).toBe(replaced.keyId);
  });

  it('refuses when only the .pub exists, writing nothing', async () => {
    const prefix = path.join(dir, 'half');
    await writeFile(`${prefix}.pub`, 'old');
    expect(await codeOf(writeKeyPair(prefix))).toBe('ALREADY_EXISTS');
    await expect(stat(`${prefix}.key`)).rejects.toThrow(/ENOENT/);
  });

  it('keeps 0600 under a permissive umask', async () => {
    const old = process.umask(0);
    try {
      await writeKeyPair(path.join(dir, 'umask'));
    } finally {
      process.umask(old);
    }
    expect((await stat(path.join(dir, 'umask.key'))).mode & 0o777).toBe(0o600);
  });
});
