/**
 * The browser side of the `gpuaas.terminal.v1` protocol (docs/terminal.md) over the browser's
 * WebSocket: the single-use token travels as a subprotocol (`gpuaas.token.<token>`), never in the
 * URL; binary frames carry keystrokes and output, text frames the control messages. Output is
 * handed over with a "written" callback so the page can apply flow control (`WriteFlow`): while
 * xterm.js has more than `high` bytes left to render the server is asked to pause, and to resume
 * once less than `low` are left, as ttyd does, so a flood of output never freezes the page.
 */
import {
  TERMINAL_SUBPROTOCOL,
  TERMINAL_TOKEN_PROTOCOL_PREFIX,
  parseTerminalServerMessage,
} from '@gpuaas/sdk/browser';
import type { TerminalClientMessage, TerminalServerMessage } from '@gpuaas/sdk/browser';

/** Render backlog above which the server is asked to pause, and below which to resume. */
export const RENDER_HIGH_WATER = 512 * 1024;
export const RENDER_LOW_WATER = 128 * 1024;

export class WriteFlow {
  #pending = 0;
  #peak = 0;
  #paused = false;

  constructor(
    private readonly control: (message: 'pause' | 'resume') => void,
    private readonly high = RENDER_HIGH_WATER,
    private readonly low = RENDER_LOW_WATER,
  ) {}

  get pending(): number {
    return this.#pending;
  }

  /** The largest backlog seen: what flow control kept the renderer's queue to. */
  get peak(): number {
    return this.#peak;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Counts `bytes` handed to the renderer; call the returned function once they are rendered. */
  queued(bytes: number): () => void {
    this.#pending += bytes;
    this.#peak = Math.max(this.#peak, this.#pending);
    if (!this.#paused && this.#pending > this.high) {
      this.#paused = true;
      this.control('pause');
    }
    return () => {
      this.#pending -= bytes;
      if (this.#paused && this.#pending < this.low) {
        this.#paused = false;
        this.control('resume');
      }
    };
  }
}

export interface TerminalHandlers {
  onOpen(): void;
  onOutput(bytes: Uint8Array): void;
  onServerMessage(message: TerminalServerMessage): void;
  /** The socket closed (after an `exit` message, or for another reason: its close code says). */
  onClose(code: number, reason: string): void;
}

export interface TerminalConnection {
  sendInput(data: string | Uint8Array): void;
  control(message: TerminalClientMessage): void;
  close(): void;
}

/** The WebSocket URL of a terminal, from the token response's `url` minus its token, with the size. */
export function terminalSocketUrl(tokenUrl: string, origin: string, cols: number, rows: number): string {
  const url = new URL(tokenUrl, origin);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.searchParams.delete('token');
  url.searchParams.set('cols', String(cols));
  url.searchParams.set('rows', String(rows));
  return url.toString();
}

export function connectTerminal(url: string, token: string, handlers: TerminalHandlers): TerminalConnection {
  const socket = new WebSocket(url, [TERMINAL_SUBPROTOCOL, `${TERMINAL_TOKEN_PROTOCOL_PREFIX}${token}`]);
  socket.binaryType = 'arraybuffer';
  const encoder = new TextEncoder();
  socket.addEventListener('open', () => handlers.onOpen());
  socket.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
    if (typeof event.data === 'string') {
      const message = parseTerminalServerMessage(event.data);
      if (message !== undefined) handlers.onServerMessage(message);
    } else {
      handlers.onOutput(new Uint8Array(event.data));
    }
  });
  socket.addEventListener('close', (event) => handlers.onClose(event.code, event.reason));
  const open = () => socket.readyState === WebSocket.OPEN;
  return {
    sendInput(data) {
      if (open()) socket.send(typeof data === 'string' ? encoder.encode(data) : data);
    },
    control(message) {
      if (open()) socket.send(JSON.stringify(message));
    },
    close() {
      socket.close(1000, 'closed by the user');
    },
  };
}
