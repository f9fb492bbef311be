/**
 * Inside a sandbox the runtime has no network of its own (a network namespace with loopback
 * only): every HTTP(S) connection it makes (the registry, the platform's token endpoint and usage
 * API) goes through the node agent's CONNECT tunnel on a Unix socket. Installing this dispatcher
 * globally routes the fetch of the sdk's OCI and REST clients through it, TLS included (the TLS
 * session runs end to end through the tunnel).
 */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, setGlobalDispatcher } from 'undici';
import type { buildConnector } from 'undici';
import { RuntimeError } from '../errors.js';

const MAX_HEADER = 8192;

/** Opens a raw TCP stream to host:port through the tunnel at `socketPath`. */
export function tunnelTo(socketPath: string, host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(socketPath);
    let head = Buffer.alloc(0);
    const fail = (message: string): void => {
      socket.destroy();
      reject(new RuntimeError('EGRESS_REFUSED', message));
    };
    socket.once('error', (error) => fail(`the egress tunnel ${socketPath}: ${error.message}`));
    socket.once('connect', () => {
      const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEADER) fail('the egress tunnel sent an oversized answer');
        return;
      }
      socket.off('data', onData);
      socket.removeAllListeners('error');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1];
      if (status !== '200') {
        const body = head
          .subarray(end + 4)
          .toString('utf8')
          .trim();
        fail(`the node refused a connection to ${host}:${port} (${status ?? '?'}): ${body}`);
        return;
      }
      if (end + 4 < head.length) socket.unshift(head.subarray(end + 4));
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** An undici connector that reaches every origin through the tunnel. */
export function tunnelConnector(socketPath: string): buildConnector.connector {
  return (options, callback) => {
    const https = options.protocol === 'https:';
    const port = Number(options.port !== '' && options.port !== undefined ? options.port : https ? 443 : 80);
    tunnelTo(socketPath, options.hostname, port).then(
      (raw) => {
        if (!https) {
          callback(null, raw);
          return;
        }
        const secure = tlsConnect({
          socket: raw,
          servername: options.servername ?? options.hostname,
          ALPNProtocols: ['http/1.1'],
        });
        secure.once('secureConnect', () => callback(null, secure));
        secure.once('error', (error: Error) => callback(error, null));
      },
      (error: Error) => callback(error, null),
    );
  };
}

/** Routes this process's fetch through the tunnel. */
export function useEgressTunnel(socketPath: string): void {
  setGlobalDispatcher(new Agent({ connect: tunnelConnector(socketPath) }));
}
