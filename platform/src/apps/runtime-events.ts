/**
 * Reads a runtime's `GET /v1/app/events` stream: Server-Sent Events whose `data:` is one JSON
 * object each (runtime/src/control/routes.ts). The runtime runs in the tenant's allocation, so a
 * message is bounded: one longer than MAX_MESSAGE ends the stream (the follower reconnects).
 */
import { StringDecoder } from 'node:string_decoder';

export const MAX_MESSAGE = 256 * 1024;

/** Yields each message's JSON object; lines that are not `data:`, and data that is not an object, are skipped. */
export async function* readRuntimeEvents(
  body: AsyncIterable<Buffer | string>,
): AsyncGenerator<Record<string, unknown>, void, undefined> {
  const decoder = new StringDecoder('utf8');
  const framer = new Framer();
  for await (const chunk of body) {
    yield* framer.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk), false);
  }
  yield* framer.feed(decoder.end(), true);
}

class Framer {
  #buffer = '';
  #data: string[] = [];
  #size = 0;

  *feed(text: string, final: boolean): Generator<Record<string, unknown>, void, undefined> {
    this.#buffer += text;
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (end < 0 || (!final && end === this.#buffer.length - 1 && this.#buffer[end] === '\r')) break;
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(this.#buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      const message = this.#line(line);
      if (message !== undefined) yield message;
    }
    if (this.#buffer.length + this.#size > MAX_MESSAGE) throw tooLong();
  }

  #line(line: string): Record<string, unknown> | undefined {
    if (line === '') {
      const message = parse(this.#data.join('\n'));
      this.#data = [];
      this.#size = 0;
      return message;
    }
    if (line.startsWith('data:')) {
      const value = line.slice(line.startsWith('data: ') ? 6 : 5);
      this.#size += value.length;
      if (this.#size > MAX_MESSAGE) throw tooLong();
      this.#data.push(value);
    }
    return undefined;
  }
}

const tooLong = () => new Error(`a runtime event exceeds ${MAX_MESSAGE} characters`);

function parse(text: string): Record<string, unknown> | undefined {
  if (text === '') return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
