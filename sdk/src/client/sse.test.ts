import { describe, expect, it } from 'vitest';
import { readEventStream } from './sse.js';
import type { SseMessage } from './sse.js';

async function read(
  chunks: (string | Uint8Array)[],
  options: { lastEventId?: string; onRetry?(ms: number): void } = {},
): Promise<SseMessage[]> {
  const encoder = new TextEncoder();
  const source = ReadableStream.from(chunks.map((c) => (typeof c === 'string' ? encoder.encode(c) : c)));
  const out: SseMessage[] = [];
  for await (const m of readEventStream(source, options)) out.push(m);
  return out;
}

describe('readEventStream', () => {
  it('dispatches on blank lines with id, event, multi-line data and retry', async () => {
    const messages = await read([
      'retry: 2000\n\n',
      ': keep-alive\n\n',
      'id: 7\nevent: allocation.state_changed\ndata: {"a":1}\n\n',
      'data: line one\ndata: line two\n\n',
    ]);
    expect(messages).toEqual([
      { lastEventId: '7', event: 'allocation.state_changed', data: '{"a":1}' },
      { lastEventId: '7', event: 'message', data: 'line one\nline two' },
    ]);
  });

  it('reports retry: at once, with or without a message', async () => {
    const retries: number[] = [];
    const messages = await read(['retry: 1500\n\n', 'retry: x\nretry: 20\ndata: y\n\n'], {
      onRetry: (ms) => retries.push(ms),
    });
    expect(retries).toEqual([1500, 20]);
    expect(messages).toEqual([{ lastEventId: '', event: 'message', data: 'y' }]);
  });

  it('handles CRLF and CR line ends split anywhere, and UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('id: é1\r\ndata: ünï\r\n\r\ndata: b\r\rdata: c\n\n');
    const chunks = [...bytes].map((b) => new Uint8Array([b]));
    const messages = await read(chunks);
    expect(messages.map((m) => [m.lastEventId, m.data])).toEqual([
      ['é1', 'ünï'],
      ['é1', 'b'],
      ['é1', 'c'],
    ]);
  });

  it('starts from the given last event id, strips a BOM, and drops an unterminated message', async () => {
    const messages = await read(['\uFEFFdata: a\n\n', 'data: cut off'], { lastEventId: '41' });
    expect(messages).toEqual([{ lastEventId: '41', event: 'message', data: 'a' }]);
  });
});
