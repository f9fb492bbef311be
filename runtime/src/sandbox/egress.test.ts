import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tunnelConnector, tunnelTo } from './egress.js';

/** A CONNECT proxy on a Unix socket that lets through one port only (the node agent's, in small). */
function proxy(path: string, allowedPort: number): Promise<Server> {
  const server = createServer((client) => {
    client.once('data', (chunk: Buffer) => {
      const [, host, port] = /^CONNECT ([^:]+):(\d+) /.exec(chunk.toString()) ?? [];
      if (Number(port) !== allowedPort) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden');
        return;
      }
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('the runtime reaching the network through the egress tunnel', () => {
  let dir: string;
  let web: HttpServer;
  let tunnel: Server;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rt-egress-'));
    web = createHttpServer((req, res) => res.end(`hello ${req.method} ${req.url}`));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    port = (web.address() as { port: number }).port;
    tunnel = await proxy(join(dir, 'egress.sock'), port);
  });
  afterAll(async () => {
    web?.close();
    tunnel?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches through the tunnel with an undici dispatcher (what useEgressTunnel installs globally)', async () => {
    const dispatcher = new Agent({ connect: tunnelConnector(join(dir, 'egress.sock')) });
    const res = await fetch(`http://127.0.0.1:${port}/v2/`, { dispatcher });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello GET /v2/');
    await dispatcher.close();
  });

  it('fails with EGRESS_REFUSED, naming the destination and the reason, when the node refuses', async () => {
    const error = await tunnelTo(join(dir, 'egress.sock'), '127.0.0.1', 5432).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'EGRESS_REFUSED' });
    expect((error as Error).message).toMatch(/127\.0\.0\.1:5432 \(403\): forbidden/);
  });

  it('fails with EGRESS_REFUSED when there is no tunnel', async () => {
    await expect(tunnelTo(join(dir, 'missing.sock'), '127.0.0.1', port)).rejects.toMatchObject({
      code: 'EGRESS_REFUSED',
    });
  });
});
