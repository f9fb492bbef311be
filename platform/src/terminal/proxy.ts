/**
 * The platform's half of a web terminal: joins a client's WebSocket (downstream) to the
 * allocation runtime's terminal endpoint (upstream, usually a Unix socket), frame for frame.
 *
 * Flow control both ways: when the socket being written to queues more than the high-water mark,
 * the other socket stops being read (ws.pause(), so TCP/Unix-socket backpressure reaches the
 * sender) until the send callbacks see the queue under the low-water mark. Close codes and
 * reasons cross over; an upstream that cannot be reached closes the client with 1011.
 */
import { WebSocket } from 'ws';
import type { ClientOptions, RawData } from 'ws';
import type { PinnedConnect } from '../allocations/runtime-tls.js';
import {
  TERMINAL_CLOSE,
  TERMINAL_HIGH_WATER_MARK,
  TERMINAL_LOW_WATER_MARK,
  TERMINAL_SUBPROTOCOL,
} from '@gpuaas/sdk/terminal';
import type { Logger } from '../logger.js';

/** A runtime's Unix socket, or the ws://, wss://, http:// or https:// URL of a runtime. */
export type TerminalUpstream =
  | { socketPath: string }
  /** A remote runtime: `createConnection` is the pinned TLS connect (allocations/runtime-tls.ts). */
  | { url: string; createConnection?: PinnedConnect };

export interface ProxyTerminalOptions {
  /** Headers of the upstream handshake (the runtime's `authorization: Bearer <secret>`). */
  headers?: Record<string, string>;
  /** Query of the upstream request: cols, rows, term, command. */
  query?: Record<string, string>;
  logger?: Logger;
  /** Time allowed for the upstream handshake (default 10 s). */
  connectTimeoutMs?: number;
  /** Called for every frame relayed, with its payload size: activity for idle timeouts. */
  onActivity?: (direction: 'upstream' | 'downstream', bytes: number) => void;
}

export interface TerminalProxyResult {
  /** Payload bytes relayed client → runtime, and frames (frames dropped after a close not counted). */
  bytesToUpstream: number;
  framesToUpstream: number;
  /** Payload bytes relayed runtime → client, and frames. */
  bytesToDownstream: number;
  framesToDownstream: number;
  /** Largest send queue seen towards the runtime and towards the client (flow control bounds them). */
  peakBufferedToUpstream: number;
  peakBufferedToDownstream: number;
  /** Whether the runtime accepted the connection. */
  upstreamOpened: boolean;
  /** Close code and reason the client connection ended with. */
  closeCode: number;
  closeReason: string;
}

const TERMINAL_PATH = '/v1/terminal';
const MAX_REASON_BYTES = 123;
/**
 * A socket paused for backpressure reads nothing, so it would never see its peer leave; pinging
 * it makes the write fail (EPIPE/ECONNRESET) when the peer has gone.
 */
const PAUSED_PING_MS = 500;
/** A peer that does not answer our close frame this quickly is cut off. */
const CLOSE_GRACE_MS = 1_000;

