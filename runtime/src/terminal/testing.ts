/**
 * Test helpers (not exported from the package): a raw `ws` client for a runtime's terminal that
 * records everything it receives.
 */
import { WebSocket } from 'ws';
import type { ClientOptions } from 'ws';
import { TERMINAL_SUBPROTOCOL, parseTerminalServerMessage } from '@gpuaas/sdk/terminal';
import type { TerminalServerMessage } from '@gpuaas/sdk/terminal';

export interface TestTerminal {
  ws: WebSocket;
  /** Output so far, decoded as UTF-8. */
  text(): string;
  bytes(): number;
  controls: TerminalServerMessage[];
  /** Resolves when the output matches (rejects after the timeout with what arrived). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
  send(text: string): void;
  control(message: unknown): void;
}

export function terminalUrl(socketPath: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `ws+unix:${socketPath}:/v1/terminal${search === '' ? '' : `?${search}`}`;
}

export function connectTerminal(
  url: string,
  options: { secret?: string; keepText?: boolean; ws?: ClientOptions } = {},
): Promise<TestTerminal> {
  const headers: Record<string, string> =
    options.secret === undefined ? {} : { authorization: `Bearer ${options.secret}` };
  const ws = new WebSocket(url, [TERMINAL_SUBPROTOCOL], { headers, perMessageDeflate: false, ...options.ws });
  const chunks: Buffer[] = [];
  let count = 0;
  const controls: TerminalServerMessage[] = [];
  const waiters = new Set<() => void>();
  const keep = options.keepText ?? true;
  ws.on('message', (data, isBinary) => {
    const buffer = data as Buffer;
    if (isBinary) {
      count += buffer.length;
      if (keep) chunks.push(buffer);
    } else {
      const message = parseTerminalServerMessage(buffer.toString('utf8'));
      if (message !== undefined) controls.push(message);
    }
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') });
      for (const wake of waiters) wake();
    }),
  );
  const text = () => Buffer.concat(chunks).toString('utf8');
  const terminal: TestTerminal = {
    ws,
    text,
    bytes: () => count,
    controls,
    closed,
    send: (value) => ws.send(Buffer.from(value, 'utf8')),
    control: (message) => ws.send(JSON.stringify(message)),
    waitFor: (pattern, timeoutMs = 10_000) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const current = text();
          if (pattern.test(current)) {
            cleanup();
            resolve(current);
          } else if (ws.readyState === WebSocket.CLOSED) {
            cleanup();
            reject(new Error(`closed before ${String(pattern)}; output: ${JSON.stringify(current)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)}; output: ${JSON.stringify(text())}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(terminal));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode ?? 0}`), { status: res.statusCode }));
      res.resume();
      ws.terminate();
    });
    ws.on('error', reject);
  });
}
