/**
 * Client side of the `gpuaas.terminal.v1` protocol: opens a WebSocket to a terminal endpoint (the
 * platform's, or a runtime's for tests) and wraps it in a small session object.
 *
 * Works with the `ws` package (the default, which also reports the HTTP status of a refused
 * handshake) or any WHATWG-style WebSocket constructor, such as the global one of Node and browsers.
 */
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { SdkError } from '../errors.js';
import type { SdkErrorCode } from '../errors.js';
import {
  TERMINAL_CLOSE,
  TERMINAL_SUBPROTOCOL,
  TERMINAL_TOKEN_PROTOCOL_PREFIX,
  isTerminalSize,
  parseTerminalServerMessage,
} from './protocol.js';
import type { TerminalClientMessage } from './protocol.js';

/** The part of the WHATWG WebSocket interface the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface OpenTerminalOptions {
  /** ws://, wss://, http:// or https:// URL of the terminal endpoint. */
  url: string;
  /** Terminal token, sent as the subprotocol `gpuaas.token.<token>`; empty sends none. */
  token: string;
  cols?: number;
  rows?: number;
  /** TERM for the remote side (the server's default is xterm-256color). */
  term?: string;
  /** Extra handshake headers (the `ws` package only: WHATWG WebSockets cannot send headers). */
  headers?: Record<string, string>;
  /** A WHATWG WebSocket constructor to use instead of the `ws` package. */
  WebSocketImpl?: WebSocketConstructor;
  /** Time allowed for the handshake (default 15 s). */
  connectTimeoutMs?: number;
}

export interface TerminalExit {
  /** Exit status, null when a signal ended the process. */
  code: number | null;
  /** Signal name (SIGKILL, …) when a signal ended the process. */
  signal: string | null;
}

export interface TerminalSession {
  /** The selected subprotocol (always `gpuaas.terminal.v1`). */
  readonly protocol: string;
  /** Bytes queued for sending; callers feeding large input should wait while this is high. */
  readonly bufferedAmount: number;
  /** Sends terminal input (a string is sent as UTF-8). Ignored once the session has closed. */
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): void;
  /** Asks the server to stop sending output (client-side flow control) … */
  pause(): void;
  /** … and to go on. */
  resume(): void;
  /** Ends the input: the remote side reads end-of-file. */
  eof(): void;
  /**
   * Receives output chunks. Output that arrived before the first listener is delivered to it,
   * so nothing a shell prints right away is lost. Returns a function that removes the listener.
   */
  onOutput(listener: (chunk: Uint8Array) => void): () => void;
  /**
   * Settles when the remote process has exited, after all its output. Rejects with an SdkError
   * (TERMINAL_CLOSED, TERMINAL_UNAUTHORIZED, …) when the connection ends without an exit.
   */
  readonly exit: Promise<TerminalExit>;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Error for a refused handshake (HTTP status) or a close code of the protocol. */
export function terminalError(
  input: {
    status?: number | undefined;
    closeCode?: number | undefined;
    reason?: string | undefined;
    opened: boolean;
    remoteCode?: string | undefined;
  },
  cause?: unknown,
): SdkError {
  const { status, closeCode, reason, opened, remoteCode } = input;
  const byStatus: Record<number, SdkErrorCode> = {
    401: 'TERMINAL_UNAUTHORIZED',
    403: 'TERMINAL_FORBIDDEN',
    404: 'TERMINAL_NOT_FOUND',
    410: 'TERMINAL_TOKEN_EXPIRED',
  };
  const code: SdkErrorCode =
    (status === undefined ? undefined : byStatus[status]) ??
    (closeCode === undefined || closeCode < 4000 ? undefined : byStatus[closeCode - 4000]) ??
    (opened ? 'TERMINAL_CLOSED' : 'TERMINAL_UNREACHABLE');
  const what =
    status !== undefined
      ? `the terminal endpoint answered HTTP ${status}`
      : opened
        ? `the terminal closed before the remote process exited (code ${closeCode ?? 'none'})`
        : `the terminal endpoint could not be reached (code ${closeCode ?? 'none'})`;
  const detail = reason !== undefined && reason !== '' ? `: ${reason}` : '';
  const details: Record<string, unknown> = {};
  if (status !== undefined) details.status = status;
  if (closeCode !== undefined) details.closeCode = closeCode;
  if (remoteCode !== undefined) details.remoteCode = remoteCode;
  return new SdkError(code, `${what}${detail}`, { cause, details });
}

function terminalUrl(options: OpenTerminalOptions): string {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (error) {
    throw new SdkError('USAGE', `not a URL: ${options.url}`, { cause: error });
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!['ws:', 'wss:', 'ws+unix:'].includes(url.protocol)) {
    throw new SdkError('USAGE', `a terminal URL is ws://, wss://, http:// or https://, not ${url.protocol}`);
  }
  for (const [key, value] of [
    ['cols', options.cols],
    ['rows', options.rows],
  ] as const) {
    if (value === undefined) continue;
    if (!isTerminalSize(value)) throw new SdkError('USAGE', `${key} must be an integer from 1 to 65535`);
    url.searchParams.set(key, String(value));
  }
  if (options.term !== undefined) url.searchParams.set('term', options.term);
  return url.toString();
}

