/**
 * Authentication and the first authorisation gate: reads `Authorization: Bearer …`, verifies it,
 * puts the principal into the request context, and enforces the operation's required scopes (the
 * OpenAPI `security` requirement) for tokens that are scope-limited.
 */
import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { RequestContext } from '../context.js';
import { operationOf } from '../http/pipeline.js';
import { isNodeCredential, verifyNodeCredential } from './node-credentials.js';
import { hasScope } from './principal.js';
import type { Principal } from './principal.js';
import { currentStanding } from './standing.js';
import type { UserDirectory } from './standing.js';
import type { TokenService } from './tokens.js';

/** The authenticated principal, or undefined for anonymous requests. */
export function principalOf(res: Response): Principal | undefined {
  return (res.locals.context as RequestContext | undefined)?.principal;
}

/** The principal of an authenticated operation (the middleware guarantees one). */
export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (principal === undefined) throw new PlatformError('TOKEN_MISSING', 'this endpoint needs a bearer token');
  return principal;
}

const REALM = 'Bearer realm="gpuaas"';

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match?.[1] ?? '';
}

/** A verified token's principal as the database has it now (operator flag, account standing). */
export async function resolvePrincipal(
  deps: { tokens: TokenService; db: Kysely<Tables>; users: UserDirectory },
  token: string,
): Promise<Principal> {
  // A node credential is looked up, not verified as a JWT: its row is its standing.
  if (isNodeCredential(token)) return verifyNodeCredential(deps.db, token);
  return currentStanding(deps.db, deps.users, await deps.tokens.verify(token));
}

/**
 * Resolves the bearer token into the request's principal. A missing or bad token is not refused
 * here but remembered, so the rate limiter (which runs next) counts failed attempts against the
 * client IP; `authorize` then refuses them.
 */
export function authenticate(tokens: TokenService, db: Kysely<Tables>, users: UserDirectory): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) {
      next();
      return;
    }
    try {
      if (token === '') {
        throw new PlatformError('TOKEN_INVALID', 'the Authorization header is not "Bearer <token>"');
      }
      const principal = await resolvePrincipal({ tokens, db, users }, token);
      (res.locals.context as RequestContext).principal = principal;
    } catch (error) {
      if (!(error instanceof PlatformError)) throw error;
      res.locals.authError = error;
    }
    next();
  };
}

/** Refuses what `authenticate` could not accept, and tokens without the operation's scopes. */
export function authorize(): RequestHandler {
  return (_req, res, next) => {
    const op = operationOf(res);
    // Public endpoints (probes, JWKS) ignore a bad token rather than refuse the request.
    if (!op.def.authenticated) {
      next();
      return;
    }
    const failure = res.locals.authError as PlatformError | undefined;
    if (failure !== undefined) {
      const kind = failure.code === 'TOKEN_EXPIRED' ? 'the token has expired' : 'the token is not valid';
      throw new PlatformError(failure.code, failure.message, {
        cause: failure,
        headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${kind}"` },
      });
    }
    const principal = principalOf(res);
    if (principal === undefined) {
      throw new PlatformError('TOKEN_MISSING', `${op.def.operationId} needs a bearer token`, {
        headers: { 'WWW-Authenticate': REALM },
      });
    }
    const missing = op.def.scopes.filter((s) => !hasScope(principal, s));
    if (missing.length > 0) {
      throw new PlatformError(
        'INSUFFICIENT_SCOPE',
        `${op.def.operationId} needs scope ${missing.join(' ')}`,
        {
          headers: {
            'WWW-Authenticate': `${REALM}, error="insufficient_scope", scope="${op.def.scopes.join(' ')}"`,
          },
        },
      );
    }
    next();
  };
}
