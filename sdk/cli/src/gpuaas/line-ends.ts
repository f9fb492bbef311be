/** Line ends of pty output written where no terminal reads it. */
import { Writable } from 'node:stream';

const CR = 0x0d;

/**
 * Commands run on a pty, which turns every `\n` into `\r\n`; when the output goes to a file or a
 * pipe (CI) the line ends are turned back, as a command run without a terminal would print them.
 */
export class PtyLineEnds extends Writable {
  private heldCr = false;

  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let bytes = this.heldCr ? Buffer.concat([Buffer.of(CR), chunk]) : chunk;
    // A CR at the end may be the first half of a CRLF split across chunks.
    this.heldCr = bytes.length > 0 && bytes[bytes.length - 1] === CR;
    if (this.heldCr) bytes = bytes.subarray(0, -1);
    if (bytes.length === 0) return callback();
    this.target.write(Buffer.from(bytes.toString('latin1').replaceAll('\r\n', '\n'), 'latin1'), () =>
      callback(),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.heldCr) return callback();
    this.heldCr = false;
    this.target.write(Buffer.of(CR), () => callback());
  }
}