function createSocket(
  url: string,
  protocols: string[],
  options: OpenTerminalOptions,
  onStatus: (status: number) => void,
): WebSocketLike {
  if (options.WebSocketImpl !== undefined) {
    const socket = new options.WebSocketImpl(url, protocols);
    socket.binaryType = 'arraybuffer';
    return socket;
  }
  const socket = new WebSocket(url, protocols, { perMessageDeflate: false, headers: options.headers ?? {} });
  // Listening takes over ws's own handling of a refused handshake: keep the status, then abort
  // (terminate() while connecting aborts the request and still emits 'error' and 'close').
  socket.on('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
    onStatus(response.statusCode ?? 0);
    response.resume();
    socket.terminate();
  });
  return socket;
}

/**
 * Opens a terminal and resolves once the handshake is done.
 *
 * @example
 * const session = await openTerminal({ url, token, cols: 120, rows: 40 });
 * session.onOutput((chunk) => process.stdout.write(chunk));
 * session.write('ls\n');
 * const { code } = await session.exit;
 */
export async function openTerminal(options: OpenTerminalOptions): Promise<TerminalSession> {
  if (options.token !== '' && !TOKEN_CHARS.test(options.token)) {
    throw new SdkError('USAGE', 'the terminal token has characters a WebSocket subprotocol cannot carry');
  }
  const url = terminalUrl(options);
  const protocols = [TERMINAL_SUBPROTOCOL];
  if (options.token !== '') protocols.push(TERMINAL_TOKEN_PROTOCOL_PREFIX + options.token);
  return await new Promise<TerminalSession>((resolve, reject) => {
    let status: number | undefined;
    let lastError: unknown;
    let socket: WebSocketLike;
    try {
      socket = createSocket(url, protocols, options, (s) => (status = s));
    } catch (error) {
      reject(terminalError({ opened: false }, error));
      return;
    }
    const session = new Session(socket);
    const timer = setTimeout(() => {
      lastError = new Error('timed out waiting for the terminal handshake');
      socket.close();
    }, options.connectTimeoutMs ?? 15_000);
    socket.addEventListener('error', (event) => {
      lastError ??= (event as { error?: unknown }).error ?? event;
    });
    socket.addEventListener('open', () => {
      clearTimeout(timer);
      if (socket.protocol !== TERMINAL_SUBPROTOCOL) {
        socket.close(1002, 'expected subprotocol gpuaas.terminal.v1');
        reject(terminalError({ opened: false, reason: `the server chose "${socket.protocol}"` }));
        return;
      }
      resolve(session);
    });
    socket.addEventListener('close', (event) => {
      clearTimeout(timer);
      if (session.opened) return;
      reject(
        terminalError({ status, closeCode: event.code, reason: event.reason, opened: false }, lastError),
      );
    });
  });
}

class Session implements TerminalSession {
  readonly exit: Promise<TerminalExit>;
  opened = false;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private pending: Uint8Array[] | undefined = [];
  private paused = false;
  private exited: TerminalExit | undefined;
  private remoteError: { code: string; message: string } | undefined;
  private settle!: { resolve: (exit: TerminalExit) => void; reject: (error: SdkError) => void };

  constructor(private readonly socket: WebSocketLike) {
    this.exit = new Promise<TerminalExit>((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers that never await `exit` must not crash the process with an unhandled rejection.
    this.exit.catch(() => {});
    socket.addEventListener('open', () => (this.opened = true));
    socket.addEventListener('message', (event) => this.onMessage(event.data));
    socket.addEventListener('close', (event) => {
      if (!this.opened) return;
      if (this.exited !== undefined) return;
      const remoteCode = this.remoteError?.code;
      const reason = this.remoteError?.message ?? event.reason;
      this.settle.reject(
        terminalError({
          closeCode: event.code,
          reason,
          opened: true,
          ...(remoteCode === undefined ? {} : { remoteCode }),
        }),
      );
    });
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  private onMessage(data: unknown): void {
    if (typeof data === 'string') {
      const message = parseTerminalServerMessage(data);
      if (message?.type === 'exit') {
        this.exited = { code: message.code, signal: message.signal };
        this.settle.resolve(this.exited);
        // The server closes right after; close from here too in case it does not.
        setTimeout(() => this.close(), 2_000).unref();
      } else if (message?.type === 'error') {
        this.remoteError = { code: message.code, message: message.message };
      }
      return;
    }
    const chunk =
      data instanceof Uint8Array
        ? data
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : Array.isArray(data)
            ? Buffer.concat(data as Buffer[])
            : undefined;
    if (chunk === undefined) return;
    if (this.pending !== undefined) this.pending.push(chunk);
    else for (const listener of this.listeners) listener(chunk);
  }

  private control(message: TerminalClientMessage): void {
    if (this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  write(data: Uint8Array | string): void {
    if (this.socket.readyState !== OPEN) return;
    // Binary frames are stdin; a text frame would be read as a control message.
    this.socket.send(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  resize(cols: number, rows: number): void {
    if (!isTerminalSize(cols) || !isTerminalSize(rows)) {
      throw new SdkError('USAGE', 'cols and rows must be integers from 1 to 65535');
    }
    this.control({ type: 'resize', cols, rows });
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.control({ type: 'pause' });
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.control({ type: 'resume' });
  }

  eof(): void {
    this.control({ type: 'eof' });
  }

  onOutput(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    const pending = this.pending;
    if (pending !== undefined) {
      this.pending = undefined;
      for (const chunk of pending) listener(chunk);
    }
    return () => this.listeners.delete(listener);
  }

  close(code: number = TERMINAL_CLOSE.NORMAL, reason = ''): void {
    if (this.socket.readyState <= OPEN) this.socket.close(code, reason);
  }
}
