import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressTarget, startEgressTunnel } from './egress.js';
import type { EgressTunnel } from './egress.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Sends `CONNECT target` through the tunnel; resolves with its status line and the open socket. */
function connectThrough(
  path: string,
  target: string,
): Promise<{ status: string; socket: Socket; rest: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let head = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    socket.on('data', function onData(chunk: Buffer) {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ status: head.split('\r\n')[0] ?? '', socket, rest: head.slice(end + 4) });
    });
  });
}

describe('the runtime’s egress tunnel', () => {
  let dir: string;
  let allowed: Server;
  let forbidden: Server;
  let tunnel: EgressTunnel;
  let allowedPort: number;
  let forbiddenPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-egress-'));
    const echo = (name: string) =>
      createServer((c) => c.on('data', (d: Buffer) => c.write(`${name}:${d.toString()}`)));
    allowed = echo('allowed');
    forbidden = echo('forbidden');
    await new Promise<void>((r) => allowed.listen(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => forbidden.listen(0, '127.0.0.1', () => r()));
    allowedPort = (allowed.address() as { port: number }).port;
    forbiddenPort = (forbidden.address() as { port: number }).port;
    tunnel = await startEgressTunnel({
      path: join(dir, 'egress.sock'),
      allow: () => [`127.0.0.1:${allowedPort}`],
      allocationId: 'a1',
      logger: silent,
    });
  });
  afterAll(async () => {
    await tunnel?.close();
    allowed?.close();
    forbidden?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a socket only its owner may use (mode 0600)', async () => {
    expect((await stat(tunnel.path)).mode & 0o777).toBe(0o600);
  });

  it('opens a stream to a destination on the allow-list and relays both ways', async () => {
    const { status, socket } = await connectThrough(tunnel.path, `127.0.0.1:${allowedPort}`);
    expect(status).toBe('HTTP/1.1 200 Connection Established');
    const answer = new Promise<string>((r) => socket.once('data', (d: Buffer) => r(d.toString())));
    socket.write('ping');
    expect(await answer).toBe('allowed:ping');
    socket.destroy();
  });

  it('refuses every other destination, a loopback service of the node included', async () => {
    for (const target of [`127.0.0.1:${forbiddenPort}`, '127.0.0.1:5432', `localhost:${allowedPort}`]) {
      const { status, rest, socket } = await connectThrough(tunnel.path, target);
      expect(status, target).toBe('HTTP/1.1 403 Forbidden');
      expect(rest).toContain('not on this allocation');
      socket.destroy();
    }
  });

  it('serves nothing but CONNECT host:port', async () => {
    const { status, socket } = await connectThrough(tunnel.path, `127.0.0.1:${allowedPort}`).then(
      async (first) => {
        first.socket.destroy();
        return new Promise<{ status: string; socket: Socket }>((resolve) => {
          const s = connect(tunnel.path);
          let head = '';
          s.on('connect', () => s.write(`GET http://127.0.0.1:${allowedPort}/ HTTP/1.1\r\nHost: x\r\n\r\n`));
          s.on('data', (c: Buffer) => {
            head += c.toString();
            if (head.includes('\r\n\r\n')) resolve({ status: head.split('\r\n')[0] ?? '', socket: s });
          });
        });
      },
    );
    expect(status).toBe('HTTP/1.1 405 Method Not Allowed');
    socket.destroy();
  });

  it('normalises URLs and host:port into the allow-list’s form', () => {
    expect(egressTarget('http://127.0.0.1:8080/oidc')).toBe('127.0.0.1:8080');
    expect(egressTarget('https://Registry.Example.com/v2/')).toBe('registry.example.com:443');
    expect(egressTarget('registry.example.com:5000')).toBe('registry.example.com:5000');
  });
});
