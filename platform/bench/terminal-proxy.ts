/**
 * The proxy side of `npm run bench:terminal`, in its own process (forked by terminal.bench.ts) so
 * its peak RSS is its own: an HTTP server on 127.0.0.1 whose WebSocket upgrades go through
 * `proxyTerminal` to the runtime's Unix socket, as the platform does.
 *
 * argv: SOCKET_PATH SECRET_FILE. Sends `{ port }` over IPC when listening; exits on 'stop'.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { proxyTerminal } from '@gpuaas/platform';

export interface ProxyReady {
  port: number;
}

const [socketPath, secretFile] = process.argv.slice(2);
if (socketPath === undefined || secretFile === undefined) {
  throw new Error('usage: terminal-proxy.ts SOCKET SECRET_FILE');
}
const secret = readFileSync(secretFile, 'utf8').trim();

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has('gpuaas.terminal.v1') ? 'gpuaas.terminal.v1' : false),
});
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://proxy').searchParams);
  wss.handleUpgrade(req, socket, head, (ws) => {
    void proxyTerminal(ws, { socketPath }, { headers: { authorization: `Bearer ${secret}` }, query });
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.send?.({ port: (server.address() as AddressInfo).port } satisfies ProxyReady);
process.on('message', (message) => {
  if (message === 'stop') {
    server.closeAllConnections();
    server.close();
    process.disconnect();
  }
});
