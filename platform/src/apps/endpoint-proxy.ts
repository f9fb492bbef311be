/**
 * An app's endpoints reached through the platform: the part that does not depend on how the
 * request arrived (`/v1/allocations/{id}/app/endpoints/{name}/…` today, a per-instance URL later).
 *
 * Who: members and up of the allocation's project (viewers are refused: an endpoint may change
 * the app's state, and what it serves is the tenant's data), with a token allowing
 * `allocations:write`; others do not see the allocation (404).
 *
 * What the app receives: the caller's request with the platform's credentials taken out (its
 * `Authorization`, every cookie: on the platform's origin a cookie is the platform's, since the
 * relay never lets an app set one), hop-by-hop headers removed, and `X-Forwarded-For`,
 * `-Host`, `-Proto`, `-Prefix` plus `X-Gpuaas-User` (`user:<id>` or `sa:<id>`) set by the platform
 * (the caller's own are dropped, never trusted). What the caller receives: the app's status,
 * headers and body as they come, less hop-by-hop headers and `Set-Cookie`, with
 * `Content-Security-Policy: sandbox` so a page an app serves runs in an opaque origin and cannot
 * script the platform's.
 *
 * The platform reaches the app through the allocation's runtime, which alone can reach
 * 127.0.0.1:<port> in the sandbox's network namespace: requests go over endpoint tunnels (byte
 * pipes to the app's port the runtime opens: apps/endpoint-tunnels.ts, docs/runtime.md), or through
 * the runtime's per-request relay (runtime/src/control/endpoints.ts) where a runtime offers no
 * tunnels; bodies stream both ways and WebSocket upgrades are joined byte for byte. Requests are not audited (they are the app's
 * traffic, not the platform's state).
 */
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream';
import { endToEndHeaders } from '@gpuaas/sdk/common';
import type { Kysely } from 'kysely';
import { allocationAccess } from '../allocations/access.js';
import type { AllocationRow } from '../allocations/views.js';
import { runtimeAddress } from '../allocations/runtime-client.js';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import type { Principal } from '../auth/principal.js';
import { hasScope, principalKey } from '../auth/principal.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { RUNTIME_CODE_HEADER, runtimeRefusal, unreachable } from './endpoint-refusals.js';

export { RUNTIME_CODE_HEADER };
import { EndpointTunnels, NoTunnel } from './endpoint-tunnels.js';

/** The scope a token needs to reach an app's endpoints (openapi.yaml declares the same). */
export const ENDPOINT_SCOPE = 'allocations:write';
/** The least project role that reaches an app's endpoints. */
export const ENDPOINT_ROLE = 'member';
/** Endpoint names are DNS labels (manifest schema). */
export const ENDPOINT_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Browsers that cannot set headers on a WebSocket offer the bearer token as this subprotocol. */
export const BEARER_SUBPROTOCOL_PREFIX = 'gpuaas.bearer.';
/** What every relayed answer carries: an app's page is sandboxed into an opaque origin. */
export const ENDPOINT_CSP = 'sandbox allow-scripts allow-forms allow-popups allow-downloads';

/** Request headers the platform sets or consumes: the caller's are never passed on. */
const PLATFORM_REQUEST_HEADERS = new Set([
  'authorization',
  'cookie',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-prefix',
  'x-forwarded-port',
  'x-real-ip',
  'x-gpuaas-user',
  RUNTIME_CODE_HEADER,
]);

/** Response headers an app may not send to the caller through the platform's origin. */
const APP_RESPONSE_BLOCKED = new Set(['set-cookie', 'set-cookie2', RUNTIME_CODE_HEADER]);

/** One relayed request, whatever URL it came by. */
export interface EndpointRequest {
  endpoint: string;
  /** The path below the endpoint, starting with `/` (dot segments resolved), and the query (`?…` or ''). */
  path: string;
  search: string;
  method: string;
  headers: IncomingHttpHeaders;
  /** What the caller's request looked like, for X-Forwarded-*. */
  forwarded: { for: string | undefined; host: string | undefined; proto: string; prefix: string };
  principal: Principal;
  correlationId: string;
}

/**
 * The runtime of an allocation the principal may reach endpoints of: NOT_FOUND when invisible,
 * FORBIDDEN below member, INSUFFICIENT_SCOPE without `allocations:write`, ALLOCATION_NOT_RUNNING
 * and RUNTIME_UNREACHABLE when there is nothing to relay to.
 */
