/**
 * The instance origins, `<allocation-id>.apps.<platform host>` (apps/ui-origin.ts): a router on the
 * `Host` header in front of everything else the platform serves. On such a host the platform is
 * only a relay to the app's console UI extension (apps/endpoint-proxy.ts core) and a sign-in
 * (`/.gpuaas/signin?code=…`, apps/ui-sessions.ts): it never serves its API, its OpenID Provider or
 * its docs there, and never reads its own bearer tokens or cookies there; the only credential is
 * the origin's session cookie, holding the instance token (HttpOnly, SameSite=Lax, Secure and
 * `__Host-` prefixed on https, no Domain: this host only).
 *
 * Every answer carries `Content-Security-Policy: frame-ancestors <platform origin>`, so only the
 * platform's console may frame the app's page. The app receives the instance token as
 * `X-Gpuaas-App-Token` (the caller's own header of that name is replaced), never the platform's
 * credentials; cookies are not relayed either way (the origin's cookie jar is the session's).
 *
 * Every sign-in (a one-time code exchanged) is audited, `app.ui_session.exchange`, refused ones
 * too; sign-ins spend the client IP's anonymous rate-limit budget and relayed requests the user's
 * relay budget, as on the endpoint relay (http/app-endpoint-routes.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import {
  endpointResponseHeaders,
  endpointRuntime,
  normalizeSubPath,
  relayEndpointRequest,
  streamEndpointAnswer,
  relayEndpointUpgrade,
} from '../apps/endpoint-proxy.js';
import type { EndpointRequest } from '../apps/endpoint-proxy.js';
import { instanceOfHost, isAppsHost, platformOrigin } from '../apps/ui-origin.js';
import {
  UI_SIGNIN_PATH,
  exchangeUiCode,
  instancePrincipal,
  verifyInstanceToken,
} from '../apps/ui-sessions.js';
import type { InstanceSession, UiSessionDeps, VerifiedInstanceToken } from '../apps/ui-sessions.js';
import { recordAuditEvent } from '../audit/record.js';
import type { PlatformConfig } from '../config.js';
import type { RequestContext } from '../context.js';
import { PlatformError, isPlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import { enforceRateLimit } from './rate-limit.js';

export interface AppOriginDeps extends UiSessionDeps {
  logger: Logger;
  /** The platform's rate limits; absent: the origin is not limited. */
  rateLimit?: PlatformConfig['rateLimit'];
}

/** The header the app finds the signed-in user's instance token in. */
export const APP_TOKEN_HEADER = 'x-gpuaas-app-token';
/** Paths under this prefix are the platform's on an instance origin, never relayed. */
const RESERVED_PREFIX = '/.gpuaas/';

/** The session cookie's name: `__Host-` (Secure, Path=/, no Domain enforced by browsers) on https. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-gpuaas_app_session' : 'gpuaas_app_session';
}

/** `Set-Cookie` for a session ending at `expiresAt` (seconds since the epoch). */
export function sessionCookie(token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, expiresAt - Math.floor(Date.now() / 1000));
  const parts = [
    `${sessionCookieName(secure)}=${token}`,
    'Path=/',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The session tokens in a Cookie header, in order. Several when a sibling host planted one for the
 * parent domain (possible on http, where the `__Host-` prefix is not available): each is tried,
 * and one of another instance never verifies here (its audience is that instance).
 */
export function sessionsFrom(cookieHeader: string | undefined, secure: boolean): string[] {
  const name = sessionCookieName(secure);
  const found: string[] = [];
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) found.push(part.slice(eq + 1).trim());
  }
  return found;
}

