/**
 * WebSocket upgrades, outside the Express pipeline: the terminal (`/v1/allocations/{id}/terminal`,
 * authenticated by a single-use terminal token) and the event stream (`/v1/events`, authenticated
 * by a bearer token in the Authorization header or the `gpuaas.bearer.<token>` subprotocol, for
 * browsers that cannot set headers). Refusals are problem+json HTTP responses, before upgrading.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Kysely } from 'kysely';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { allocationAccess } from '../allocations/access.js';
import { resolvePrincipal } from '../auth/middleware.js';
import type { Principal } from '../auth/principal.js';
import { hasScope } from '../auth/principal.js';
import { currentStanding } from '../auth/standing.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import { remoteConnect } from '../allocations/runtime-client.js';
import { hashToken } from '../allocations/service.js';
import type { AllocationService } from '../allocations/service.js';
import type { Tables } from '../db/schema.js';
import { PLATFORM_ERRORS, PlatformError, isPlatformError } from '../errors.js';
import { subscribeEvents } from '../events/subscription.js';
import { recordAuditEvent } from '../audit/record.js';
import { CORRELATION_ID_PATTERN } from '../context.js';
import { problemDocument } from '../http/problem.js';
import { isOperator, projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { proxyTerminal } from './proxy.js';
import { matchAppEndpoint, openAppEndpointUpgrade } from '../http/app-endpoint-routes.js';
import { openAppOriginUpgrade } from '../http/app-origin.js';
import type { AppOriginDeps } from '../http/app-origin.js';
import type { EndpointAccessCache } from '../apps/endpoint-access.js';
import type { PlatformConfig } from '../config.js';

export const TERMINAL_PROTOCOL = 'gpuaas.terminal.v1';
export const EVENTS_PROTOCOL = 'gpuaas.events.v1';
const TERMINAL_PATH = /^\/v1\/allocations\/([0-9a-f-]{36})\/terminal$/;
/** WebSocket close code for a subscriber whose access ended (RFC 6455 §7.4.1). */
const POLICY_VIOLATION = 1008;
/** While a terminal is open the allocation is not idle; its activity is recorded this often. */
const ACTIVITY_EVERY_MS = 30_000;

export interface UpgradeDeps {
  db: Kysely<Tables>;
  compute: AllocationService;
  tokens: TokenService;
  users: UserDirectory;
  logger: Logger;
  accepting: () => boolean;
  /** Instance origins' upgrades (http/app-origin.ts); absent: none served. */
  appOrigin?: AppOriginDeps;
  /** The app endpoint relay's kept access decisions and rate limits (http/app-endpoint-routes.ts). */
  endpointAccess?: EndpointAccessCache;
  rateLimit?: PlatformConfig['rateLimit'];
}

export function attachUpgrades(server: Server, deps: UpgradeDeps): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    perMessageDeflate: false,
    handleProtocols: (offered) =>
      offered.has(TERMINAL_PROTOCOL)
        ? TERMINAL_PROTOCOL
        : offered.has(EVENTS_PROTOCOL)
          ? EVENTS_PROTOCOL
          : false,
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://platform');
    const header = req.headers['x-correlation-id'];
    const correlationId =
      typeof header === 'string' && CORRELATION_ID_PATTERN.test(header) ? header : newId();
    const refuse = (error: unknown) => {
      const e: PlatformError = isPlatformError(error)
        ? error
        : new PlatformError('INTERNAL', 'upgrade failed', { cause: error });
      if (e.code === 'INTERNAL')
        deps.logger.error({ err: error, correlation_id: correlationId }, 'upgrade failed');
      writeProblem(socket, e, url.pathname, correlationId);
    };
    if (!deps.accepting()) {
      refuse(new PlatformError('NOT_READY', 'the server is shutting down'));
      return;
    }
    // On an instance origin nothing of the platform's is served, its WebSockets included.
    const instance =
      deps.appOrigin === undefined
        ? undefined
        : openAppOriginUpgrade(deps.appOrigin, req, socket, head, correlationId);
    if (instance !== undefined) {
      instance.catch(refuse);
      return;
    }
    const terminal = TERMINAL_PATH.exec(url.pathname);
    let endpoint: ReturnType<typeof matchAppEndpoint>;
    try {
      endpoint = matchAppEndpoint(req.url ?? '/');
    } catch (error) {
      refuse(error);
      return;
    }
    const work =
      terminal !== null
        ? openTerminal(deps, wss, req, socket, head, terminal[1] ?? '', url, correlationId)
        : endpoint !== undefined
          ? openAppEndpointUpgrade(deps, req, socket, head, endpoint, correlationId)
          : url.pathname === '/v1/events'
            ? openEvents(deps, wss, req, socket, head, url)
            : Promise.reject(
                new PlatformError('ROUTE_NOT_FOUND', `no WebSocket endpoint at ${url.pathname}`),
              );
    work.catch(refuse);
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.close(1001, 'server shutting down');
    wss.close();
  };
}

