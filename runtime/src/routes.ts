/**
 * The runtime's route table: plain HTTP routes and WebSocket upgrade routes on one server, each
 * behind the runtime secret unless it says otherwise. Paths may hold `{name}` segments, which
 * arrive in `ctx.params`.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { RuntimeError, isRuntimeError } from './errors.js';
import type { RuntimeErrorCode } from './errors.js';

export interface RouteContext {
  url: URL;
  params: Record<string, string>;
  logger: Logger;
}

export interface RuntimeRoute {
  /** `*`: any method (a relay). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';
  /**
   * Exact path; a `{name}` segment matches any one segment, and a last segment `{*name}` the rest
   * of the path (zero or more segments, raw: not decoded), without its leading slash.
   */
  path: string;
  /** 'secret' (the default): the caller must send `authorization: Bearer <runtime secret>`. */
  auth?: 'secret' | 'none';
  handle?: (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void | Promise<void>;
  /** WebSocket upgrade; throw a RuntimeError to refuse with its status before upgrading. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RouteContext) => void | Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  error: RuntimeError,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, error.status, { code: error.code, message: error.message });
}

function refuseUpgrade(socket: Duplex, error: RuntimeError, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ code: error.code, message: error.message });
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'connection: close',
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  const rest = want.at(-1)?.startsWith('{*') === true ? want.pop()!.slice(2, -1) : undefined;
  if (rest === undefined ? want.length !== got.length : got.length < want.length) return undefined;
  const params: Record<string, string> = {};
  if (rest !== undefined) params[rest] = got.slice(want.length).join('/');
  for (const [i, segment] of want.entries()) {
    const actual = got[i]!;
    if (segment.startsWith('{') && segment.endsWith('}') && actual !== '') {
      params[segment.slice(1, -1)] = decodeURIComponent(actual);
    } else if (segment !== actual) return undefined;
  }
  return params;
}

type Resolved =
  { route: RuntimeRoute; ctx: RouteContext } | { error: RuntimeError; headers?: Record<string, string> };

export interface Router {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createRouter(
  routes: readonly RuntimeRoute[],
  options: { authorized: (header: string | undefined) => boolean; logger: Logger },
): Router {
  const { logger } = options;
  const fail = (code: RuntimeErrorCode, message: string, headers?: Record<string, string>): Resolved =>
    headers === undefined
      ? { error: new RuntimeError(code, message) }
      : { error: new RuntimeError(code, message), headers };

  function resolve(req: IncomingMessage, upgrade: boolean): Resolved {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://runtime');
    } catch {
      return fail('REQUEST_INVALID', 'the request target is not a URL path');
    }
    const matches = routes
      .map((route) => ({ route, params: matchPath(route.path, url.pathname) }))
      .filter((m): m is { route: RuntimeRoute; params: Record<string, string> } => m.params !== undefined);
    if (matches.length === 0) return fail('ROUTE_NOT_FOUND', `no endpoint at ${url.pathname}`);
    const match = matches.find((m) => m.route.method === req.method || m.route.method === '*');
    if (match === undefined) {
      return fail('METHOD_NOT_ALLOWED', `${req.method ?? '?'} is not allowed here`, {
        allow: [...new Set(matches.map((m) => m.route.method))].join(', '),
      });
    }
    if ((match.route.auth ?? 'secret') === 'secret' && !options.authorized(req.headers.authorization)) {
      return fail('UNAUTHORIZED', 'the runtime secret is missing or wrong', { 'www-authenticate': 'Bearer' });
    }
    if (upgrade ? match.route.upgrade === undefined : match.route.handle === undefined) {
      return upgrade
        ? fail('ROUTE_NOT_FOUND', `${url.pathname} does not take a WebSocket upgrade`)
        : fail('UPGRADE_REQUIRED', `${url.pathname} speaks WebSocket only`, { upgrade: 'websocket' });
    }
    return { route: match.route, ctx: { url, params: match.params, logger } };
  }

  const internal = (error: unknown): RuntimeError => {
    if (isRuntimeError(error)) return error;
    logger.error({ err: error }, 'runtime: request failed');
    return new RuntimeError('INTERNAL', 'internal error', { cause: error });
  };

  return {
    handleRequest(req, res) {
      const resolved = resolve(req, false);
      if ('error' in resolved) {
        sendError(res, resolved.error, resolved.headers);
        return;
      }
      const { route, ctx } = resolved;
      Promise.resolve()
        .then(() => route.handle!(req, res, ctx))
        .catch((error: unknown) => {
          if (res.headersSent) res.destroy();
          else sendError(res, internal(error));
        });
    },
    handleUpgrade(req, socket, head) {
      socket.on('error', (error) => logger.debug({ err: error }, 'runtime: upgrade socket error'));
      const resolved = resolve(req, true);
      if ('error' in resolved) {
        refuseUpgrade(socket, resolved.error, resolved.headers);
        return;
      }
      const { route, ctx } = resolved;
      Promise.resolve()
        .then(() => route.upgrade!(req, socket, head, ctx))
        .catch((error: unknown) => {
          if (socket.writable) refuseUpgrade(socket, internal(error));
          else socket.destroy();
        });
    },
  };
}
