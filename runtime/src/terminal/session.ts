/**
 * One terminal: a process on a pty, joined to one WebSocket speaking `gpuaas.terminal.v1`.
 *
 * Output: pty chunks read in the same event-loop turn go out as one binary frame (fewer, larger
 * frames are most of the throughput). When the socket's queue passes the high-water mark, or the
 * client asks to pause, the pty stops being read, so the process blocks on its own writes and
 * memory stays bounded; the send callbacks resume it below the low-water mark.
 *
 * Input: written straight to the (non-blocking) pty master with a bounded queue; when the
 * process does not read, the socket stops being read.
 *
 * node-pty destroys its read stream 200 ms after the process is reaped, losing whatever the
 * kernel still holds if the stream is paused at that moment; while paused, the session therefore
 * checks every 50 ms whether the process is gone and then reads the (kernel-bounded) rest.
 */
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { spawn } from 'node-pty';
import type { IPty } from 'node-pty';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import {
  TERMINAL_CLOSE,
  TERMINAL_HIGH_WATER_MARK,
  TERMINAL_LOW_WATER_MARK,
  parseTerminalClientMessage,
} from '@gpuaas/sdk/terminal';
import type { TerminalServerMessage } from '@gpuaas/sdk/terminal';
import { tenantSpawnOptions } from '../sandbox/tenant.js';

export interface PtySessionOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  term: string;
  logger: Logger;
  /** Time between SIGHUP and SIGKILL to the process group when the client leaves. */
  killGraceMs: number;
}

/** Output frames are cut at this size, so send callbacks (and resumes) come often. */
const MAX_FRAME_BYTES = 256 * 1024;
/** Output within STREAM_GAP_MS of a frame of STREAM_FRAME_BYTES or more waits STREAM_DELAY_MS. */
const STREAM_FRAME_BYTES = 2048;
const STREAM_GAP_MS = 5;
const STREAM_DELAY_MS = 2;
const EXIT_POLL_MS = 50;
const PAUSED_PING_MS = 500;