/** Headers every answer on an instance origin carries (the app's own CSP, if any, applies too). */
export function instanceSecurityHeaders(platformUrl: string): Record<string, string> {
  return {
    'content-security-policy': `frame-ancestors ${platformOrigin(platformUrl)}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

function instanceResponseHeaders(
  appHeaders: IncomingMessage['headers'],
  platformUrl: string,
): OutgoingHttpHeaders {
  const out = endpointResponseHeaders(appHeaders);
  // The platform-origin relay's `sandbox` CSP would make the page an opaque origin without its
  // session; here the separate origin is the isolation, and framing is limited to the console.
  const appCsp = appHeaders['content-security-policy'];
  delete out['x-frame-options'];
  const ours = instanceSecurityHeaders(platformUrl);
  const merged: OutgoingHttpHeaders = { ...out, ...ours };
  // Both policies are enforced: the app may tighten its page, never loosen who frames it.
  // (A comma separates policies in one header: each is enforced on its own.)
  merged['content-security-policy'] = [
    ours['content-security-policy'] ?? '',
    ...(appCsp === undefined ? [] : [appCsp].flat()),
  ].join(', ');
  return merged;
}

/**
 * Whether the instance origins are https: the platform's public scheme decides, not how this hop
 * arrived (a TLS-terminating proxy in front), so HTTP and WebSocket requests agree on the cookie.
 */
function isSecure(platformUrl: string): boolean {
  return new URL(platformUrl).protocol === 'https:';
}

/** The Express middleware: takes every request whose Host is under the apps domain. */
export function appOriginRoutes(deps: AppOriginDeps): RequestHandler {
  return (req, res, next) => {
    if (!isAppsHost(req.headers.host, deps.issuer())) {
      next();
      return;
    }
    for (const [name, value] of Object.entries(instanceSecurityHeaders(deps.issuer())))
      res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    serve(deps, req, res).catch(next);
  };
}

async function serve(deps: AppOriginDeps, req: Request, res: Response): Promise<void> {
  const allocationId = instanceOfHost(req.headers.host, deps.issuer());
  if (allocationId === undefined) throw new PlatformError('NOT_FOUND', 'no app instance at this host');
  const target = req.originalUrl;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q);
  const secure = isSecure(deps.issuer());
  if (path === UI_SIGNIN_PATH) {
    if (req.method !== 'GET') throw new PlatformError('METHOD_NOT_ALLOWED', 'sign in with GET');
    const limits = deps.rateLimit;
    if (limits?.enabled === true) {
      const bucket = `ip:${req.ip ?? 'unknown'}`;
      await enforceRateLimit(deps.db, { policy: limits.anonymous, name: 'ip', bucket }, (name, value) =>
        res.setHeader(name, value),
      );
    }
    const code = new URLSearchParams(search).get('code') ?? '';
    const session = await auditedExchange(deps, req, res, code, allocationId);
    res.setHeader('set-cookie', sessionCookie(session.token, session.expiresAt, secure));
    // The code is spent, but keep it out of the app's logs and Referer all the same.
    res.setHeader('referrer-policy', 'no-referrer');
    res.redirect(303, session.path);
    return;
  }
  if (path.startsWith(RESERVED_PREFIX)) throw new PlatformError('NOT_FOUND', `nothing at ${path}`);
  const context = res.locals.context as RequestContext;
  const { request, target: runtime } = await instanceRequest(deps, req, allocationId, secure, {
    path,
    search,
    correlationId: context.correlationId,
    proto: req.protocol,
    forwardedFor: req.ip,
    setHeader: (name, value) => res.setHeader(name, value),
  });
  context.principal = request.principal;
  const answer = await relayEndpointRequest(runtime, request, req);
  res.writeHead(answer.statusCode ?? 502, instanceResponseHeaders(answer.headers, deps.issuer()));
  streamEndpointAnswer(answer, res);
}

/** Exchanges the sign-in code and records the attempt, whatever its outcome. */
async function auditedExchange(
  deps: AppOriginDeps,
  req: Request,
  res: Response,
  code: string,
  allocationId: string,
): Promise<InstanceSession> {
  const context = res.locals.context as RequestContext;
  const record = (outcome: { session: InstanceSession } | { error: unknown }) =>
    recordAuditEvent(deps.db, {
      actor_type: 'session' in outcome ? 'user' : 'anonymous',
      actor_id: 'session' in outcome ? outcome.session.userId : null,
      action: 'app.ui_session.exchange',
      target_type: 'allocation',
      target_id: allocationId,
      project_id: 'session' in outcome ? outcome.session.projectId : null,
      result: 'session' in outcome ? 'success' : 'failure',
      status: 'session' in outcome ? 303 : isPlatformError(outcome.error) ? outcome.error.status : 500,
      correlation_id: context.correlationId,
      ip: req.ip ?? null,
      details: JSON.stringify(
        'session' in outcome
          ? { endpoint: outcome.session.endpoint, scopes: outcome.session.scopes }
          : { code: isPlatformError(outcome.error) ? outcome.error.code : 'INTERNAL' },
      ),
    });
  let session: InstanceSession;
  try {
    session = await exchangeUiCode(deps, code, allocationId);
  } catch (error) {
    await record({ error }).catch((e: unknown) =>
      deps.logger.warn({ err: e }, 'recording an app sign-in failed'),
    );
    throw error;
  }
  await record({ session });
  return session;
}

/** The relayed request for a signed-in caller of the origin of `allocationId`. */
async function instanceRequest(
  deps: AppOriginDeps,
  req: IncomingMessage,
  allocationId: string,
  secure: boolean,
  at: {
    path: string;
    search: string;
    correlationId: string;
    proto: string;
    forwardedFor: string | undefined;
    /** Where the rate-limit headers go (absent for an upgrade). */
    setHeader?: (name: string, value: string) => void;
  },
) {
  const tokens = sessionsFrom(req.headers.cookie, secure).slice(0, 4);
  if (tokens.length === 0)
    throw new PlatformError('TOKEN_MISSING', 'no app session on this origin: open the app from the console');
  let verified: { token: string; session: VerifiedInstanceToken } | undefined;
  let refusal: unknown;
  for (const candidate of tokens) {
    try {
      verified = { token: candidate, session: await verifyInstanceToken(deps, candidate, allocationId) };
      break;
    } catch (error) {
      refusal = error;
    }
  }
  if (verified === undefined) throw refusal;
  const { token, session } = verified;
  const principal = await instancePrincipal(deps, session.userId);
  const limits = deps.rateLimit;
  if (limits?.enabled === true) {
    // Upgrades have no answer to carry the headers: their refusal carries Retry-After alone.
    await enforceRateLimit(
      deps.db,
      { policy: limits.relay, name: 'relay', bucket: `relay:user:${principal.id}` },
      at.setHeader ?? (() => undefined),
    );
  }
  // Membership is checked at every request, so removing a user closes the app to them at once.
  const { target } = await endpointRuntime(deps.db, principal, allocationId);
  const request: EndpointRequest = {
    endpoint: session.endpoint,
    path: normalizeSubPath(at.path),
    search: at.search,
    method: req.method ?? 'GET',
    headers: { ...req.headers, [APP_TOKEN_HEADER]: token },
    forwarded: { for: at.forwardedFor, host: req.headers.host, proto: at.proto, prefix: '' },
    principal,
    correlationId: at.correlationId,
  };
  return { request, target };
}

/**
 * A WebSocket upgrade on an instance origin (from terminal/upgrade.ts), or undefined when the host
 * is not one. Rejects with a PlatformError before anything was written to `socket`.
 */
export function openAppOriginUpgrade(
  deps: AppOriginDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  correlationId: string,
): Promise<void> | undefined {
  if (!isAppsHost(req.headers.host, deps.issuer())) return undefined;
  return (async () => {
    const allocationId = instanceOfHost(req.headers.host, deps.issuer());
    if (allocationId === undefined) throw new PlatformError('NOT_FOUND', 'no app instance at this host');
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    if (path.startsWith(RESERVED_PREFIX)) throw new PlatformError('NOT_FOUND', `nothing at ${path}`);
    const secure = isSecure(deps.issuer());
    const { request, target: runtime } = await instanceRequest(deps, req, allocationId, secure, {
      path,
      search: q < 0 ? '' : target.slice(q),
      correlationId,
      proto: secure ? 'https' : 'http',
      forwardedFor: req.socket.remoteAddress,
    });
    await relayEndpointUpgrade(runtime, request, socket, head);
  })();
}
