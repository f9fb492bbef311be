/**
 * Signing keys: ECDSA P-256 only, because sigstore-js verifies DSSE signatures with the key's
 * default digest and only P-256/SHA-256 round-trips there (Ed25519 fails). Private keys are
 * PKCS#8 PEM, optionally encrypted (aes-256-cbc, PBES2); public keys are SPKI PEM. A key's id is
 * the hex SHA-256 of its SPKI DER, so every tool derives the same id from the same public key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SdkError } from '../errors.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Environment variable holding the signing key: a file path or the PEM itself. */
export const SIGNING_KEY_ENV = 'GPUAAS_SIGNING_KEY';
/** Environment variable holding the passphrase of an encrypted signing key. */
export const SIGNING_KEY_PASSWORD_ENV = 'GPUAAS_SIGNING_KEY_PASSWORD';

/** A trusted public key with its stable id. */
export interface PublicKey {
  /** Hex SHA-256 of the SPKI DER encoding; used as the DSSE `keyid` and the bundle's key hint. */
  readonly keyId: string;
  /** SPKI PEM. */
  readonly pem: string;
  readonly keyObject: KeyObject;
  /** Where the key came from (a path, `inline PEM`, an env var), for messages. */
  readonly source: string;
}

/** A loaded private key ready to sign, with its public half. */
export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: PublicKey;
  readonly source: string;
}

/** PEM text of a freshly generated key pair. */
export interface GeneratedKeyPair {
  /** PKCS#8 PEM; `ENCRYPTED PRIVATE KEY` when a passphrase was given. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  keyId: string;
}

export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
}

/** Hex SHA-256 of the key's SPKI DER: the stable key id. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Generates an ECDSA P-256 key pair as PEM.
 *
 * @example
 * const { privateKeyPem, publicKeyPem, keyId } = await generateSigningKeyPair({ passphrase: 's3cret' });
 */
export async function generateSigningKeyPair(
  options: { passphrase?: string } = {},
): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
  const privateKeyPem =
    options.passphrase === undefined
      ? privateKey.export({ type: 'pkcs8', format: 'pem' })
      : privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: options.passphrase,
        });
  return {
    privateKeyPem: String(privateKeyPem),
    publicKeyPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    keyId: keyIdOf(publicKey),
  };
}

/**
 * Generates a key pair and writes `PREFIX.key` (mode 0600) and `PREFIX.pub` (mode 0644).
 * The private key file is created with mode 0600 from the start, so there is no moment when it is
 * readable by others. Without `force` an existing file is an `ALREADY_EXISTS` error and nothing
 * is written; with `force` each file is replaced atomically (write a temporary file, rename).
 */
export async function writeKeyPair(
  prefix: string,
  options: { passphrase?: string; force?: boolean } = {},
): Promise<WrittenKeyPair> {
  const privateKeyPath = path.resolve(`${prefix}.key`);
  const publicKeyPath = path.resolve(`${prefix}.pub`);
  if (!options.force) {
    for (const file of [privateKeyPath, publicKeyPath]) {
      if (await exists(file)) {
        throw new SdkError('ALREADY_EXISTS', `${file} already exists; pass --force to overwrite it`, {
          details: { path: file },
        });
      }
    }
  }
  const generated = await generateSigningKeyPair(
    options.passphrase === undefined ? {} : { passphrase: options.passphrase },
  );
  // `--out keys/acme` in a fresh clone: the folder is created, private to its owner like the key.
  try {
    await mkdir(path.dirname(privateKeyPath), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw ioError(path.dirname(privateKeyPath), error);
  }
  const force = options.force ?? false;
  await writeFileWithMode(privateKeyPath, generated.privateKeyPem, 0o600, force);
  await writeFileWithMode(publicKeyPath, generated.publicKeyPem, 0o644, force);
  return { privateKeyPath, publicKeyPath, keyId: generated.keyId };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(file, error);
  }
}

async function writeFileWithMode(
  file: string,
  content: string,
  mode: number,
  replace: boolean,
): Promise<void> {
  // O_EXCL both refuses to follow a planted symlink and makes "refuse to overwrite" race-free.
  const target = replace ? `${file}.tmp-${process.pid}-${Date.now()}` : file;
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL;
  let handle;
  try {
    handle = await open(target, flags, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SdkError('ALREADY_EXISTS', `${file} already exists; pass --force to overwrite it`, {
        details: { path: file },
      });
    }
    throw ioError(file, error);
  }
  try {
    // The umask may have cleared bits of `mode`; set it exactly.
    await handle.chmod(mode);
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(target, { force: true });
    throw ioError(file, error);
  }
  await handle.close();
  if (replace) {
    try {
      await rename(target, file);
    } catch (error) {
      await rm(target, { force: true });
      throw ioError(file, error);
    }
  }
}

function ioError(file: string, error: unknown): SdkError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SdkError('IO_ERROR', `cannot write ${file}: ${reason}`, {
    cause: error,
    details: { path: file },
  });
}

