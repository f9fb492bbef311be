/**
 * Endpoint tunnels, the platform's side (docs/runtime.md, "Endpoint tunnels"): per allocation
 * runtime and endpoint, a pool of connections upgraded to `gpuaas-endpoint-tunnel/1`, each a byte
 * pipe to the app's port, over which the platform speaks HTTP/1.1 to the app and keeps the
 * connection for the next requests (an `http.Agent` whose connections are tunnels).
 *
 * Why: with the runtime relaying each request as an HTTP proxy of its own, a relayed request paid
 * for two HTTP hops on a node whose CPU is the app's (bench:apps); now the runtime joins bytes and
 * the platform, which must parse, authorize and rewrite the request anyway, is the only proxy.
 *
 * What a tunnel knows of its endpoint comes from the runtime's 101: the base path on the app and
 * the `Host` the app is reached at. A new tunnel that says otherwise (the app was upgraded to a
 * version that moved the endpoint) drops the pool and the request is sent again on a new one.
 * A runtime that answers the upgrade without a tunnel (one started before tunnels existed) is
 * remembered, and its requests take the per-request relay.
 *
 * A request without a body that fails on a kept connection before any answer (the app or the
 * runtime closed it while idle, or the app left its ready states) is sent once more on a fresh
 * tunnel, which then answers with the app's state if it no longer serves. Idle tunnels are closed
 * after TUNNEL_IDLE_MS, below the keep-alive timeouts of common app servers (Node's 5 s,
 * gunicorn's 2 s) so that the platform closes first.
 *
 * An app that closes its connection after every answer (an HTTP/1.0 server) would need a tunnel
 * per request, dearer than the runtime's relay, whose connection to the app is local: such an
 * endpoint is relayed per request, and asked again after a while.
 */
import { Agent, request } from 'node:http';
import type { ClientRequest, ClientRequestArgs, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import {
  ENDPOINT_TUNNEL_AUTHORITY_HEADER,
  ENDPOINT_TUNNEL_BASE_HEADER,
  ENDPOINT_TUNNEL_PROTOCOL,
} from '@gpuaas/sdk/common';
import { remoteConnect, runtimeAddress } from '../allocations/runtime-client.js';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import { PlatformError } from '../errors.js';
import { RUNTIME_CODE_HEADER, refusalFor, runtimeRefusal, unreachable } from './endpoint-refusals.js';

/** Idle tunnels are closed after this long (see above). */
export const TUNNEL_IDLE_MS = 1_500;
/** Connections to one app endpoint at most; more requests wait for one. */
const TUNNELS_PER_ENDPOINT = 128;
/** `Connection: close` answers in a row that make an endpoint relayed per request. */
const CLOSING_ANSWERS = 3;
/** Pools unused this long are dropped (their allocation was probably released). */
const POOL_UNUSED_MS = 60_000;

/** A request for the app, its headers already rewritten for it (no runtime secret). */
export interface TunnelRequest {
  method: string;
  /** The path below the endpoint (`/…`, dot segments resolved) and the query. */
  subPath: string;
  headers: OutgoingHttpHeaders;
  /** Whether `body` carries one (else the request is ended at once). */
  hasBody: boolean;
}

interface Opened {
  socket: Socket;
  base: string;
  authority: string;
}

/** Not a tunnel: the runtime answered the upgrade some other way (an older runtime). */
class NoTunnel extends Error {}
/** A new tunnel described the endpoint differently from the pool's first one. */
class EndpointMoved extends Error {}
/** A request that failed before the app can have acted on it: sent again once, else `reason`. */
class Resend extends Error {
  constructor(readonly reason: PlatformError) {
    super(reason.message);
  }
}

/** Opens one tunnel to `endpoint` of the app behind `target`. */
function openTunnel(target: RuntimeTarget, endpoint: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const address = runtimeAddress(target);
    const upgrade = request({
      // A new connection of its own, never a kept one the runtime may be closing: a Unix socket's
      // opened by a throwaway agent, a TCP one's by the pinned TLS connect (runtime-tls.ts), which
      // `http.request` only calls when there is no agent.
      ...('socketPath' in address
        ? { ...address, agent: false }
        : { host: address.host, port: address.port, createConnection: remoteConnect(target) }),
      path: `/v1/app/endpoints/${encodeURIComponent(endpoint)}/`,
      headers: {
        authorization: `Bearer ${target.secret}`,
        connection: 'Upgrade',
        upgrade: ENDPOINT_TUNNEL_PROTOCOL,
      },
    });
    upgrade.on('upgrade', (res, socket, head) => {
      const base = res.headers[ENDPOINT_TUNNEL_BASE_HEADER];
      const authority = res.headers[ENDPOINT_TUNNEL_AUTHORITY_HEADER];
      if (
        res.headers.upgrade !== ENDPOINT_TUNNEL_PROTOCOL ||
        typeof base !== 'string' ||
        typeof authority !== 'string'
      ) {
        socket.destroy();
        reject(new NoTunnel('the runtime upgraded to something else'));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      socket.setNoDelay(true);
      // A tunnel waiting to be taken (the spare) has no request listening: a reset then must
      // only close it. In use, the request's own listener reports it.
      socket.on('error', () => socket.destroy());
      resolve({ socket, base, authority });
    });
    upgrade.on('response', (res) => {
      const code = res.headers[RUNTIME_CODE_HEADER];
      if (typeof code === 'string') runtimeRefusal(res, code).then(reject, reject);
      else {
        res.resume();
        reject(new NoTunnel(`the runtime answered the tunnel with HTTP ${res.statusCode ?? 0}`));
      }
    });
    upgrade.on('error', (error) => reject(unreachable(error)));
    upgrade.end();
  });
}

