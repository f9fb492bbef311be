/**
 * Tokens from external OpenID issuers the operator trusts (e.g. the company's identity provider).
 * Each issuer's JWKS is found through its discovery document and fetched with jose (cached, with
 * refetch on an unknown `kid`); a verified token is mapped to a platform user by one claim
 * (default `email`), creating the user on first sight with no roles.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { ensureUser } from '../identity/store.js';
import type { UserPrincipal } from './principal.js';

/** One trusted issuer. */
export interface TrustedIssuer {
  /** The `iss` value, exactly (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  /** The `aud` its tokens must carry for this platform. */
  audience: string;
  /** The claim that names the platform user (an email address); default `email`. */
  claim?: string;
  /** Skips discovery when given. */
  jwksUri?: string;
}

/** Asymmetric algorithms accepted from external issuers (never `none` or HMAC). */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
const EMAIL = /^[^@\s]+@[^@\s]+$/;

export interface ExternalVerification {
  principal: UserPrincipal;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export class ExternalIssuers {
  readonly #db: Kysely<Tables>;
  readonly #issuers: Map<string, TrustedIssuer>;
  readonly #keySets = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(db: Kysely<Tables>, issuers: readonly TrustedIssuer[]) {
    this.#db = db;
    this.#issuers = new Map(issuers.map((i) => [i.issuer, i]));
  }

  /** Whether tokens with this `iss` are handled here. */
  accepts(iss: string): boolean {
    return this.#issuers.has(iss);
  }

  /** Verifies a token of a trusted issuer and resolves its user; throws TOKEN_INVALID or TOKEN_EXPIRED. */
  async verify(token: string, iss: string): Promise<ExternalVerification> {
    const trusted = this.#issuers.get(iss);
    if (trusted === undefined) throw new PlatformError('TOKEN_INVALID', `issuer ${iss} is not trusted`);
    let payload: JWTPayload;
    try {
      const keys = await this.#keySet(trusted);
      ({ payload } = await jwtVerify(token, keys, {
        issuer: trusted.issuer,
        audience: trusted.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new PlatformError('TOKEN_EXPIRED', `the token from ${iss} has expired`, { cause: error });
      }
      const reason = error instanceof joseErrors.JOSEError ? error.code : String(error);
      throw new PlatformError('TOKEN_INVALID', `the token from ${iss} is not valid: ${reason}`, {
        cause: error,
      });
    }
    const claim = trusted.claim ?? 'email';
    const value = payload[claim];
    if (typeof value !== 'string' || !EMAIL.test(value)) {
      throw new PlatformError(
        'TOKEN_INVALID',
        `the token from ${iss} has no email address in claim "${claim}"`,
      );
    }
    const user = await ensureUser(this.#db, value);
    return {
      principal: { type: 'user', id: user.id, operator: user.operator === 1, scopes: undefined },
      exp: payload.exp ?? 0,
    };
  }

  #keySet(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
    let keySet = this.#keySets.get(trusted.issuer);
    if (keySet === undefined) {
      keySet = discoverJwks(trusted).then((uri) => createRemoteJWKSet(new URL(uri)));
      // A failed discovery is retried on the next token rather than remembered.
      void keySet.catch(() => this.#keySets.delete(trusted.issuer));
      this.#keySets.set(trusted.issuer, keySet);
    }
    return keySet;
  }
}

async function discoverJwks(trusted: TrustedIssuer): Promise<string> {
  if (trusted.jwksUri !== undefined) return trusted.jwksUri;
  const url = `${trusted.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    signal: AbortSignal.timeout(5000),
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    throw new PlatformError(
      'TOKEN_INVALID',
      `discovery of issuer ${trusted.issuer} failed: ${response.status}`,
    );
  }
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== trusted.issuer || typeof document.jwks_uri !== 'string') {
    throw new PlatformError(
      'TOKEN_INVALID',
      `discovery document of ${trusted.issuer} names another issuer or no jwks_uri`,
    );
  }
  return document.jwks_uri;
}
