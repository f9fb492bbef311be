/**
 * The `gpuaas.terminal.v1` WebSocket protocol, shared by the client (this package), the runtime
 * that owns the pty and the platform proxy between them, so all three agree on one definition.
 *
 * Binary frames carry raw terminal bytes (client → server: stdin; server → client: pty output).
 * Text frames carry one JSON control message each.
 */

/** The subprotocol every party offers and the server selects. */
export const TERMINAL_SUBPROTOCOL = 'gpuaas.terminal.v1';

/** A client may carry its token as the subprotocol `gpuaas.token.<TOKEN>` (browsers cannot set headers). */
export const TERMINAL_TOKEN_PROTOCOL_PREFIX = 'gpuaas.token.';

/** Above this many bytes queued on a socket, the side feeding it stops reading. */
export const TERMINAL_HIGH_WATER_MARK = 1024 * 1024;

/** Reading resumes once the queue has drained below this. */
export const TERMINAL_LOW_WATER_MARK = 256 * 1024;

/** WebSocket close codes of the protocol. */
export const TERMINAL_CLOSE = {
  /** The remote process exited (an `exit` message came first). */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** The server failed (an `error` message may come first), or the runtime could not be reached. */
  INTERNAL: 1011,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  /** The terminal token was used already or has expired. */
  TOKEN_GONE: 4410,
} as const;

/** Largest terminal side accepted in either dimension (the kernel's winsize holds 16 bits). */
export const TERMINAL_MAX_SIZE = 65_535;

export const TERMINAL_DEFAULT_COLS = 80;
export const TERMINAL_DEFAULT_ROWS = 24;
export const TERMINAL_DEFAULT_TERM = 'xterm-256color';

export type TerminalClientMessage =
  { type: 'resize'; cols: number; rows: number } | { type: 'pause' } | { type: 'resume' } | { type: 'eof' };

export type TerminalServerMessage =
  | { type: 'exit'; code: number | null; signal: string | null }
  | { type: 'error'; code: string; message: string };

export function isTerminalSize(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= TERMINAL_MAX_SIZE;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses a client → server text frame; undefined for anything malformed or unknown. */
export function parseTerminalClientMessage(text: string): TerminalClientMessage | undefined {
  const message = parseObject(text);
  switch (message?.type) {
    case 'resize':
      return isTerminalSize(message.cols) && isTerminalSize(message.rows)
        ? { type: 'resize', cols: message.cols, rows: message.rows }
        : undefined;
    case 'pause':
    case 'resume':
    case 'eof':
      return { type: message.type };
    default:
      return undefined;
  }
}

/** Parses a server → client text frame; undefined for anything malformed or unknown. */
export function parseTerminalServerMessage(text: string): TerminalServerMessage | undefined {
  const message = parseObject(text);
  if (message?.type === 'exit') {
    const code = message.code ?? null;
    const signal = message.signal ?? null;
    if ((code === null || Number.isInteger(code)) && (signal === null || typeof signal === 'string')) {
      return { type: 'exit', code: code as number | null, signal };
    }
    return undefined;
  }
  if (message?.type === 'error' && typeof message.code === 'string') {
    return {
      type: 'error',
      code: message.code,
      message: typeof message.message === 'string' ? message.message : message.code,
    };
  }
  return undefined;
}