/** An `http.Agent` whose connections are tunnels, kept between requests like any keep-alive one. */
class TunnelAgent extends Agent {
  constructor(private readonly connection: () => Duplex | Promise<Duplex>) {
    super({ keepAlive: true, maxSockets: TUNNELS_PER_ENDPOINT, timeout: TUNNEL_IDLE_MS });
  }

  override createConnection(
    _options: ClientRequestArgs,
    oncreate?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const connection = this.connection();
    if (!(connection instanceof Promise)) return connection;
    // Node's agent takes a connection through this callback when it is not returned; on failure
    // it is called with the error alone, and the request fails with it.
    connection.then(
      (socket) => oncreate?.(null, socket),
      (error: Error) => oncreate?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** The tunnels to one endpoint of one runtime, and what its first tunnel said of the endpoint. */
class EndpointPool {
  readonly agent: Agent;
  usedAt = Date.now();
  /** Answers in a row after which the app closed the connection. */
  closingAnswers = 0;
  #spare: Socket | undefined;
  #first: Promise<{ base: string; authority: string }> | undefined;
  #described: { base: string; authority: string } | undefined;
  #moved = false;

  constructor(
    readonly target: RuntimeTarget,
    readonly endpoint: string,
  ) {
    this.agent = new TunnelAgent(() => this.#connection());
  }

  /** The spare (the first tunnel, opened to learn the endpoint) if still open, else a new tunnel. */
  #connection(): Duplex | Promise<Duplex> {
    const spare = this.#spare;
    this.#spare = undefined;
    return spare !== undefined && !spare.destroyed ? spare : this.#another();
  }

  get moved(): boolean {
    return this.#moved;
  }

  /** The endpoint's base path and authority, from the pool's first tunnel (kept as the spare). */
  described(): Promise<{ base: string; authority: string }> {
    if (this.#described !== undefined) return Promise.resolve(this.#described);
    this.#first ??= openTunnel(this.target, this.endpoint).then(
      (opened) => {
        this.#described = { base: opened.base, authority: opened.authority };
        this.#spare = opened.socket;
        return this.#described;
      },
      (error: unknown) => {
        // The next request asks again: a refusal (the app not ready yet) is not for ever.
        this.#first = undefined;
        throw error;
      },
    );
    return this.#first;
  }

  async #another(): Promise<Socket> {
    const opened = await openTunnel(this.target, this.endpoint);
    const described = this.#described;
    if (
      described !== undefined &&
      (opened.base !== described.base || opened.authority !== described.authority)
    ) {
      opened.socket.destroy();
      this.#moved = true;
      throw new EndpointMoved(`endpoint ${this.endpoint} moved`);
    }
    return opened.socket;
  }

  close(): void {
    this.#spare?.destroy();
    this.agent.destroy();
  }
}

function poolKey(target: RuntimeTarget, endpoint: string): string {
  // The pin too: a tunnel checked against one certificate never serves a target pinned to another.
  return `${target.endpoint}\u0000${target.secret}\u0000${target.certificateSha256 ?? ''}\u0000${endpoint}`;
}

/** Whether a failed request may be sent again: nothing of it can have been acted on. */
function resendable(error: unknown, sent: ClientRequest, hasBody: boolean): boolean {
  if (error instanceof EndpointMoved) return true;
  if (hasBody || !sent.reusedSocket) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

export class EndpointTunnels {
  readonly #pools = new Map<string, EndpointPool>();
  /** Runtimes that answered without a tunnel: relayed per request until they are gone. */
  readonly #withoutTunnels = new Map<string, number>();
  /**
   * Endpoints whose app closes its connection after each answer (HTTP/1.0, or `Connection:
   * close` CLOSING_ANSWERS times in a row): a tunnel would be opened per request, which costs
   * more than the runtime's relay, whose connection to the app is local. Relayed per request.
   */
  readonly #closingApps = new Map<string, number>();
  readonly #sweeper: NodeJS.Timeout;

  constructor() {
    this.#sweeper = setInterval(() => this.#sweep(), POOL_UNUSED_MS);
    this.#sweeper.unref();
  }

  /** Whether `target` is known to take no tunnels (the caller relays per request). */
  refuses(target: RuntimeTarget, endpoint: string): boolean {
    return this.#withoutTunnels.has(target.endpoint) || this.#closingApps.has(poolKey(target, endpoint));
  }

  /**
   * Sends `req` to the app over a tunnel and resolves with its answer, not read yet. Rejects with
   * the runtime's refusal, RUNTIME_UNREACHABLE, APP_ENDPOINT_UNREACHABLE, or NoTunnel (see
   * `refuses`).
   */
  async request(
    target: RuntimeTarget,
    endpoint: string,
    req: TunnelRequest,
    body: Readable,
  ): Promise<IncomingMessage> {
    for (let attempt = 0; ; attempt++) {
      const pool = this.#pool(target, endpoint);
      try {
        return await this.#send(pool, req, body);
      } catch (error) {
        if (error instanceof NoTunnel) {
          this.#withoutTunnels.set(target.endpoint, Date.now());
          this.#drop(pool);
        }
        if (pool.moved) this.#drop(pool);
        if (!(error instanceof Resend)) throw error;
        // A kept tunnel closed under the request, then a new one finding the endpoint moved.
        if (attempt >= 2) throw error.reason;
      }
    }
  }

  async #send(pool: EndpointPool, req: TunnelRequest, body: Readable): Promise<IncomingMessage> {
    pool.usedAt = Date.now();
    const { base, authority } = await pool.described();
    return new Promise((resolve, reject) => {
      const sent = request({
        agent: pool.agent,
        method: req.method,
        path: `${base}${req.subPath}`,
        headers: { ...req.headers, host: authority },
        setHost: false,
      });
      sent.on('response', (res) => {
        this.#noteClosing(pool, res);
        resolve(res);
      });
      sent.on('error', (error) => {
        if (error instanceof PlatformError) reject(error);
        else if (resendable(error, sent, req.hasBody)) reject(new Resend(appUnreachable(error)));
        else reject(appUnreachable(error));
      });
      if (!req.hasBody) {
        sent.end();
        return;
      }
      body.pipe(sent);
      body.on('close', () => {
        if (!body.readableEnded) sent.destroy(new Error('the caller left during the upload'));
      });
    });
  }

  #noteClosing(pool: EndpointPool, res: IncomingMessage): void {
    const closes = res.httpVersionMinor === 0 || /\bclose\b/i.test(res.headers.connection ?? '');
    pool.closingAnswers = closes ? pool.closingAnswers + 1 : 0;
    if (res.httpVersionMinor === 0 || pool.closingAnswers >= CLOSING_ANSWERS)
      this.#closingApps.set(poolKey(pool.target, pool.endpoint), Date.now());
  }

  #pool(target: RuntimeTarget, endpoint: string): EndpointPool {
    const key = poolKey(target, endpoint);
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new EndpointPool(target, endpoint);
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #drop(pool: EndpointPool): void {
    const key = poolKey(pool.target, pool.endpoint);
    // Another request may have dropped it already and opened its successor under the same key.
    if (this.#pools.get(key) === pool) this.#pools.delete(key);
    pool.close();
  }

  #sweep(): void {
    const before = Date.now() - POOL_UNUSED_MS;
    for (const pool of [...this.#pools.values()]) if (pool.usedAt < before) this.#drop(pool);
    // Forgotten after a while: the runtime or the app may have been replaced by one that keeps them.
    for (const seen of [this.#withoutTunnels, this.#closingApps])
      for (const [key, at] of seen) if (at < before) seen.delete(key);
  }
}

function appUnreachable(error: Error): PlatformError {
  // A runtime that stopped offering tunnels mid-way is as unreachable as one that closed.
  if (error instanceof NoTunnel) return unreachable(error);
  return refusalFor('APP_ENDPOINT_UNREACHABLE', `the app closed the connection: ${error.message}`);
}

export { NoTunnel };
