/**
 * The app's endpoints, relayed for the platform: `ANY /v1/app/endpoints/{name}/{*path}` (plain
 * HTTP and WebSocket upgrades) goes to `127.0.0.1:<port><base path>/<path>?<query>`. The runtime
 * and the app share the allocation's network namespace, so this is the only way in from outside.
 *
 * Only the endpoints the running app's manifest declares (http ones: a tcp endpoint is not
 * relayed), only while the app is ready or degraded (APP_ENDPOINT_NOT_FOUND 404, APP_NOT_READY
 * 409). Bodies stream both ways, never buffered; status and headers are kept, hop-by-hop headers
 * and the runtime secret (`authorization`) never reach the app. The runtime's own refusals carry
 * `x-gpuaas-runtime-code` so the platform tells them from the app's answers (an app's header of
 * that name is dropped).
 *
 * The platform itself asks for endpoint tunnels on the same route (an upgrade to
 * `gpuaas-endpoint-tunnel/1`, control/endpoint-tunnel.ts) and relays over them; the per-request
 * relay serves other callers and the app's WebSocket upgrades.
 */
import { STATUS_CODES, request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { endToEndHeaders } from '@gpuaas/sdk/common';
import type { Logger } from 'pino';
import type { AppState } from '../app/states.js';
import { RuntimeError, isRuntimeError } from '../errors.js';
import { sendJson } from '../routes.js';
import { openEndpointTunnel, wantsTunnel } from './endpoint-tunnel.js';
import type { RouteContext, RuntimeRoute } from '../routes.js';

/** Marks an answer as the runtime's refusal, not the app's: its value is the runtime code. */
export const RUNTIME_CODE_HEADER = 'x-gpuaas-runtime-code';

/** States in which an app's endpoints are relayed. */
const SERVING: readonly AppState[] = ['ready', 'degraded'];

export interface EndpointRelayOptions {
  /** The app launched here now, if any (AppController.instance). */
  instance: () => { state: AppState; manifest: GpuaasAppManifest } | undefined;
  logger: Logger;
  /** Where the app listens (default 127.0.0.1: the allocation's own loopback). */
  host?: string;
}

export interface EndpointTarget {
  port: number;
  /** The endpoint's base path on the app, without a trailing slash ('' for `/`). */
  base: string;
  /** The path on the app: the endpoint's base path joined with the relayed path, query kept. */
  path: string;
}

/** Where a request for `name` and `rest` goes, or why it cannot (a RuntimeError). */
export function endpointTarget(
  app: { state: AppState; manifest: GpuaasAppManifest } | undefined,
  name: string,
  rest: string,
  search: string,
): EndpointTarget {
  if (app === undefined || !SERVING.includes(app.state)) {
    throw new RuntimeError(
      'APP_NOT_READY',
      app === undefined ? 'no app has been launched here' : `the app is ${app.state}, not ready`,
    );
  }
  const endpoint = (app.manifest.endpoints ?? []).find((e) => e.name === name);
  if (endpoint === undefined || (endpoint.protocol ?? 'http') !== 'http') {
    const declared = (app.manifest.endpoints ?? [])
      .filter((e) => (e.protocol ?? 'http') === 'http')
      .map((e) => e.name);
    throw new RuntimeError(
      'APP_ENDPOINT_NOT_FOUND',
      `the app declares no http endpoint "${name}" (declared: ${declared.join(', ') || 'none'})`,
    );
  }
  const base = (endpoint.path ?? '/').replace(/\/+$/, '');
  return { port: endpoint.port, base, path: `${base}/${rest}${search}` };
}

/** The request's end-to-end headers, for the app: no hop-by-hop, no runtime secret. */
export function appRequestHeaders(headers: IncomingHttpHeaders, upgrade: boolean): IncomingHttpHeaders {
  const out = endToEndHeaders(headers, (name) => name === 'authorization' || name === RUNTIME_CODE_HEADER);
  if (upgrade && headers.upgrade !== undefined) {
    out.connection = 'upgrade';
    out.upgrade = headers.upgrade;
  }
  return out;
}

/** The app's response headers for the caller: no hop-by-hop, no header that fakes a runtime refusal. */
export function appResponseHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return endToEndHeaders(headers, (name) => name === RUNTIME_CODE_HEADER);
}

function refusal(error: RuntimeError): { status: number; headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ code: error.code, message: error.message });
  return {
    status: error.status,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      [RUNTIME_CODE_HEADER]: error.code,
    },
    body,
  };
}

function refuseRequest(res: ServerResponse, error: RuntimeError): void {
  const r = refusal(error);
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(r.status, r.headers);
  res.end(r.body);
}

/** Writes a whole HTTP/1.1 response head on a raw socket (an upgrade's answer). */
function headLines(status: number, headers: IncomingHttpHeaders | Record<string, string>): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function refuseUpgrade(socket: Duplex, error: RuntimeError): void {
  const r = refusal(error);
  socket.once('finish', () => socket.destroy());
  socket.end(headLines(r.status, { ...r.headers, connection: 'close' }) + r.body);
}

function unreachable(port: number, error: Error): RuntimeError {
  return new RuntimeError(
    'APP_ENDPOINT_UNREACHABLE',
    `the app does not answer on port ${port}: ${error.message}`,
    { cause: error },
  );
}

