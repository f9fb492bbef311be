/**
 * A runtime reachable from every platform instance: the runtime serves its control API and
 * terminal on a Unix socket inside its sandbox's folder (the sandbox has no network of its own),
 * which only processes on this node can open. On a remote node the agent listens on a TCP port of
 * the node for each running allocation, ends TLS there with the node's certificate
 * (runtime-tls.ts) and joins every connection to that socket byte for byte; the platform reaches
 * `https://<advertised address>:<port>` from any instance, pinned to the certificate the node
 * registered. The runtime still authenticates every request and terminal with its own secret
 * (which only the platform holds), so the port gives nothing without it, and TLS keeps that
 * secret, terminal bytes and app traffic off the wire in clear text (docs/scale-out.md).
 */
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:tls';
import type { AgentLogger } from './sandbox.js';
import type { RuntimeTls } from './runtime-tls.js';

export interface RuntimeAddressOptions {
  /** The host (name or IP) platform instances reach this node by. */
  advertise: string;
  /** Where to listen (default: the advertised host; `0.0.0.0` for every interface). */
  listen?: string;
}

export interface RuntimeForward {
  /** `https://<advertise>:<port>`: what the agent reports as the runtime's endpoint. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** `host` as the host part of a URL (IPv6 literals in brackets). */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Listens on a free port of `address.listen` and joins each connection to the runtime's socket. */
export async function forwardRuntime(
  socketPath: string,
  address: RuntimeAddressOptions,
  context: { allocationId: string; logger: AgentLogger; tls: RuntimeTls },
): Promise<RuntimeForward> {
  const open = new Set<Socket>();
  const server = createServer({ noDelay: true, key: context.tls.key, cert: context.tls.cert }, (client) => {
    const runtime = connect(socketPath);
    open.add(client);
    open.add(runtime);
    const end = (error?: Error) => {
      if (error !== undefined && (error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
        context.logger.debug(
          { allocation_id: context.allocationId, err: error },
          'runtime forward connection ended with an error',
        );
      }
      client.destroy();
      runtime.destroy();
    };
    client.on('error', end).on('close', () => {
      open.delete(client);
      runtime.end();
    });
    runtime.on('error', end).on('close', () => {
      open.delete(runtime);
      client.end();
    });
    client.pipe(runtime);
    runtime.pipe(client);
  });
  const host = address.listen ?? address.advertise;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `https://${urlHost(address.advertise)}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