/** The upstream URL ws should dial: `ws+unix:` for a socket path. */
export function terminalUpstreamUrl(upstream: TerminalUpstream, query: Record<string, string> = {}): string {
  let url: URL;
  if ('socketPath' in upstream) {
    url = new URL(`ws+unix:${upstream.socketPath}:${TERMINAL_PATH}`);
  } else {
    url = new URL(upstream.url);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    else if (url.protocol === 'https:') url.protocol = 'wss:';
    if (url.pathname === '/' || url.pathname === '') url.pathname = TERMINAL_PATH;
  }
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

/** The same test ws applies to codes it will send. */
function sendable(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

function shortReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  // Cutting at a byte boundary may split a character; the replacement char is dropped.
  return (
    bytes
      .subarray(0, MAX_REASON_BYTES - 3)
      .toString('utf8')
      .replace(/\uFFFD$/, '') + '...'
  );
}

/** Closes `socket` the way the other side closed (1005 → no code, 1006 → 1011). */
function closeLike(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  if (socket.readyState === WebSocket.CONNECTING) {
    socket.terminate();
    return;
  }
  // A socket paused for backpressure would never read the peer's answering close frame.
  socket.resume();
  if (code === 1005) socket.close();
  else if (sendable(code)) socket.close(code, shortReason(reason));
  else socket.close(TERMINAL_CLOSE.INTERNAL, shortReason(reason === '' ? 'connection lost' : reason));
  // The peer may itself be paused (a runtime whose process reads no input) and never answer.
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * Relays `downstream` (an accepted client socket) to the runtime until either side closes.
 * Resolves, never rejects, once both sockets are closed.
 *
 * @example
 * const result = await proxyTerminal(ws, { socketPath }, { headers: { authorization: `Bearer ${secret}` }, query });
 */
export function proxyTerminal(
  downstream: WebSocket,
  upstream: TerminalUpstream,
  options: ProxyTerminalOptions = {},
): Promise<TerminalProxyResult> {
  const { logger, onActivity } = options;
  const result: TerminalProxyResult = {
    bytesToUpstream: 0,
    framesToUpstream: 0,
    bytesToDownstream: 0,
    framesToDownstream: 0,
    peakBufferedToUpstream: 0,
    peakBufferedToDownstream: 0,
    upstreamOpened: false,
    closeCode: 1005,
    closeReason: '',
  };
  return new Promise<TerminalProxyResult>((resolve) => {
    let downClosed = downstream.readyState === WebSocket.CLOSED;
    let upClosed = false;
    const finish = () => {
      if (downClosed && upClosed) resolve(result);
    };
    downstream.once('close', (code, reason) => {
      downClosed = true;
      result.closeCode = code;
      result.closeReason = reason.toString('utf8');
      closeLike(up, code, result.closeReason);
      finish();
    });
    const url = terminalUpstreamUrl(upstream, options.query);
    const up = new WebSocket(url, [TERMINAL_SUBPROTOCOL], {
      headers: options.headers ?? {},
      perMessageDeflate: false,
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      followRedirects: false,
      // ws hands it to `http.request`, which also takes one answering through its callback (the
      // pinned connect does, after the handshake); ws's types only know net's synchronous one.
      ...('createConnection' in upstream && upstream.createConnection !== undefined
        ? {
            createConnection: upstream.createConnection as unknown as NonNullable<
              ClientOptions['createConnection']
            >,
          }
        : {}),
    });
    if (downClosed) {
      up.terminate();
    }

    let failure: string | undefined;
    up.on('unexpected-response', (_request, response) => {
      failure = `the runtime refused the terminal (HTTP ${response.statusCode ?? 0})`;
      response.resume();
      // terminate() while connecting aborts the request and still emits 'close'.
      up.terminate();
    });
    up.on('error', (error) => {
      failure ??= `the runtime could not be reached: ${error.message}`;
    });

    // Frames the client sends before the runtime answers wait here; the client is not read meanwhile.
    let early: [Buffer, boolean][] | undefined = [];
    downstream.pause();

    const relay = (
      from: WebSocket,
      to: WebSocket,
      direction: 'upstream' | 'downstream',
    ): ((data: RawData, isBinary: boolean) => void) => {
      let paused = false;
      let ping: NodeJS.Timeout | undefined;
      from.once('close', () => clearInterval(ping));
      // Node calls write callbacks with null on success.
      const afterSend = (error?: Error | null) => {
        if (
          (error !== undefined && error !== null) ||
          !paused ||
          to.bufferedAmount >= TERMINAL_LOW_WATER_MARK
        ) {
          return;
        }
        paused = false;
        clearInterval(ping);
        from.resume();
      };
      return (data, isBinary) => {
        const frame = toBuffer(data);
        onActivity?.(direction, frame.length);
        if (to.readyState !== WebSocket.OPEN) return;
        to.send(frame, { binary: isBinary }, afterSend);
        const queued = to.bufferedAmount;
        if (direction === 'upstream') {
          result.bytesToUpstream += frame.length;
          result.framesToUpstream += 1;
          if (queued > result.peakBufferedToUpstream) result.peakBufferedToUpstream = queued;
        } else {
          result.bytesToDownstream += frame.length;
          result.framesToDownstream += 1;
          if (queued > result.peakBufferedToDownstream) result.peakBufferedToDownstream = queued;
        }
        if (!paused && queued > TERMINAL_HIGH_WATER_MARK) {
          paused = true;
          from.pause();
          ping = setInterval(() => from.ping(), PAUSED_PING_MS);
        }
      };
    };
    const toUpstream = relay(downstream, up, 'upstream');
    downstream.on('message', (data, isBinary) => {
      if (early !== undefined) early.push([toBuffer(data), isBinary]);
      else toUpstream(data, isBinary);
    });
    up.on('message', relay(up, downstream, 'downstream'));

    up.once('open', () => {
      result.upstreamOpened = true;
      const queued = early ?? [];
      early = undefined;
      for (const [frame, isBinary] of queued) toUpstream(frame, isBinary);
      downstream.resume();
    });
    up.once('close', (code, reason) => {
      upClosed = true;
      if (!result.upstreamOpened) {
        logger?.warn(
          { upstream: 'socketPath' in upstream ? upstream.socketPath : upstream.url, failure },
          'terminal: runtime unavailable',
        );
        if (downstream.readyState === WebSocket.OPEN) {
          const message = failure ?? 'the runtime closed the connection';
          downstream.send(JSON.stringify({ type: 'error', code: 'RUNTIME_UNREACHABLE', message }));
          closeLike(downstream, TERMINAL_CLOSE.INTERNAL, message);
        }
      } else {
        closeLike(downstream, code, reason.toString('utf8'));
      }
      finish();
    });
  });
}
