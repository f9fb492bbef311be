/**
 * `/v1/allocations/{allocation_id}/app/endpoints/{endpoint}/…`: an app's endpoints through the
 * platform (apps/endpoint-proxy.ts has the rules). Mounted before the OpenAPI pipeline, as the
 * registry's `/v2/` is, because a relay takes any method, any sub-path and any body, which the
 * pipeline's matching, body parsing and response validation cannot: openapi.yaml declares it as
 * `callAppEndpoint` and this router does what that operation's security says (bearer token with
 * `allocations:write`, member of the project). WebSocket upgrades arrive through
 * terminal/upgrade.ts, which calls `openAppEndpointUpgrade`.
 *
 * Like the API, the relay is rate limited per caller (its own budget, `rateLimit.relay`: an app's
 * traffic neither spends nor is held to the API's) and a failed authentication spends the client
 * IP's anonymous budget. The access decision is kept for a moment (apps/endpoint-access.ts), so a
 * client's stream of requests costs one decision a second, not one each.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { currentStanding } from '../auth/standing.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import type { PlatformConfig } from '../config.js';
import type { RequestContext } from '../context.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  BEARER_SUBPROTOCOL_PREFIX,
  ENDPOINT_NAME,
  endpointResponseHeaders,
  endpointRuntime,
  normalizeSubPath,
  relayEndpointRequest,
  relayEndpointUpgrade,
  streamEndpointAnswer,
} from '../apps/endpoint-proxy.js';
import type { EndpointRequest } from '../apps/endpoint-proxy.js';
import type { EndpointAccessCache, EndpointDecision } from '../apps/endpoint-access.js';
import { enforceRateLimit } from './rate-limit.js';

export interface AppEndpointDeps {
  db: Kysely<Tables>;
  tokens: TokenService;
  users: UserDirectory;
  logger: Logger;
  /** Access decisions kept for a moment (apps/endpoint-access.ts); absent: decided every time. */
  endpointAccess?: EndpointAccessCache;
  /** The platform's rate limits; absent: the relay is not limited. */
  rateLimit?: PlatformConfig['rateLimit'];
}

/** allocation id, endpoint name, the rest of the path (raw, may be absent). */
export const APP_ENDPOINT_PATH = /^\/v1\/allocations\/([^/?]+)\/app\/endpoints\/([^/?]+)(\/[^?]*)?$/;

export interface Matched {
  allocationId: string;
  endpoint: string;
  rest: string;
  search: string;
  prefix: string;
}

/** Splits a raw request target into what the relay needs, or undefined when it is not one. */
export function matchAppEndpoint(target: string): Matched | undefined {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const match = APP_ENDPOINT_PATH.exec(path);
  if (match === null) return undefined;
  const [, allocationId = '', endpoint = '', rest = '/'] = match;
  if (!ENDPOINT_NAME.test(endpoint))
    throw new PlatformError('NOT_FOUND', `"${endpoint}" is not an endpoint name (a DNS label)`);
  return {
    allocationId,
    endpoint,
    rest: normalizeSubPath(rest),
    search: q < 0 ? '' : target.slice(q),
    prefix: `/v1/allocations/${allocationId}/app/endpoints/${endpoint}`,
  };
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  if (match?.[1] === undefined)
    throw new PlatformError('TOKEN_INVALID', 'the Authorization header is not "Bearer <token>"');
  return match[1];
}

/**
 * Who may relay to `allocationId`, and where to: the token verified, the caller counted against
 * their relay budget (a failed authentication against the client IP's), then the access decision.
 */
async function authorizeRelay(
  deps: AppEndpointDeps,
  readToken: () => string | undefined,
  allocationId: string,
  client: { ip: string | undefined; setHeader: (name: string, value: string) => void },
): Promise<EndpointDecision> {
  let token: string | undefined;
  let verified: Principal;
  try {
    token = readToken();
    if (token === undefined)
      throw new PlatformError('TOKEN_MISSING', "an app's endpoints need a bearer token");
    verified = await deps.tokens.verify(token);
  } catch (error) {
    await limit(deps, undefined, client);
    throw error;
  }
  await limit(deps, verified, client);
  if (deps.endpointAccess !== undefined) return deps.endpointAccess.decide(token, verified, allocationId);
  const principal = await currentStanding(deps.db, deps.users, verified);
  const { target } = await endpointRuntime(deps.db, principal, allocationId);
  return { principal, target };
}