function isPem(text: string): boolean {
  return text.trimStart().startsWith('-----BEGIN ');
}

interface KeyText {
  text: string;
  source: string;
}

async function readKeyText(pathOrPem: string, label: string | undefined, baseDir?: string): Promise<KeyText> {
  if (isPem(pathOrPem)) return { text: pathOrPem, source: label ?? 'inline PEM' };
  const file = path.resolve(baseDir ?? process.cwd(), pathOrPem);
  try {
    return { text: await readFile(file, 'utf8'), source: file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SdkError('NOT_FOUND', `key file ${file} does not exist`, {
        cause: error,
        details: { path: file },
      });
    }
    throw new SdkError('IO_ERROR', `cannot read key file ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { path: file },
    });
  }
}

function assertP256(key: KeyObject, source: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${curve ?? 'unknown curve'}` : key.asymmetricKeyType;
    throw new SdkError(
      'KEY_INVALID',
      `${source}: ${kind ?? 'unknown'} keys are not supported; use an ECDSA P-256 key (gpuaas-app keygen makes one)`,
      { details: { source } },
    );
  }
}

/** Builds a {@link PublicKey} from a KeyObject or PEM, checking that it is P-256. */
export function toPublicKey(key: KeyObject | string, source = 'inline PEM'): PublicKey {
  let keyObject: KeyObject;
  try {
    keyObject = typeof key === 'string' ? createPublicKey(key) : key;
  } catch (error) {
    throw new SdkError('KEY_INVALID', `${source}: not a PEM public key (${(error as Error).message})`, {
      cause: error,
      details: { source },
    });
  }
  if (keyObject.type === 'private') keyObject = createPublicKey(keyObject);
  assertP256(keyObject, source);
  return {
    keyId: keyIdOf(keyObject),
    pem: String(keyObject.export({ type: 'spki', format: 'pem' })),
    keyObject,
    source,
  };
}

/**
 * Loads a private signing key from a file path or from PEM content (as `GPUAAS_SIGNING_KEY` may
 * hold either). A wrong or missing passphrase, a malformed file or a non-P-256 key is
 * `KEY_INVALID`, naming the file.
 */
export async function loadSigningKey(
  pathOrPem: string,
  options: { passphrase?: string; label?: string; baseDir?: string } = {},
): Promise<SigningKey> {
  const { text, source } = await readKeyText(pathOrPem, options.label, options.baseDir);
  if (/-----BEGIN (ENCRYPTED )?(COSIGN|SIGSTORE) PRIVATE KEY-----/.test(text)) {
    throw new SdkError(
      'KEY_INVALID',
      `${source}: cosign-format keys are not supported; export a PKCS#8 PEM key or run gpuaas-app keygen`,
      { details: { source } },
    );
  }
  const encrypted = text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  if (encrypted && (options.passphrase === undefined || options.passphrase === '')) {
    throw new SdkError(
      'KEY_INVALID',
      `${source}: the private key is encrypted and no passphrase was given (set ${SIGNING_KEY_PASSWORD_ENV})`,
      { details: { source } },
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(
      encrypted
        ? { key: text, format: 'pem', passphrase: options.passphrase ?? '' }
        : { key: text, format: 'pem' },
    );
  } catch (error) {
    // A wrong passphrase does not always fail at the padding check: sometimes it decrypts to
    // garbage that then fails to decode, so any failure of an encrypted key is reported as such.
    const reason = encrypted
      ? 'wrong passphrase for the encrypted private key (or the file is damaged)'
      : 'not a PEM private key (PKCS#8 or SEC1 expected)';
    throw new SdkError('KEY_INVALID', `${source}: ${reason}`, { cause: error, details: { source } });
  }
  assertP256(privateKey, source);
  const publicKey = toPublicKey(createPublicKey(privateKey), source);
  return { keyId: publicKey.keyId, privateKey, publicKey, source };
}

/** Loads a public key (SPKI PEM) from a file path or PEM content; `baseDir` resolves relative paths. */
export async function loadPublicKey(
  pathOrPem: string,
  options: { label?: string; baseDir?: string } = {},
): Promise<PublicKey> {
  const { text, source } = await readKeyText(pathOrPem, options.label, options.baseDir);
  if (!text.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new SdkError('KEY_INVALID', `${source}: not a PEM public key (expected BEGIN PUBLIC KEY)`, {
      details: { source },
    });
  }
  return toPublicKey(text, source);
}

/**
 * Loads the signing key named by `GPUAAS_SIGNING_KEY` (path or PEM) with the passphrase in
 * `GPUAAS_SIGNING_KEY_PASSWORD`; `undefined` when the variable is unset or empty.
 */
export async function signingKeyFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<SigningKey | undefined> {
  const value = env[SIGNING_KEY_ENV];
  if (value === undefined || value.trim() === '') return undefined;
  const passphrase = env[SIGNING_KEY_PASSWORD_ENV];
  return loadSigningKey(value, {
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(isPem(value) ? { label: SIGNING_KEY_ENV } : {}),
  });
}
