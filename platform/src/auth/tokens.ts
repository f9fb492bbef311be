/**
 * Access tokens: ES256 JWTs in the RFC 9068 profile (`typ: at+jwt`), signed with the platform's
 * current key and verified with jose against the key store (kid lookup, issuer, audience, expiry).
 * Verification results are cached per token until expiry so the hot path costs one map lookup.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';
import { PlatformError } from '../errors.js';
import { serviceAccountIdOf } from '../oidc/clients.js';
import type { ExternalIssuers } from './external.js';
import { SIGNING_ALG, verifyAccessJwt } from './keys.js';
import type { SigningKeyStore } from './keys.js';
import type { Principal } from './principal.js';

export interface IssueTokenInput {
  /** User id or service-account id. */
  sub: string;
  /** Defaults to `user`. */
  principalType?: 'user' | 'service_account';
  /** Limits the token to these scopes; omitted on user tokens: the user's roles decide. */
  scopes?: readonly string[];
  /** Required for service accounts: the project they act in. */
  projectId?: string;
  operator?: boolean;
  /** Lifetime in seconds (default: the configured access-token TTL). */
  ttlSeconds?: number;
  /** OAuth client the token was issued to (RFC 9068 `client_id`). */
  clientId?: string;
}

export interface IssuedToken {
  token: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

interface Claims extends JWTPayload {
  scope?: string;
  client_id?: string;
  principal_type?: 'user' | 'service_account';
  project_id?: string;
  operator?: boolean;
}

interface CachedVerification {
  principal: Principal;
  exp: number;
}

const CACHE_LIMIT = 10_000;

export interface TokenServiceOptions {
  keys: SigningKeyStore;
  /** Returns the issuer URL (it may only be known once the server listens). */
  issuer: () => string;
  audience: string;
  defaultTtlSeconds: number;
  /** Trusted external issuers; tokens whose `iss` is one of them are verified there. */
  external?: ExternalIssuers | undefined;
}

export class TokenService {
  readonly #options: TokenServiceOptions;
  readonly #cache = new Map<string, CachedVerification>();

  constructor(options: TokenServiceOptions) {
    this.#options = options;
  }

  /** The issuer the platform's tokens (and its OpenID Provider) carry. */
  get issuer(): string {
    return this.#options.issuer();
  }

  /**
   * Issues a short-lived access token.
   *
   * @example
   * const { token } = await tokens.issueAccessToken({ sub: user.id, operator: true });
   */
  async issueAccessToken(input: IssueTokenInput): Promise<IssuedToken> {
    const type = input.principalType ?? 'user';
    if (type === 'service_account' && input.projectId === undefined) {
      throw new Error('issueAccessToken: a service-account token needs projectId');
    }
    const key = this.#options.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + (input.ttlSeconds ?? this.#options.defaultTtlSeconds);
    const claims: Claims = { principal_type: type, client_id: input.clientId ?? 'gpuaas-platform' };
    if (input.scopes !== undefined) claims.scope = input.scopes.join(' ');
    if (input.projectId !== undefined) claims.project_id = input.projectId;
    if (input.operator === true) claims.operator = true;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.#options.issuer())
      .setAudience(this.#options.audience)
      .setSubject(input.sub)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt };
  }

  /** Verifies a bearer token; throws TOKEN_INVALID or TOKEN_EXPIRED. */
  async verify(token: string): Promise<Principal> {
    const now = Date.now() / 1000;
    const cached = this.#cache.get(token);
    if (cached !== undefined) {
      if (cached.exp > now) return cached.principal;
      this.#cache.delete(token);
      throw new PlatformError('TOKEN_EXPIRED', 'the access token has expired');
    }
    const iss = unverifiedIssuer(token);
    const { external } = this.#options;
    if (iss !== undefined && iss !== this.#options.issuer() && external?.accepts(iss) === true) {
      const verified = await external.verify(token, iss);
      this.#remember(token, verified.principal, verified.exp);
      return verified.principal;
    }
    let payload: Claims;
    try {
      payload = await verifyAccessJwt<Claims>(this.#options.keys, token, {
        issuer: this.#options.issuer(),
        audience: this.#options.audience,
      });
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new PlatformError('TOKEN_EXPIRED', 'the access token has expired', { cause: error });
      }
      throw new PlatformError('TOKEN_INVALID', `the access token is not valid: ${describe(error)}`, {
        cause: error,
      });
    }
    const principal = toPrincipal(payload);
    this.#remember(token, principal, payload.exp ?? 0);
    return principal;
  }

  #remember(token: string, principal: Principal, exp: number): void {
    if (this.#cache.size >= CACHE_LIMIT) {
      // Drop the oldest entry (Map iterates in insertion order).
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    this.#cache.set(token, { principal, exp });
  }
}

/** The `iss` of a JWT before verification, only to choose the verifier; undefined when unreadable. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

function toPrincipal(payload: Claims): Principal {
  const sub = payload.sub ?? '';
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : undefined;
  if (payload.principal_type === 'service_account') {
    if (typeof payload.project_id !== 'string') {
      throw new PlatformError('TOKEN_INVALID', 'the service-account token names no project');
    }
    return {
      type: 'service_account',
      // client_credentials tokens of the OIDC provider name the client (`sa-<id>`) as subject.
      id: serviceAccountIdOf(sub) ?? sub,
      projectId: payload.project_id,
      scopes: scopes ?? [],
      ...(payload.iat === undefined ? {} : { issuedAt: payload.iat }),
    };
  }
  // The `operator` claim is informational: the flag is read from the database (auth/standing.ts),
  // so demoting an operator takes effect before their tokens expire.
  return { type: 'user', id: sub, operator: false, scopes };
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return error.code;
  return error instanceof Error ? error.message : String(error);
}