function offeredProtocols(req: IncomingMessage): string[] {
  return (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

async function openTerminal(
  deps: UpgradeDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  allocationId: string,
  url: URL,
  correlationId: string,
): Promise<void> {
  const { db, compute, logger } = deps;
  const token =
    url.searchParams.get('token') ??
    offeredProtocols(req)
      .find((p) => p.startsWith('gpuaas.token.'))
      ?.slice('gpuaas.token.'.length);
  const invalid = () =>
    new PlatformError(
      'TERMINAL_TOKEN_INVALID',
      'the terminal token is unknown, used, expired or for another allocation',
    );
  if (token === undefined || token === '') throw invalid();
  const now = isoTime();
  const hash = hashToken(token);
  // Spending the token is one conditional update: of two connections racing with it, one wins.
  const spent = await db
    .updateTable('terminal_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('allocation_id', '=', allocationId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (spent.numUpdatedRows !== 1n) throw invalid();
  const grant = await db
    .selectFrom('terminal_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirstOrThrow();
  const principal = await principalFromKey(deps, grant.principal, grant.created_at);
  if (principal === undefined) throw invalid();
  // The caller's role is checked again now: a member removed after minting loses the terminal.
  const allocation = await allocationAccess(db, principal, allocationId, 'member');
  if (allocation.state !== 'running' || allocation.endpoint === null || allocation.runtime_secret === null) {
    throw new PlatformError(
      'ALLOCATION_NOT_RUNNING',
      `allocation ${allocationId} is ${allocation.state}, not running`,
    );
  }
  if (allocation.node_status === 'unreachable') {
    throw new PlatformError('RUNTIME_UNREACHABLE', `the node of allocation ${allocationId} is unreachable`);
  }
  if (
    !offeredProtocols(req).includes(TERMINAL_PROTOCOL) &&
    req.headers['sec-websocket-protocol'] !== undefined
  ) {
    throw new PlatformError('VALIDATION_FAILED', `offer the subprotocol ${TERMINAL_PROTOCOL}`);
  }
  const [actorType, actorId] = grant.principal.split(':') as ['user' | 'sa', string];
  await recordAuditEvent(db, {
    actor_type: actorType === 'user' ? 'user' : 'service_account',
    actor_id: actorId,
    action: 'allocation.terminal_open',
    target_type: 'allocation',
    target_id: allocationId,
    project_id: allocation.project_id,
    result: 'success',
    status: 101,
    correlation_id: correlationId,
    ip: req.socket.remoteAddress ?? null,
    details:
      grant.command === null ? null : JSON.stringify({ command: JSON.parse(grant.command) as string[] }),
  });
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
  const touch = () =>
    db
      .updateTable('allocations')
      .set({ last_activity_at: isoTime() })
      .where('id', '=', allocationId)
      .execute();
  const activity = setInterval(() => void touch().catch(() => undefined), ACTIVITY_EVERY_MS);
  const query: Record<string, string> = {};
  for (const name of ['cols', 'rows', 'term']) {
    const value = url.searchParams.get(name);
    if (value !== null) query[name] = value;
  }
  if (grant.command !== null) query.command = grant.command;
  const endpoint = allocation.endpoint;
  const upstream = endpoint.startsWith('unix:')
    ? { socketPath: endpoint.slice('unix:'.length) }
    : {
        url: endpoint,
        createConnection: remoteConnect({
          endpoint,
          secret: allocation.runtime_secret,
          certificateSha256: allocation.node_certificate_sha256,
        }),
      };
  try {
    await proxyTerminal(ws, upstream, {
      headers: { authorization: `Bearer ${allocation.runtime_secret}` },
      query,
      logger,
    });
  } finally {
    clearInterval(activity);
    await touch().catch(() => undefined);
    compute.nudge(allocation.node_id);
  }
}

async function openEvents(
  deps: UpgradeDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
): Promise<void> {
  const { db, compute, users, logger } = deps;
  const header = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token =
    header ??
    offeredProtocols(req)
      .find((p) => p.startsWith('gpuaas.bearer.'))
      ?.slice('gpuaas.bearer.'.length);
  if (token === undefined) throw new PlatformError('TOKEN_MISSING', 'the event stream needs a bearer token');
  const principal = await resolvePrincipal(deps, token);
  if (!hasScope(principal, 'events:read'))
    throw new PlatformError('INSUFFICIENT_SCOPE', 'the event stream needs scope events:read');
  const projectId = url.searchParams.get('project_id') ?? undefined;
  if (projectId !== undefined) await projectAccess(db, principal, projectId, 'viewer');
  const types = (url.searchParams.get('types') ?? '').split(',').filter(Boolean);
  const ws = await new Promise<WebSocket>((resolve) => wss.handleUpgrade(req, socket, head, resolve));
  const subscription = subscribeEvents({
    db,
    bus: compute.bus,
    logger,
    principal,
    refresh: (p) => currentStanding(db, users, p),
    types,
    projectId,
    write: (event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    },
    // 1008 (policy violation) with the catalog code as reason (at most 123 bytes).
    close: (reason) => ws.close(POLICY_VIOLATION, reason.code),
  });
  ws.on('close', () => subscription.stop());
  ws.on('message', () => undefined);
  ws.send(JSON.stringify({ type: 'stream.opened', operator: isOperator(principal) }));
}

/** Who minted a terminal token, as the database has them now (undefined when they no longer stand). */
async function principalFromKey(
  deps: UpgradeDeps,
  key: string,
  mintedAt: string,
): Promise<Principal | undefined> {
  const [kind, id] = key.split(':');
  if (id === undefined) return undefined;
  let principal: Principal;
  if (kind === 'user') {
    principal = { type: 'user', id, operator: false, scopes: undefined };
  } else {
    const sa = await deps.db
      .selectFrom('service_accounts')
      .select(['project_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (sa === undefined) return undefined;
    // As if presenting the token that minted it: a rotation since then ends it too.
    const issuedAt = Math.floor(Date.parse(mintedAt) / 1000);
    principal = { type: 'service_account', id, projectId: sa.project_id, scopes: [], issuedAt };
  }
  try {
    return await currentStanding(deps.db, deps.users, principal);
  } catch (error) {
    if (isPlatformError(error)) return undefined;
    throw error;
  }
}

function writeProblem(socket: Duplex, error: PlatformError, instance: string, correlationId: string): void {
  const body = JSON.stringify(problemDocument(error, instance, correlationId));
  const reason = PLATFORM_ERRORS[error.code].title;
  // The error's own headers (Retry-After of a rate-limit refusal, WWW-Authenticate) go along.
  const extra = Object.entries(error.headers ?? {})
    .filter(([name, value]) => /^[A-Za-z-]+$/.test(name) && !/[\r\n]/.test(value))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${error.status} ${reason}\r\n` +
      extra +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Correlation-Id: ${correlationId}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
