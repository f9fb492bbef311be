/**
 * The platform's token-signing keys (ES256). Generated on first start and kept in the database,
 * so every instance on one database signs and verifies with the same keys and publishes the same
 * JWKS (the built-in OIDC issuer will serve these same keys). Private keys are encrypted at rest
 * with AES-256-GCM under a 32-byte secret that lives outside the database.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import type { Kysely } from 'kysely';
import { PlatformError } from '../errors.js';
import type { Tables } from '../db/schema.js';
import { isoTime, newId } from '../ids.js';

export const SIGNING_ALG = 'ES256';

/**
 * The claims of a JWT access token (`at+jwt`, with `exp` and `sub`) that one of the platform's own
 * keys signed for `expected.issuer` and `expected.audience`. A token naming no key or an unknown
 * one: TOKEN_INVALID (`what` names it in the message); jose's own failures (expired, another
 * audience, a bad signature) are thrown as they are, for the caller to word.
 */
export async function verifyAccessJwt<T extends JWTPayload>(
  keys: Pick<SigningKeyStore, 'publicKey'>,
  token: string,
  expected: { issuer: string; audience: string },
  what = 'the token',
): Promise<T> {
  const { payload } = await jwtVerify<T>(
    token,
    async (header) => {
      const key = header.kid === undefined ? undefined : await keys.publicKey(header.kid);
      if (key === undefined) throw new PlatformError('TOKEN_INVALID', `${what} was signed by an unknown key`);
      return key;
    },
    { ...expected, algorithms: [SIGNING_ALG], typ: 'at+jwt', requiredClaims: ['exp', 'sub'] },
  );
  return payload;
}

/** A published verification key: always has a key type and our key id. */
export type PublicJwk = JWK & { kty: string; kid: string };

/**
 * The key-encryption secret: the configured one, else `<dataDir>/secret.key` (created 0600 on
 * first use). Instances sharing a PostgreSQL database must share this secret.
 */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'base64url');
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it between the check and the write: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length !== 32)
    throw new PlatformError('CONFIG_INVALID', `${file} does not hold a 32-byte base64url key`);
  return key;
}

interface Envelope {
  v: 1;
  iv: string;
  tag: string;
  ct: string;
}

function seal(secret: Buffer, kid: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  // Binding the kid as associated data stops a swapped row from decrypting under another kid.
  cipher.setAAD(Buffer.from(kid));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const envelope: Envelope = {
    v: 1,
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    ct: ct.toString('base64url'),
  };
  return JSON.stringify(envelope);
}

function open(secret: Buffer, kid: string, sealed: string): string {
  try {
    const envelope = JSON.parse(sealed) as Envelope;
    const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(envelope.iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch (error) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `signing key ${kid} cannot be decrypted with this instance's secret key: give every instance on one database the same GPUAAS_SECRET_KEY`,
      { cause: error },
    );
  }
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The private key as a JWK (for the OIDC provider's `jwks`); never publish it. */
  privateJwk: JWK;
}

/** Minimum time between database reloads triggered by an unknown `kid` (forged tokens can't DoS the DB). */
const RELOAD_INTERVAL_MS = 5_000;

export class SigningKeyStore {
  readonly #db: Kysely<Tables>;
  readonly #secret: Buffer;
  #signing: SigningKey | undefined;
  readonly #publicKeys = new Map<string, CryptoKey>();
  #jwks: PublicJwk[] = [];
  #lastReload = 0;
  #reloading: Promise<void> | undefined;

  constructor(db: Kysely<Tables>, secret: Buffer) {
    this.#db = db;
    this.#secret = secret;
  }

  /** Ensures an active key exists (creating one on first start) and loads the keys. */
  async init(): Promise<void> {
    const existing = await this.#db
      .selectFrom('signing_keys')
      .select('kid')
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (existing === undefined) await this.#create();
    await this.#load();
  }

  /** The key new tokens are signed with: the oldest active key, so concurrent first starts agree. */
  signingKey(): SigningKey {
    if (this.#signing === undefined) throw new Error('SigningKeyStore.init() has not run');
    return this.#signing;
  }

  /** The private JWK of the signing key, for the built-in OIDC provider. */
  signingJwk(): JWK {
    return this.signingKey().privateJwk;
  }

  /** The public JWKS. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.#jwks };
  }

  /** Public key for a `kid`; reloads from the database (throttled) when the kid is unknown. */
  async publicKey(kid: string): Promise<CryptoKey | undefined> {
    const known = this.#publicKeys.get(kid);
    if (known !== undefined) return known;
    if (Date.now() - this.#lastReload >= RELOAD_INTERVAL_MS) {
      this.#reloading ??= this.#load().finally(() => (this.#reloading = undefined));
      await this.#reloading;
    }
    return this.#publicKeys.get(kid);
  }

  async #create(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = newId();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
    await this.#db
      .insertInto('signing_keys')
      .values({
        kid,
        alg: SIGNING_ALG,
        public_jwk: JSON.stringify(publicJwk),
        private_jwk: seal(this.#secret, kid, JSON.stringify(privateJwk)),
        status: 'active',
        created_at: isoTime(),
      })
      .execute();
  }

  async #load(): Promise<void> {
    this.#lastReload = Date.now();
    const rows = await this.#db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    const jwks: PublicJwk[] = [];
    for (const row of rows) {
      // Written by #create below: exportJWK's key type plus our kid, alg and use.
      const jwk = JSON.parse(row.public_jwk) as PublicJwk;
      jwks.push(jwk);
      if (!this.#publicKeys.has(row.kid)) {
        this.#publicKeys.set(row.kid, (await importJWK(jwk, SIGNING_ALG)) as CryptoKey);
      }
    }
    this.#jwks = jwks;
    const active = rows.find((r) => r.status === 'active');
    if (active !== undefined && this.#signing?.kid !== active.kid) {
      const privateJwk = JSON.parse(open(this.#secret, active.kid, active.private_jwk)) as JWK;
      this.#signing = {
        kid: active.kid,
        privateKey: (await importJWK(privateJwk, SIGNING_ALG)) as CryptoKey,
        privateJwk,
      };
    }
  }
}