export async function endpointRuntime(
  db: Kysely<Tables>,
  principal: Principal,
  allocationId: string,
  options: { peopleOnly?: string } = {},
): Promise<{ allocation: AllocationRow; target: RuntimeTarget }> {
  if (!hasScope(principal, ENDPOINT_SCOPE))
    throw new PlatformError('INSUFFICIENT_SCOPE', `an app's endpoints need scope ${ENDPOINT_SCOPE}`);
  const allocation = await allocationAccess(db, principal, allocationId, ENDPOINT_ROLE);
  // Who may ask is settled before whether the runtime can answer: a refusal never depends on
  // the node's health at that moment.
  if (options.peopleOnly !== undefined && principal.type !== 'user')
    throw new PlatformError('FORBIDDEN', options.peopleOnly);
  if (allocation.state !== 'running' || allocation.endpoint === null || allocation.runtime_secret === null) {
    throw new PlatformError(
      'ALLOCATION_NOT_RUNNING',
      `allocation ${allocationId} is ${allocation.state}, not running`,
    );
  }
  if (allocation.node_status === 'unreachable')
    throw new PlatformError('RUNTIME_UNREACHABLE', `the node of allocation ${allocationId} is unreachable`);
  return {
    allocation,
    target: {
      endpoint: allocation.endpoint,
      secret: allocation.runtime_secret,
      certificateSha256: allocation.node_certificate_sha256,
    },
  };
}

/**
 * The sub-path below an endpoint, made safe: dot segments resolved so it can never climb out of
 * `/v1/app/endpoints/{name}/` on the runtime, and always starting with `/`.
 */
export function normalizeSubPath(raw: string): string {
  return new URL(raw.startsWith('/') ? raw : `/${raw}`, 'http://relay').pathname;
}

/** The headers the runtime (and through it the app) receives for `req`. */
export function endpointRequestHeaders(
  req: EndpointRequest,
  runtimeSecret: string | undefined,
  upgrade: boolean,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = endToEndHeaders(req.headers, (name) => PLATFORM_REQUEST_HEADERS.has(name));
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const kept = protocols
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '' && !p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
    if (kept.length === 0) delete out['sec-websocket-protocol'];
    else out['sec-websocket-protocol'] = kept.join(', ');
  }
  if (upgrade && req.headers.upgrade !== undefined) {
    out.connection = 'upgrade';
    out.upgrade = req.headers.upgrade;
  }
  if (req.forwarded.for !== undefined) out['x-forwarded-for'] = req.forwarded.for;
  if (req.forwarded.host !== undefined) out['x-forwarded-host'] = req.forwarded.host;
  out['x-forwarded-proto'] = req.forwarded.proto;
  out['x-forwarded-prefix'] = req.forwarded.prefix;
  out['x-gpuaas-user'] = principalKey(req.principal);
  out['x-correlation-id'] = req.correlationId;
  // Over a tunnel the request goes to the app itself, which never sees the runtime's secret.
  if (runtimeSecret !== undefined) out.authorization = `Bearer ${runtimeSecret}`;
  return out;
}

/** The app's answer headers as the caller gets them. */
export function endpointResponseHeaders(headers: IncomingHttpHeaders, upgrade = false): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = endToEndHeaders(headers, (name) => APP_RESPONSE_BLOCKED.has(name));
  if (upgrade) {
    out.connection = 'Upgrade';
    out.upgrade = headers.upgrade ?? 'websocket';
  } else {
    out['content-security-policy'] = ENDPOINT_CSP;
    out['x-content-type-options'] = 'nosniff';
  }
  return out;
}

function runtimeRequestOptions(target: RuntimeTarget, req: EndpointRequest, upgrade: boolean) {
  return {
    ...runtimeAddress(target),
    method: req.method,
    path: `/v1/app/endpoints/${encodeURIComponent(req.endpoint)}${normalizeSubPath(req.path)}${req.search}`,
    headers: endpointRequestHeaders(req, target.secret, upgrade),
  };
}

/** Whether a request carries a body (RFC 9112 §6.3: only with Content-Length or Transfer-Encoding). */
function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && length !== '0';
}

/**
 * The tunnels every relay of this process shares (apps/endpoint-tunnels.ts): pools are per runtime
 * and endpoint, so platforms in one process (tests) never share a connection.
 */
const tunnels = new EndpointTunnels();

/**
 * Sends `req` with `body` streamed to the app and resolves with the app's answer, not read yet
 * (the caller streams it on with `endpointResponseHeaders`): over a tunnel to the app, or through
 * the runtime's per-request relay when the runtime offers no tunnels. Rejects with the runtime's
 * refusal (NOT_FOUND, APP_NOT_READY, APP_ENDPOINT_UNREACHABLE) or RUNTIME_UNREACHABLE.
 */
