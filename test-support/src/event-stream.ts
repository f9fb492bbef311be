/**
 * A reader of the platform's Server-Sent Events stream (`GET /v1/events`) for tests: the stream
 * as a client reads it, over fetch, with the caller's bearer token.
 */

export interface StreamMessage<T> {
  /** The SSE `event:` field (`message` when absent). */
  event: string;
  data: T;
}

export interface EventStream<T> {
  /** The HTTP status the stream was answered with. */
  status: number;
  /** The next message with data, or undefined once the server ended the stream. */
  next(): Promise<StreamMessage<T> | undefined>;
  /** Reads until `stop` holds for a message's data; every data read, that one last. */
  until(stop: (data: T) => boolean): Promise<T[]>;
  cancel(): Promise<void>;
}

export async function openEventStream<T = Record<string, unknown>>(
  url: string,
  token: string,
): Promise<EventStream<T>> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  if (res.body === null) throw new Error(`${url} answered ${res.status} without a body`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<StreamMessage<T> | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        return { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) as T };
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const until = async (stop: (data: T) => boolean): Promise<T[]> => {
    const seen: T[] = [];
    for (;;) {
      const message = await next();
      if (message === undefined) throw new Error(`the event stream ended after ${JSON.stringify(seen)}`);
      seen.push(message.data);
      if (stop(message.data)) return seen;
    }
  };
  return { status: res.status, next, until, cancel: () => reader.cancel() };
}
