/**
 * The lines of a followed log, bounded: a flood keeps only the newest `maxLines` (each cut at
 * `maxLineLength`), so the page holds and renders a fixed amount whatever the app writes. Text
 * arrives in chunks that split lines anywhere; the unfinished last line waits for its end.
 */
export interface LogBufferOptions {
  maxLines: number;
  maxLineLength: number;
}

export const DEFAULT_LOG_LIMITS: LogBufferOptions = { maxLines: 2000, maxLineLength: 2000 };

export class LogBuffer {
  readonly #options: LogBufferOptions;
  #lines: string[] = [];
  #partial = '';
  /** Lines dropped from the front since the start (shown as "N earlier lines dropped"). */
  #dropped = 0;
  /** Bumped on every change, so a view can tell whether to render again. */
  #version = 0;

  constructor(options: LogBufferOptions = DEFAULT_LOG_LIMITS) {
    this.#options = options;
  }

  get version(): number {
    return this.#version;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** The complete lines, oldest first, and the unfinished one if any. */
  lines(): readonly string[] {
    return this.#partial === '' ? this.#lines : [...this.#lines, this.#cut(this.#partial)];
  }

  /** Adds a chunk of text (any split: a line may go on in the next chunk). */
  push(chunk: string): void {
    if (chunk === '') return;
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    // An endless line without a newline would grow without bound: cut it into lines.
    while (this.#partial.length > this.#options.maxLineLength) {
      parts.push(this.#partial.slice(0, this.#options.maxLineLength));
      this.#partial = this.#partial.slice(this.#options.maxLineLength);
    }
    for (const line of parts) this.#lines.push(this.#cut(line.replace(/\r$/, '')));
    this.#trim();
    this.#version++;
  }

  /** A line of the console's own (a reconnection, the end of the stream). */
  note(line: string): void {
    this.#flushPartial();
    this.#lines.push(line);
    this.#trim();
    this.#version++;
  }

  clear(): void {
    this.#lines = [];
    this.#partial = '';
    this.#dropped = 0;
    this.#version++;
  }

  #flushPartial(): void {
    if (this.#partial === '') return;
    this.#lines.push(this.#cut(this.#partial));
    this.#partial = '';
  }

  #cut(line: string): string {
    return line.length > this.#options.maxLineLength
      ? `${line.slice(0, this.#options.maxLineLength)}…`
      : line;
  }

  #trim(): void {
    const excess = this.#lines.length - this.#options.maxLines;
    if (excess <= 0) return;
    this.#lines.splice(0, excess);
    this.#dropped += excess;
  }
}