const signalNames = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class PtySession {
  /** Settles when the process has exited and the socket has closed. */
  readonly done: Promise<void>;
  /** Largest socket queue seen after a send: what flow control holds down. */
  peakBufferedAmount = 0;

  private pty: IPty | undefined;
  private out: Buffer[] = [];
  private outBytes = 0;
  private flushScheduled = false;
  private lastFrameBytes = 0;
  private lastFlushAt = 0;
  private clientPaused = false;
  private socketFull = false;
  private ptyPaused = false;
  /** The process is gone (or the client is): read the pty freely from now on. */
  private drainFreely = false;
  private exitWatch: NodeJS.Timeout | undefined;
  private pausedPing: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private exited: { code: number | null; signal: string | null } | undefined;
  private exitSent = false;
  private socketClosed = false;
  private input: PtyInput | undefined;
  private finish!: () => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: PtySessionOptions,
  ) {
    const settled = { exit: false, close: false };
    let resolve!: () => void;
    this.done = new Promise<void>((r) => (resolve = r));
    this.finish = () => {
      if (settled.exit && settled.close) resolve();
    };
    ws.on('close', () => {
      settled.close = true;
      this.onSocketClose();
      this.finish();
    });
    ws.on('error', (error) => options.logger.debug({ err: error }, 'terminal socket error'));
    const [file, ...args] = options.argv;
    try {
      this.pty = spawn(file ?? 'sh', args, {
        name: options.term,
        cols: options.cols,
        rows: options.rows,
        cwd: options.cwd,
        env: options.env,
        ...tenantSpawnOptions(),
        encoding: null,
      });
    } catch (error) {
      settled.exit = true;
      options.logger.warn({ err: error, argv: options.argv }, 'terminal process could not start');
      this.send({ type: 'error', code: 'SPAWN_FAILED', message: (error as Error).message });
      ws.close(TERMINAL_CLOSE.INTERNAL, 'spawn failed');
      return;
    }
    const pty = this.pty;
    options.logger.info({ child_pid: pty.pid, argv: options.argv }, 'terminal started');
    this.input = new PtyInput(pty, (full) => {
      clearInterval(this.pausedPing);
      if (!full) {
        ws.resume();
        return;
      }
      ws.pause();
      // Paused, the socket reads nothing and would never see its peer leave; a ping's write would
      // fail (EPIPE) and close it.
      this.pausedPing = setInterval(() => ws.ping(), PAUSED_PING_MS);
    });
    // With encoding null node-pty hands out Buffers; its typings only know strings.
    pty.onData((chunk) => this.onOutput(chunk as unknown as Buffer));
    pty.onExit(({ exitCode, signal }) => {
      settled.exit = true;
      const name = signal === undefined || signal === 0 ? null : (signalNames.get(signal) ?? `SIG${signal}`);
      this.exited = { code: name === null ? exitCode : null, signal: name };
      options.logger.info({ child_pid: pty.pid, ...this.exited }, 'terminal exited');
      this.stopExitWatch();
      clearTimeout(this.killTimer);
      this.flush();
      this.finish();
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  /** Server shutdown: close the socket as "going away" and hang up the process group. */
  shutdown(): void {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.resume();
      this.ws.close(TERMINAL_CLOSE.GOING_AWAY, 'runtime shutting down');
    }
    this.hangUp();
    // A peer that never answers the close handshake must not hold the shutdown.
    setTimeout(() => this.ws.terminate(), this.options.killGraceMs).unref();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.exited !== undefined) return;
    if (isBinary) {
      this.input?.write(toBuffer(data));
      return;
    }
    const message = parseTerminalClientMessage(toBuffer(data).toString('utf8'));
    switch (message?.type) {
      case 'resize':
        this.pty?.resize(message.cols, message.rows);
        break;
      case 'pause':
        this.clientPaused = true;
        this.updatePause();
        break;
      case 'resume':
        this.clientPaused = false;
        this.updatePause();
        this.flush();
        break;
      case 'eof':
        this.input?.eof();
        break;
      default:
        this.options.logger.debug('terminal: ignored a malformed control message');
    }
  }

  private onOutput(chunk: Buffer): void {
    if (this.socketClosed) return;
    this.out.push(chunk);
    this.outBytes += chunk.length;
    if (this.outBytes >= MAX_FRAME_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      // A keystroke's echo goes out on this turn of the event loop. Output that follows a large
      // frame closely is a stream: waiting a little gathers it into fewer, larger frames, which
      // costs the runtime, the proxy and the client far less per byte.
      const streaming =
        this.lastFrameBytes >= STREAM_FRAME_BYTES && performance.now() - this.lastFlushAt < STREAM_GAP_MS;
      if (streaming) setTimeout(this.flush, STREAM_DELAY_MS);
      else setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.socketClosed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.outBytes > 0) {
      if (this.clientPaused) return;
      const frame = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out, this.outBytes);
      this.lastFrameBytes = frame.length;
      this.lastFlushAt = performance.now();
      this.out = [];
      this.outBytes = 0;
      this.ws.send(frame, { binary: true }, this.afterSend);
      const queued = this.ws.bufferedAmount;
      if (queued > this.peakBufferedAmount) this.peakBufferedAmount = queued;
      if (queued > TERMINAL_HIGH_WATER_MARK && !this.socketFull) {
        this.socketFull = true;
        this.updatePause();
      }
    }
    if (this.exited !== undefined && !this.exitSent) {
      this.exitSent = true;
      this.send({ type: 'exit', ...this.exited });
      // Paused for input pressure, the socket would never read the client's answering close.
      this.ws.resume();
      this.ws.close(TERMINAL_CLOSE.NORMAL);
    }
  };

  // Node calls write callbacks with null on success.
  private readonly afterSend = (error?: Error | null) => {
    if ((error !== undefined && error !== null) || !this.socketFull) return;
    if (this.ws.bufferedAmount >= TERMINAL_LOW_WATER_MARK) return;
    this.socketFull = false;
    this.updatePause();
  };

  private send(message: TerminalServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private updatePause(): void {
    const pty = this.pty;
    if (pty === undefined) return;
    const want = !this.drainFreely && this.exited === undefined && (this.clientPaused || this.socketFull);
    if (want === this.ptyPaused) return;
    this.ptyPaused = want;
    if (want) {
      pty.pause();
      this.exitWatch = setInterval(() => {
        if (isAlive(pty.pid)) return;
        this.drainFreely = true;
        this.stopExitWatch();
        this.updatePause();
      }, EXIT_POLL_MS);
    } else {
      this.stopExitWatch();
      pty.resume();
    }
  }

  private stopExitWatch(): void {
    clearInterval(this.exitWatch);
    this.exitWatch = undefined;
  }

  private onSocketClose(): void {
    this.socketClosed = true;
    clearInterval(this.pausedPing);
    this.out = [];
    this.outBytes = 0;
    this.input?.dispose();
    if (this.pty === undefined || this.exited !== undefined) return;
    // Nobody reads the output any more: let the process run into its hangup, not a full buffer.
    this.drainFreely = true;
    this.updatePause();
    this.hangUp();
  }

  /** SIGHUP to the process group now, SIGKILL after the grace period if it is still there. */
  private hangUp(): void {
    const pty = this.pty;
    if (pty === undefined || this.exited !== undefined || this.killTimer !== undefined) return;
    // The pty's child calls setsid(): its pid is its process group id. Right after the spawn it
    // may not have done so yet, so the child itself is signalled too.
    const group = -pty.pid;
    this.options.logger.info({ child_pid: pty.pid }, 'terminal: hanging up the process group');
    signal(group, 'SIGHUP');
    signal(pty.pid, 'SIGHUP');
    this.killTimer = setTimeout(() => {
      if (this.exited === undefined) signal(pty.pid, 'SIGKILL');
      if (isAlive(group)) signal(group, 'SIGKILL');
    }, this.options.killGraceMs);
    this.killTimer.unref();
  }
}

