/**
 * The runtime's only way out of its sandbox: an HTTP CONNECT tunnel on a Unix socket inside the
 * allocation's socket folder, owned by the runtime's host uid (mode 0600, so tenant code, another
 * uid, cannot use it). The sandbox itself has a network namespace with loopback only; the tunnel
 * opens TCP connections to the destinations on the allow-list (the platform, the registries the
 * trust policy names) and to nothing else: not the node's PostgreSQL, not the agent, not another
 * loopback service.
 */
import { chmod, chown, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { AgentLogger } from './sandbox.js';

/** host:port destinations, lower case, e.g. `127.0.0.1:8080`, `registry.example.com:443`. */
export type EgressAllowList = () => readonly string[];

const MAX_HEADER = 8192;
const CONNECT_LINE = /^CONNECT ([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5}) HTTP\/1\.[01]$/;

/** Normalises `http(s)://host[:port]/…` or `host:port` into the allow-list's `host:port` form. */
export function egressTarget(urlOrHostPort: string): string | undefined {
  try {
    const url = new URL(urlOrHostPort.includes('://') ? urlOrHostPort : `http://${urlOrHostPort}`);
    const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
    return `${url.hostname.toLowerCase()}:${port}`;
  } catch {
    return undefined;
  }
}

/** The allow-list entries of these URLs or host:port pairs, each once, in order; unreadable ones left out. */
export function egressTargets(destinations: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const destination of destinations) {
    const target = egressTarget(destination);
    if (target !== undefined) out.add(target);
  }
  return [...out];
}

export interface EgressTunnel {
  path: string;
  close(): Promise<void>;
}

export async function startEgressTunnel(options: {
  path: string;
  /** The host uid allowed to use the socket (the runtime's); undefined: the agent's own. */
  ownerUid?: number;
  allow: EgressAllowList;
  allocationId: string;
  logger: AgentLogger;
}): Promise<EgressTunnel> {
  const { logger, allocationId } = options;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEADER) refuse(client, 431, 'request header too large');
        return;
      }
      client.off('data', onData);
      client.pause();
      const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const rest = head.subarray(end + 4);
      const match = CONNECT_LINE.exec(line);
      if (match === null) {
        refuse(client, 405, 'only CONNECT host:port is served here');
        return;
      }
      const host = (match[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase();
      const port = Number(match[2]);
      const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      const allowed = options.allow();
      if (!allowed.includes(target) && !allowed.includes(`${host}:${port}`)) {
        logger.warn({ allocation_id: allocationId, target }, 'sandbox egress refused: not on the allow-list');
        refuse(client, 403, `${target} is not on this allocation's egress allow-list`);
        return;
      }
      const upstream = connect({ host, port });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', (error) => {
        if (!upstream.connecting) {
          client.destroy();
          return;
        }
        refuse(client, 502, `cannot reach ${target}: ${error.message}`);
      });
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await rm(options.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.path, () => resolve());
  });
  if (options.ownerUid !== undefined) await chown(options.path, options.ownerUid, options.ownerUid);
  await chmod(options.path, 0o600);
  return {
    path: options.path,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(client: Socket, status: number, message: string): void {
  const reason = { 403: 'Forbidden', 405: 'Method Not Allowed', 431: 'Too Large', 502: 'Bad Gateway' }[
    status
  ];
  client.end(
    `HTTP/1.1 ${status} ${reason ?? 'Refused'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message) + 1}\r\nConnection: close\r\n\r\n${message}\n`,
  );
}