async function limit(
  deps: AppEndpointDeps,
  caller: Principal | undefined,
  client: { ip: string | undefined; setHeader: (name: string, value: string) => void },
): Promise<void> {
  const limits = deps.rateLimit;
  if (limits?.enabled !== true) return;
  const scope =
    caller === undefined
      ? { policy: limits.anonymous, name: 'ip', bucket: `ip:${client.ip ?? 'unknown'}` }
      : { policy: limits.relay, name: 'relay', bucket: `relay:${principalKey(caller)}` };
  await enforceRateLimit(deps.db, scope, client.setHeader);
}

/**
 * The Express middleware: relays matching requests, passes the rest on. A listening platform
 * relays before Express is entered (http/relay-listener.ts); this serves `platform.app` mounted
 * elsewhere.
 */
export function appEndpointRoutes(deps: AppEndpointDeps): RequestHandler {
  return (req: Request, res: Response, next) => {
    let matched: Matched | undefined;
    try {
      matched = matchAppEndpoint(req.originalUrl);
    } catch (error) {
      next(error);
      return;
    }
    if (matched === undefined) {
      next();
      return;
    }
    const context = res.locals.context as RequestContext;
    relayRequest(deps, req, res, matched, context, { ip: req.ip, proto: req.protocol }).catch(next);
  };
}

/** Where the caller's request came from, as the platform's proxy settings read it. */
export interface RelayCaller {
  ip: string | undefined;
  proto: string;
}

/** Relays one matched request; rejects (nothing written yet) with the refusal to answer. */
export async function relayRequest(
  deps: AppEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  m: Matched,
  context: RequestContext,
  caller: RelayCaller,
): Promise<void> {
  const { principal, target } = await authorizeRelay(
    deps,
    () => bearer(req.headers.authorization),
    m.allocationId,
    { ip: caller.ip, setHeader: (name, value) => res.setHeader(name, value) },
  );
  context.principal = principal;
  const request: EndpointRequest = {
    endpoint: m.endpoint,
    path: m.rest,
    search: m.search,
    method: req.method ?? 'GET',
    headers: req.headers,
    forwarded: { for: caller.ip, host: req.headers.host, proto: caller.proto, prefix: m.prefix },
    principal,
    correlationId: context.correlationId,
  };
  const answer = await relayEndpointRequest(target, request, req);
  res.writeHead(answer.statusCode ?? 502, endpointResponseHeaders(answer.headers));
  streamEndpointAnswer(answer, res);
}

/**
 * A WebSocket upgrade on an app endpoint (from terminal/upgrade.ts). Rejects with a PlatformError
 * before anything was written to `socket`, so the caller answers with a problem document.
 */
export async function openAppEndpointUpgrade(
  deps: AppEndpointDeps,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  m: Matched,
  correlationId: string,
): Promise<void> {
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX))
    ?.slice(BEARER_SUBPROTOCOL_PREFIX.length);
  const { principal, target } = await authorizeRelay(
    deps,
    () => bearer(req.headers.authorization) ?? offered,
    m.allocationId,
    // Before the upgrade nothing is written: a refusal carries Retry-After in its problem answer.
    { ip: req.socket.remoteAddress, setHeader: () => undefined },
  );
  await relayEndpointUpgrade(
    target,
    {
      endpoint: m.endpoint,
      path: m.rest,
      search: m.search,
      method: req.method ?? 'GET',
      headers: req.headers,
      forwarded: {
        for: req.socket.remoteAddress,
        host: req.headers.host,
        proto: 'encrypted' in req.socket && req.socket.encrypted === true ? 'https' : 'http',
        prefix: m.prefix,
      },
      principal,
      correlationId,
    },
    socket,
    head,
  );
}