/** Signals a process (pid > 0) or process group (pid < 0), if it is still there. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: gone already.
  }
}

/**
 * Input to the pty master. Writes go straight to the non-blocking fd; what the kernel does not
 * take waits in a queue, retried with backoff, and `onPressure(true)` stops the socket from being
 * read until the queue has drained.
 */
class PtyInput {
  private queue: Buffer[] = [];
  private queued = 0;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = 1;
  private full = false;
  private disposed = false;
  private lastByte: number | undefined;
  private readonly fd: number | undefined;

  constructor(
    private readonly pty: IPty,
    private readonly onPressure: (full: boolean) => void,
  ) {
    const fd = (pty as unknown as { fd?: unknown }).fd;
    this.fd = typeof fd === 'number' ? fd : undefined;
  }

  /**
   * End of input, as a terminal user types it: ^D (VEOF). After a partial line the first ^D only
   * hands that line over, so a second one follows.
   */
  eof(): void {
    const partial = this.lastByte !== undefined && this.lastByte !== 0x0a && this.lastByte !== 0x0d;
    this.write(partial ? Buffer.from([4, 4]) : Buffer.from([4]));
  }

  write(data: Buffer): void {
    if (this.disposed || data.length === 0) return;
    this.lastByte = data[data.length - 1];
    if (this.fd === undefined) {
      this.pty.write(data);
      return;
    }
    this.queue.push(data);
    this.queued += data.length;
    if (this.retry === undefined) this.drain();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retry);
    this.queue = [];
    this.queued = 0;
  }

  private drain(): void {
    this.retry = undefined;
    const fd = this.fd!;
    while (this.queue.length > 0 && !this.disposed) {
      const head = this.queue[0]!;
      let written: number;
      try {
        written = writeSync(fd, head);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          // EIO/EBADF: the pty is closing; its exit ends the session.
          this.dispose();
          return;
        }
        this.retry = setTimeout(() => this.drain(), this.backoffMs);
        this.backoffMs = Math.min(this.backoffMs * 2, 50);
        break;
      }
      this.backoffMs = 1;
      this.queued -= written;
      if (written < head.length) this.queue[0] = head.subarray(written);
      else this.queue.shift();
    }
    if (!this.full && this.queued > TERMINAL_HIGH_WATER_MARK) {
      this.full = true;
      this.onPressure(true);
    } else if (this.full && this.queued < TERMINAL_LOW_WATER_MARK) {
      this.full = false;
      this.onPressure(false);
    }
  }
}