export async function relayEndpointRequest(
  target: RuntimeTarget,
  req: EndpointRequest,
  body: Readable,
): Promise<IncomingMessage> {
  if (!tunnels.refuses(target, req.endpoint)) {
    try {
      return await tunnels.request(
        target,
        req.endpoint,
        {
          method: req.method,
          subPath: `${normalizeSubPath(req.path)}${req.search}`,
          headers: endpointRequestHeaders(req, undefined, false),
          hasBody: hasBody(req.headers),
        },
        body,
      );
    } catch (error) {
      if (!(error instanceof NoTunnel)) throw error;
    }
  }
  return relayPerRequest(target, req, body);
}

/**
 * The runtime's per-request relay (runtimes without tunnels): sends `req` with `body` streamed
 * to the app and resolves with the app's answer, not read yet
 * (the caller streams it on with `endpointResponseHeaders`). Rejects with the runtime's refusal
 * (NOT_FOUND, APP_NOT_READY, APP_ENDPOINT_UNREACHABLE) or RUNTIME_UNREACHABLE.
 *
 * Streams are joined with `pipe` and explicit ends rather than `stream.pipeline`: pipeline's
 * per-call abort controller and end-of-stream watchers were a tenth of the relay's CPU, and a
 * request without a body (most of them) needs no piping at all.
 */
function relayPerRequest(
  target: RuntimeTarget,
  req: EndpointRequest,
  body: Readable,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstream = request(runtimeRequestOptions(target, req, false));
    upstream.on('response', (res) => {
      const code = res.headers[RUNTIME_CODE_HEADER];
      if (typeof code === 'string') runtimeRefusal(res, code).then(reject, reject);
      else resolve(res);
    });
    upstream.on('error', (error) => reject(unreachable(error)));
    if (!hasBody(req.headers)) {
      upstream.end();
      return;
    }
    body.pipe(upstream);
    // A caller that leaves mid-upload aborts the request to the app too.
    body.on('close', () => {
      if (!body.readableEnded) upstream.destroy(new Error('the caller left during the upload'));
    });
  });
}

/**
 * Streams the app's answer to the caller (headers already written). A caller that leaves stops the
 * app's answer; an answer cut short cuts the caller's connection, so the caller sees an
 * incomplete body rather than one that looks whole.
 */
export function streamEndpointAnswer(
  answer: IncomingMessage,
  res: Writable & { writableFinished: boolean },
): void {
  answer.pipe(res);
  answer.on('error', () => res.destroy());
  answer.on('close', () => {
    if (!answer.complete) res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) answer.destroy();
  });
}

/**
 * Relays a WebSocket (or any HTTP/1.1 Upgrade) to the app: once the app answers 101 the two
 * sockets are joined byte for byte (frames are not parsed: flow control is TCP's, both ways).
 * Resolves when the upgrade is answered; rejects before anything was written to `client` (the
 * caller then answers with a problem document).
 */
export function relayEndpointUpgrade(
  target: RuntimeTarget,
  req: EndpointRequest,
  client: Duplex,
  head: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = request(runtimeRequestOptions(target, req, true));
    let answered = false;
    client.on('close', () => {
      if (!answered) upstream.destroy();
    });
    upstream.on('upgrade', (res, appSocket, appHead) => {
      answered = true;
      client.write(headLines(101, 'Switching Protocols', endpointResponseHeaders(res.headers, true)));
      if (appHead.length > 0) client.write(appHead);
      if (head.length > 0) appSocket.write(head);
      const done = () => {
        appSocket.destroy();
        client.destroy();
      };
      pipeline(appSocket, client, done);
      pipeline(client, appSocket, done);
      resolve();
    });
    upstream.on('response', (res) => {
      answered = true;
      const code = res.headers[RUNTIME_CODE_HEADER];
      if (typeof code === 'string') {
        runtimeRefusal(res, code).then(reject, reject);
        return;
      }
      // The app declined the upgrade: its answer goes back as it is, then the connection closes.
      const headers = { ...endpointResponseHeaders(res.headers), connection: 'close' };
      client.write(headLines(res.statusCode ?? 502, res.statusMessage ?? '', headers));
      pipeline(res, client, () => client.destroy());
      resolve();
    });
    upstream.on('error', (error) => {
      if (answered) client.destroy();
      else reject(unreachable(error));
    });
    upstream.end();
  });
}

function headLines(status: number, reason: string, headers: OutgoingHttpHeaders): string {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(v)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
