/**
 * Connects a terminal session to local streams, for the CLI: `attachTty` for an interactive
 * shell (raw mode, window size), `execCommand` for a command whose output is streamed.
 *
 * Flow control runs both ways: when stdout cannot keep up (write returns false), the server is
 * asked to pause until 'drain'; when the socket's send queue is long, stdin stops being read.
 */
import { constants } from 'node:os';
import { openTerminal } from './client.js';
import type { OpenTerminalOptions, TerminalExit, TerminalSession } from './client.js';
import { TERMINAL_HIGH_WATER_MARK, TERMINAL_LOW_WATER_MARK } from './protocol.js';

export interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TerminalOutput extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface AttachTtyOptions {
  stdin: TerminalInput;
  stdout: TerminalOutput;
  /**
   * Handle SIGINT, SIGTERM and SIGHUP: restore the terminal, close the session and resolve with
   * 128 + the signal number (default true). Off, the caller handles signals.
   */
  handleSignals?: boolean;
}

export interface ExecCommandOptions extends OpenTerminalOptions {
  stdout: TerminalOutput;
  /** Input for the command; without it, the command reads end-of-file at once. */
  stdin?: TerminalInput;
  handleSignals?: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The status a local shell would give: the exit code, or 128 + signal number. */
export function exitStatusOf(exit: TerminalExit): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal === null ? undefined : constants.signals[exit.signal as NodeJS.Signals];
  return number === undefined ? 255 : 128 + number;
}

interface PumpOptions {
  stdin: TerminalInput | undefined;
  stdout: TerminalOutput;
  raw: boolean;
  followSize: boolean;
  handleSignals: boolean;
}

async function pump(session: TerminalSession, options: PumpOptions): Promise<number> {
  const { stdin, stdout } = options;
  const cleanups: (() => void)[] = [];
  const cleanup = () => {
    for (const fn of cleanups.splice(0).reverse()) fn();
  };

  let outputPaused = false;
  const onDrain = () => {
    outputPaused = false;
    session.resume();
  };
  cleanups.push(
    session.onOutput((chunk) => {
      if (stdout.write(chunk) || outputPaused) return;
      outputPaused = true;
      session.pause();
      stdout.once('drain', onDrain);
    }),
    () => stdout.removeListener('drain', onDrain),
  );

  if (options.raw && stdin?.isTTY === true && stdin.setRawMode !== undefined) {
    const wasRaw = stdin.isRaw === true;
    stdin.setRawMode(true);
    const restore = () => stdin.setRawMode?.(wasRaw);
    // process.exit() skips the normal path; the terminal must not stay raw.
    process.once('exit', restore);
    cleanups.push(() => {
      process.removeListener('exit', restore);
      restore();
    });
  }

  if (options.followSize && stdout.isTTY === true) {
    const onResize = () => {
      const { columns, rows } = stdout;
      if (columns !== undefined && rows !== undefined && columns > 0 && rows > 0)
        session.resize(columns, rows);
    };
    onResize();
    stdout.on('resize', onResize);
    cleanups.push(() => stdout.removeListener('resize', onResize));
  }

  if (stdin === undefined) {
    session.eof();
  } else {
    let poll: NodeJS.Timeout | undefined;
    const onData = (chunk: Uint8Array | string) => {
      session.write(chunk);
      if (poll !== undefined || session.bufferedAmount <= TERMINAL_HIGH_WATER_MARK) return;
      stdin.pause();
      // The WHATWG socket interface has no drain event; the queue is polled while it is long.
      poll = setInterval(() => {
        if (session.bufferedAmount >= TERMINAL_LOW_WATER_MARK) return;
        clearInterval(poll);
        poll = undefined;
        stdin.resume();
      }, 10);
    };
    const onEnd = () => session.eof();
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
    cleanups.push(() => {
      clearInterval(poll);
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.pause();
    });
  }

  const signalled = new Promise<number>((resolve) => {
    if (!options.handleSignals) return;
    for (const signal of SIGNALS) {
      const handler = () => {
        session.close(1000, `client received ${signal}`);
        resolve(128 + constants.signals[signal]);
      };
      process.once(signal, handler);
      cleanups.push(() => process.removeListener(signal, handler));
    }
  });

  try {
    const status = await Promise.race([session.exit.then(exitStatusOf), signalled]);
    // Everything the remote side printed reaches stdout before the status is returned.
    await new Promise<void>((resolve) => stdout.write(new Uint8Array(0), () => resolve()));
    return status;
  } finally {
    cleanup();
  }
}

/**
 * Runs an interactive session on the local terminal until the remote process exits: raw mode on
 * a TTY (restored on exit, error or signal), window size changes followed. Resolves to the exit
 * status; rejects with the session's SdkError when the connection ends first.
 *
 * @example
 * const session = await openTerminal({ url, token, cols: process.stdout.columns, rows: process.stdout.rows });
 * process.exitCode = await attachTty(session, { stdin: process.stdin, stdout: process.stdout });
 */
export function attachTty(session: TerminalSession, options: AttachTtyOptions): Promise<number> {
  return pump(session, {
    stdin: options.stdin,
    stdout: options.stdout,
    raw: true,
    followSize: true,
    handleSignals: options.handleSignals ?? true,
  });
}

/**
 * Opens a terminal whose command the platform bound to the token, streams its output to
 * `stdout` (a pty merges stderr into it) and resolves to its exit status.
 */
export async function execCommand(options: ExecCommandOptions): Promise<number> {
  const { stdout, stdin, handleSignals, ...open } = options;
  const session = await openTerminal(open);
  return pump(session, {
    stdin,
    stdout,
    raw: false,
    followSize: false,
    handleSignals: handleSignals ?? true,
  });
}
