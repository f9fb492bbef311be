/**
 * A byte-counting TCP proxy in front of a registry. The bench reads "bytes uploaded" from the
 * CLI's own JSON, and this proxy checks that claim from the outside: every byte a client sends to
 * the registry (headers included) passes through it. Only used for steps that should move almost
 * nothing (re-publish, promotion), so its cost never lands in a throughput figure.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  /** `127.0.0.1:PORT` to use in image references instead of the registry's host. */
  host: string;
  /** Bytes clients sent towards the registry since the last `reset()`. */
  readonly bytesUp: number;
  /** Bytes the registry sent back since the last `reset()`. */
  readonly bytesDown: number;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards every connection to `target` (host:port). */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const separator = target.lastIndexOf(':');
  const targetHost = target.slice(0, separator);
  const targetPort = Number(target.slice(separator + 1));
  let up = 0;
  let down = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
    });
    upstream.on('data', (chunk: Buffer) => {
      down += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.once('close', drop).once('error', drop);
    upstream.once('close', drop).once('error', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    get bytesUp() {
      return up;
    },
    get bytesDown() {
      return down;
    },
    reset() {
      up = 0;
      down = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
