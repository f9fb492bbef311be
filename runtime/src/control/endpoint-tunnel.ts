/**
 * Endpoint tunnels (docs/runtime.md, "Endpoint tunnels"): the platform upgrades a connection on
 * `/v1/app/endpoints/{name}/` to `gpuaas-endpoint-tunnel/1` and the runtime joins it to the app's
 * port byte for byte. The platform then speaks HTTP/1.1 to the app itself over it, keeping it for
 * the next requests.
 *
 * Why: the platform already parses, authorizes and rewrites every request it relays; a runtime
 * that parsed and rewrote it again was a second HTTP proxy on the request's path, and on a shared
 * GPU node its CPU is the app's (bench:apps). A tunnel costs the runtime a read and a write per
 * chunk.
 *
 * What stays as strict as the per-request relay: the tunnel is opened with the runtime secret,
 * for one http endpoint the running app declares, only while the app is ready or degraded. The
 * app's readiness is checked again whenever the platform sends bytes: once the app has left those
 * states, or another version runs, the tunnel is closed instead of carrying the request (the
 * platform opens a new one, which is refused with the app's state).
 */
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  ENDPOINT_TUNNEL_AUTHORITY_HEADER,
  ENDPOINT_TUNNEL_BASE_HEADER,
  ENDPOINT_TUNNEL_PROTOCOL,
} from '@gpuaas/sdk/common';
import type { Logger } from 'pino';

/** Whether an upgrade request asks for a tunnel (rather than a WebSocket for the app). */
export function wantsTunnel(upgrade: string | undefined): boolean {
  return upgrade?.toLowerCase() === ENDPOINT_TUNNEL_PROTOCOL;
}

export interface TunnelTo {
  host: string;
  port: number;
  /** The endpoint's base path on the app, without a trailing slash ('' for `/`). */
  base: string;
  /** Whether the app the tunnel was opened for still serves (asked when the platform sends). */
  stillServing: () => boolean;
  /** The app does not answer on its port: refuse the upgrade. */
  onUnreachable: (error: Error) => void;
  logger: Logger;
}

/** Opens the app's port and, once connected, answers 101 and joins the two connections. */
export function openEndpointTunnel(platform: Duplex, head: Buffer, to: TunnelTo): void {
  const app = connect({ host: to.host, port: to.port });
  app.setNoDelay(true);
  let joined = false;
  const close = () => {
    app.destroy();
    platform.destroy();
  };
  platform.on('close', () => app.destroy());
  app.on('error', (error) => {
    if (!joined) to.onUnreachable(error);
    else {
      to.logger.debug({ err: error }, 'endpoint tunnel: the app closed the connection');
      platform.destroy();
    }
  });
  app.on('connect', () => {
    joined = true;
    platform.write(
      `HTTP/1.1 101 ${STATUS_CODES[101] ?? ''}\r\nConnection: Upgrade\r\nUpgrade: ${ENDPOINT_TUNNEL_PROTOCOL}\r\n` +
        `${ENDPOINT_TUNNEL_BASE_HEADER}: ${to.base}\r\n${ENDPOINT_TUNNEL_AUTHORITY_HEADER}: ${to.host}:${to.port}\r\n\r\n`,
    );
    const forward = (chunk: Buffer) => {
      if (!to.stillServing()) {
        close();
        return;
      }
      if (!app.write(chunk)) platform.pause();
    };
    if (head.length > 0) forward(head);
    platform.on('data', forward);
    platform.on('end', () => app.end());
    app.on('drain', () => platform.resume());
    app.pipe(platform);
    app.on('close', () => platform.destroy());
  });
}
