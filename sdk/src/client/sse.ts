/**
 * A `text/event-stream` reader (the WHATWG "event stream interpretation"), so the CLI can follow
 * `GET /v1/events` with plain fetch and resume with `Last-Event-ID` after a reconnect.
 */

export interface SseMessage {
  /** The last event id seen so far on the stream (sent back as Last-Event-ID). */
  lastEventId: string;
  event: string;
  data: string;
}

export interface ReadEventStreamOptions {
  /** Where the stream resumes from (the Last-Event-ID sent). */
  lastEventId?: string;
  /** The server's `retry:` (reconnection time in ms), as soon as it is read. */
  onRetry?(ms: number): void;
}

/**
 * The chunks of a fetch response body, read with a reader: browsers without async iteration of
 * ReadableStream (Safari) read event streams too. Returning early (a `break`) cancels the body.
 */
export async function* streamChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Yields each dispatched message. Lines may end with CRLF, LF or CR and be split across chunks
 * anywhere (even inside a UTF-8 sequence); comments (`:`) and unknown fields are skipped.
 */
export async function* readEventStream(
  body: AsyncIterable<Uint8Array>,
  options: ReadEventStreamOptions = {},
): AsyncGenerator<SseMessage, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id = options.lastEventId ?? '';
  let first = true;

  const line = (text: string): SseMessage | undefined => {
    if (text === '') {
      const message: SseMessage | undefined =
        data.length === 0 ? undefined : { lastEventId: id, event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      return message;
    }
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) options.onRetry?.(Number(value));
        break;
    }
    return undefined;
  };

  const drain = function* (final: boolean): Generator<SseMessage> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A CR at the very end may be the first half of a CRLF still in flight.
      if (match === null || (match[0] === '\r' && match.index === buffer.length - 1 && !final)) return;
      const text = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      const message = line(text);
      if (message !== undefined) yield message;
    }
  };

  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (first) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      if (buffer !== '') first = false;
    }
    yield* drain(false);
  }
  buffer += decoder.decode();
  yield* drain(true);
  // An unterminated last message is discarded, as the spec says.
}
