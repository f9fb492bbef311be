/**
 * Reading an app's log (`GET /v1/allocations/{id}/app/logs`, plain text; `follow=true` keeps the
 * response open and streams new lines) into a LogBuffer until aborted. A followed stream that ends
 * or drops (the app restarted, an upgrade) is opened again with backoff, without re-sending the
 * lines already shown (`tail=0`), a note marking the gap.
 */
import type { PlatformClient } from '../../api/client.js';
import type { LogBuffer } from './log-buffer.js';

export type LogStatus = 'connecting' | 'following' | 'ended' | 'failed';

export interface LogReadOptions {
  client: PlatformClient;
  allocationId: string;
  stream: 'stdout' | 'stderr';
  /** Keep the response open for new lines (while the app can still write). */
  follow: boolean;
  buffer: LogBuffer;
  signal: AbortSignal;
  /** Called after new text went into the buffer. */
  onText: () => void;
  onStatus: (status: LogStatus, error?: unknown) => void;
}

const FIRST_TAIL = 200;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export async function readLogs(o: LogReadOptions): Promise<void> {
  let first = true;
  let wait = RETRY_MIN_MS;
  while (!o.signal.aborted) {
    o.onStatus('connecting');
    try {
      const response = await o.client.request(
        'GET',
        `/v1/allocations/${encodeURIComponent(o.allocationId)}/app/logs`,
        { query: { stream: o.stream, tail: first ? FIRST_TAIL : 0, follow: o.follow }, signal: o.signal },
      );
      if (!first) o.buffer.note('[console] log stream reconnected; lines written meanwhile may be missing');
      first = false;
      o.onStatus(o.follow ? 'following' : 'ended');
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        if (reader === undefined) break;
        const { done, value } = await reader.read();
        if (done) break;
        o.buffer.push(decoder.decode(value, { stream: true }));
        o.onText();
        wait = RETRY_MIN_MS;
      }
      o.onText();
    } catch (error) {
      if (o.signal.aborted) return;
      o.onStatus('failed', error);
    }
    if (!o.follow) return;
    await sleep(wait, o.signal);
    wait = Math.min(RETRY_MAX_MS, wait * 2);
  }
}