/** The relay's route: any method, any sub-path, upgrades included. */
export function endpointRoutes(options: EndpointRelayOptions): RuntimeRoute[] {
  const host = options.host ?? '127.0.0.1';
  const { logger } = options;
  /** Where the call goes in the running app; undefined once `refuse` has answered a refusal. */
  const targetOf = (ctx: RouteContext, refuse: (error: RuntimeError) => void): EndpointTarget | undefined => {
    try {
      return endpointTarget(options.instance(), ctx.params.name ?? '', ctx.params.path ?? '', ctx.url.search);
    } catch (error) {
      if (!isRuntimeError(error)) throw error;
      refuse(error);
      return undefined;
    }
  };
  return [
    {
      // What the running app declares, so the platform knows which endpoint is a console UI
      // extension (served on an origin of its own: platform/src/apps/ui-sessions.ts).
      method: 'GET',
      path: '/v1/app/endpoints',
      handle(_req: IncomingMessage, res: ServerResponse) {
        const app = options.instance();
        sendJson(res, 200, {
          state: app?.state ?? null,
          endpoints: (app?.manifest.endpoints ?? []).map((e) => ({
            name: e.name,
            protocol: e.protocol ?? 'http',
            ...(e.ui === undefined ? {} : { ui: e.ui }),
          })),
        });
      },
    },
    {
      method: '*',
      path: '/v1/app/endpoints/{name}/{*path}',
      handle(req: IncomingMessage, res: ServerResponse, ctx) {
        const target = targetOf(ctx, (error) => refuseRequest(res, error));
        if (target === undefined) return;
        const upstream = request({
          host,
          port: target.port,
          method: req.method,
          path: target.path,
          headers: appRequestHeaders(req.headers, false),
        });
        upstream.on('response', (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, appResponseHeaders(answer.headers));
          // The caller leaving (or a broken app stream) tears both down; nothing else to report.
          pipeline(answer, res, (error) => {
            if (error !== undefined)
              logger.debug({ err: error }, 'endpoint relay: response stream ended early');
          });
        });
        upstream.on('error', (error) => {
          if (!res.headersSent) refuseRequest(res, unreachable(target.port, error));
          else res.destroy(error);
        });
        res.on('close', () => {
          if (!res.writableFinished) upstream.destroy();
        });
        pipeline(req, upstream, (error) => {
          if (error !== undefined) logger.debug({ err: error }, 'endpoint relay: request stream ended early');
        });
      },
      upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx) {
        const target = targetOf(ctx, (error) => refuseUpgrade(socket, error));
        if (target === undefined) return;
        if (wantsTunnel(req.headers.upgrade)) {
          openEndpointTunnel(socket, head, {
            host,
            port: target.port,
            base: target.base,
            // Still the app that serves this endpoint at that port and base path.
            stillServing: () => {
              try {
                const now = endpointTarget(options.instance(), ctx.params.name ?? '', '', '');
                return now.port === target.port && now.base === target.base;
              } catch {
                return false;
              }
            },
            onUnreachable: (error) => refuseUpgrade(socket, unreachable(target.port, error)),
            logger,
          });
          return;
        }
        relayUpgrade(req, socket, head, {
          host,
          port: target.port,
          path: target.path,
          headers: appRequestHeaders(req.headers, true),
          onUnreachable: (error) => refuseUpgrade(socket, unreachable(target.port, error)),
          logger,
        });
      },
    },
  ];
}

/**
 * Opens the upgrade on the app and joins the two sockets byte for byte once the app answers 101;
 * any other answer is relayed as is and the connection closed.
 */
function relayUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  to: {
    host: string;
    port: number;
    path: string;
    headers: IncomingHttpHeaders;
    onUnreachable: (error: Error) => void;
    logger: Logger;
  },
): void {
  const upstream = request({
    host: to.host,
    port: to.port,
    method: req.method,
    path: to.path,
    headers: to.headers,
  });
  let answered = false;
  socket.on('close', () => {
    if (!answered) upstream.destroy();
  });
  upstream.on('upgrade', (answer, appSocket, appHead) => {
    answered = true;
    socket.write(headLines(101, appResponseUpgradeHeaders(answer.headers)));
    if (appHead.length > 0) socket.write(appHead);
    if (head.length > 0) appSocket.write(head);
    const done = (error: Error | null | undefined) => {
      if (error !== undefined && error !== null)
        to.logger.debug({ err: error }, 'endpoint relay: upgraded connection ended');
      appSocket.destroy();
      socket.destroy();
    };
    pipeline(appSocket, socket, done);
    pipeline(socket, appSocket, done);
  });
  upstream.on('response', (answer) => {
    answered = true;
    const headers = { ...appResponseHeaders(answer.headers), connection: 'close' };
    socket.write(headLines(answer.statusCode ?? 502, headers));
    pipeline(answer, socket, () => socket.destroy());
  });
  upstream.on('error', (error) => {
    if (!answered) {
      answered = true;
      to.onUnreachable(error);
    } else socket.destroy();
  });
  upstream.end();
}

/** A 101's headers: the end-to-end ones plus the upgrade itself. */
function appResponseUpgradeHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return { ...appResponseHeaders(headers), connection: 'Upgrade', upgrade: headers.upgrade ?? 'websocket' };
}
