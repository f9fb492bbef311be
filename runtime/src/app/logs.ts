/**
 * The app's stdout/stderr: split into lines, redacted, appended to rotating files
 * (`<dir>/app.stdout.log`, `.1`…`.keep`) and kept as an in-memory tail that the runtime API reads
 * and follows. One sink lives as long as the instance, across restarts and upgrades.
 */
import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { LogStream } from './events.js';

export interface LogLine {
  stream: LogStream;
  line: string;
  time: string;
  /** Increases by one per line across both streams, so a reader can tell what it missed. */
  seq: number;
}

export interface LogSinkOptions {
  /** Folder of the log files (created). */
  dir: string;
  /** Size at which a file is rotated (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 3). */
  keep?: number;
  /** Lines kept in memory per stream (default 1000). */
  tailLines?: number;
  redact?: (text: string) => string;
  now?: () => number;
}

/** Longest line kept as one; longer output without a newline is cut into pieces this long. */
const MAX_LINE = 64 * 1024;
/** Lines a slow follower may lag behind before the oldest are dropped. */
const MAX_FOLLOW_BACKLOG = 10_000;

interface StreamFile {
  fd: number | undefined;
  size: number;
  partial: string;
  tail: LogLine[];
}

export class LogSink extends EventEmitter<{ line: [LogLine]; close: [] }> {
  private readonly files: Record<LogStream, StreamFile>;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly tailLines: number;
  private readonly now: () => number;
  private seq = 0;
  private closed = false;
  redact: (text: string) => string;

  constructor(private readonly options: LogSinkOptions) {
    super();
    mkdirSync(options.dir, { recursive: true });
    this.maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    this.keep = options.keep ?? 3;
    this.tailLines = options.tailLines ?? 1000;
    this.redact = options.redact ?? ((t) => t);
    this.now = options.now ?? Date.now;
    const blank = (): StreamFile => ({ fd: undefined, size: 0, partial: '', tail: [] });
    this.files = { stdout: blank(), stderr: blank() };
  }

  /** Path of the current file of a stream; rotated ones add `.1` (newest) … `.keep`. */
  path(stream: LogStream): string {
    return join(this.options.dir, `app.${stream}.log`);
  }

  /** Reads a child's stream into the sink until it ends. */
  attach(stream: LogStream, readable: Readable): void {
    readable.setEncoding('utf8');
    readable.on('data', (chunk: string) => this.write(stream, chunk));
    readable.on('end', () => this.flush(stream));
  }

  /** Appends raw output; complete lines are stored, a trailing partial line waits for its end. */
  write(stream: LogStream, chunk: string): void {
    if (this.closed) return;
    const file = this.files[stream];
    const parts = (file.partial + chunk).split('\n');
    let rest = parts.pop() ?? '';
    while (rest.length > MAX_LINE) {
      parts.push(rest.slice(0, MAX_LINE));
      rest = rest.slice(MAX_LINE);
    }
    file.partial = rest;
    if (parts.length > 0) this.store(stream, parts);
  }

  /** Stores a pending partial line (the process ended without a final newline). */
  flush(stream: LogStream): void {
    const file = this.files[stream];
    if (file.partial === '' || this.closed) return;
    const line = file.partial;
    file.partial = '';
    this.store(stream, [line]);
  }

  private store(stream: LogStream, raw: string[]): void {
    const file = this.files[stream];
    const time = new Date(this.now()).toISOString();
    const lines = raw.map((l) => this.redact(l.endsWith('\r') ? l.slice(0, -1) : l));
    this.append(stream, `${lines.join('\n')}\n`);
    for (const line of lines) {
      const entry: LogLine = { stream, line, time, seq: ++this.seq };
      file.tail.push(entry);
      this.emit('line', entry);
    }
    if (file.tail.length > this.tailLines) file.tail.splice(0, file.tail.length - this.tailLines);
  }

  private append(stream: LogStream, text: string): void {
    const file = this.files[stream];
    const bytes = Buffer.byteLength(text);
    if (file.fd !== undefined && file.size > 0 && file.size + bytes > this.maxBytes) {
      closeSync(file.fd);
      file.fd = undefined;
      this.rotate(stream);
    }
    if (file.fd === undefined) {
      file.fd = openSync(this.path(stream), 'a', 0o600);
      file.size = fstatSync(file.fd).size;
    }
    writeSync(file.fd, text);
    file.size += bytes;
  }

  private rotate(stream: LogStream): void {
    const base = this.path(stream);
    rmSync(`${base}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${base}.${i}`, `${base}.${i + 1}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    if (this.keep >= 1) renameSync(base, `${base}.1`);
    else rmSync(base, { force: true });
  }

  /** The last `lines` lines (default all kept), of one stream or both in order. */
  tail(options: { stream?: LogStream; lines?: number } = {}): LogLine[] {
    const pick =
      options.stream !== undefined
        ? [...this.files[options.stream].tail]
        : [...this.files.stdout.tail, ...this.files.stderr.tail].sort((a, b) => a.seq - b.seq);
    const n = options.lines ?? pick.length;
    return n <= 0 ? [] : pick.slice(-n);
  }

  /**
   * New lines as they arrive (after the last `tail` lines, when given), until `signal` aborts or
   * the sink closes. A follower that lags more than 10,000 lines loses the oldest.
   */
  async *follow(
    options: { stream?: LogStream; tail?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<LogLine> {
    const queue: LogLine[] = options.tail !== undefined ? this.tail({ ...options, lines: options.tail }) : [];
    let wake: (() => void) | undefined;
    const onLine = (line: LogLine): void => {
      if (options.stream !== undefined && line.stream !== options.stream) return;
      queue.push(line);
      if (queue.length > MAX_FOLLOW_BACKLOG) queue.splice(0, queue.length - MAX_FOLLOW_BACKLOG);
      wake?.();
    };
    const onEnd = (): void => wake?.();
    this.on('line', onLine);
    this.on('close', onEnd);
    options.signal?.addEventListener('abort', onEnd);
    try {
      for (;;) {
        while (queue.length > 0) yield queue.shift() as LogLine;
        if (this.closed || options.signal?.aborted === true) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.off('line', onLine);
      this.off('close', onEnd);
      options.signal?.removeEventListener('abort', onEnd);
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stores pending partial lines, closes the files and ends every follower. */
  close(): void {
    if (this.closed) return;
    this.flush('stdout');
    this.flush('stderr');
    this.closed = true;
    for (const file of Object.values(this.files)) {
      if (file.fd !== undefined) closeSync(file.fd);
      file.fd = undefined;
    }
    this.emit('close');
  }
}
