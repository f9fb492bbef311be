/**
 * `GET /v1/terminal`: upgrades to a `gpuaas.terminal.v1` WebSocket and runs one PtySession on it.
 * Parameters are checked before the upgrade, so a bad request gets HTTP 400, not a dead socket.
 */
import { WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import { TERMINAL_SUBPROTOCOL } from '@gpuaas/sdk/terminal';
import type { RuntimeRoute } from '../routes.js';
import { parseTerminalParams } from './params.js';
import { PtySession } from './session.js';

export interface TerminalServiceOptions {
  /** argv of the login shell, used when the request names no command. */
  shell: string[];
  env: Record<string, string>;
  cwd: string;
  logger: Logger;
  killGraceMs: number;
}

export interface TerminalService {
  readonly route: RuntimeRoute;
  /** Open sessions. */
  readonly count: number;
  /** Largest socket send queue any session has had (flow control keeps it near 1 MiB). */
  readonly peakBufferedAmount: number;
  /** Hangs up every session and waits for them to end (at most `killGraceMs` + 1 s). */
  closeAll(): Promise<void>;
}

/** Largest control or input frame accepted; a paste bigger than this arrives as several frames. */
const MAX_PAYLOAD = 8 * 1024 * 1024;

export function createTerminalService(options: TerminalServiceOptions): TerminalService {
  const sessions = new Set<PtySession>();
  let peak = 0;
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: MAX_PAYLOAD,
    // The token subprotocol, if a client sent one, must never be echoed back.
    handleProtocols: (protocols) => (protocols.has(TERMINAL_SUBPROTOCOL) ? TERMINAL_SUBPROTOCOL : false),
  });

  const route: RuntimeRoute = {
    method: 'GET',
    path: '/v1/terminal',
    upgrade(req, socket, head) {
      const params = parseTerminalParams(new URL(req.url ?? '/', 'http://runtime').searchParams);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const session = new PtySession(ws, {
          argv: params.command ?? options.shell,
          cwd: options.cwd,
          env: { ...options.env, TERM: params.term },
          cols: params.cols,
          rows: params.rows,
          term: params.term,
          logger: options.logger,
          killGraceMs: options.killGraceMs,
        });
        sessions.add(session);
        void session.done.then(() => {
          peak = Math.max(peak, session.peakBufferedAmount);
          sessions.delete(session);
        });
      });
    },
  };

  return {
    route,
    get count() {
      return sessions.size;
    },
    get peakBufferedAmount() {
      return Math.max(peak, ...[...sessions].map((s) => s.peakBufferedAmount));
    },
    async closeAll() {
      const open = [...sessions];
      for (const session of open) session.shutdown();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((s) => s.done)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, options.killGraceMs + 1_000))),
      ]);
      clearTimeout(timer);
    },
  };
}
