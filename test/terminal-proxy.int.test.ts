/**
 * The platform's terminal proxy (`proxyTerminal`, platform/src/terminal/proxy.ts) relaying to a real
 * runtime's terminal server over its Unix socket: here rather than beside the proxy because the
 * server does not depend on the runtime (the node agent starts it).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntimeServer } from '@gpuaas/runtime';
import type { RuntimeServer } from '@gpuaas/runtime';
import {
  TERMINAL_HIGH_WATER_MARK,
  TERMINAL_LOW_WATER_MARK,
  TERMINAL_SUBPROTOCOL,
} from '@gpuaas/sdk/terminal';
import { proxyTerminal, terminalUpstreamUrl } from '@gpuaas/platform';
import type { TerminalProxyResult, TerminalUpstream } from '@gpuaas/platform';

const SECRET = 'proxy-test-secret-0123456789';
let dir: string;
let runtime: RuntimeServer;
let http: Server;
/** What the next upgrade proxies to, and the results of finished proxies. */
let upstream: TerminalUpstream;
let secret = SECRET;
const results: Promise<TerminalProxyResult>[] = [];
/** Bytes relayed towards the runtime so far, over every proxy (from onActivity). */
let relayedUp = 0;
let relayedDown = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'px-'));
  runtime = await startRuntimeServer({
    socketPath: join(dir, 'rt.sock'),
    secret: SECRET,
    env: { PATH: process.env.PATH, HOME: dir, LANG: 'C' },
    killGraceMs: 300,
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: () => TERMINAL_SUBPROTOCOL,
  });
  http = createServer();
  http.on('upgrade', (req, socket, head) => {
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
    wss.handleUpgrade(req, socket, head, (ws) => {
      results.push(
        proxyTerminal(ws, upstream, {
          headers: { authorization: `Bearer ${secret}` },
          query,
          onActivity: (direction, bytes) => {
            if (direction === 'upstream') relayedUp += bytes;
            else relayedDown += bytes;
          },
        }),
      );
    });
  });
  // The client side runs over a Unix socket too: its small kernel buffers let a slow reader push
  // back on the proxy within a few hundred KiB (loopback TCP would absorb megabytes first).
  http.listen(join(dir, 'px.sock'));
  await once(http, 'listening');
});

afterAll(async () => {
  http?.close();
  await runtime?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Client {
  ws: WebSocket;
  binary: () => Buffer;
  bytesIn: () => number;
  controls: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(command: string[], options: { keep?: boolean } = {}): Promise<Client> {
  upstream = { socketPath: runtime.socketPath };
  secret = SECRET;
  return dial(`?command=${encodeURIComponent(JSON.stringify(command))}`, options.keep ?? true);
}

async function dial(search: string, keep = true): Promise<Client> {
  const ws = new WebSocket(`ws+unix:${join(dir, 'px.sock')}:/${search}`, [TERMINAL_SUBPROTOCOL], {
    perMessageDeflate: false,
  });
  const chunks: Buffer[] = [];
  const controls: unknown[] = [];
  let count = 0;
  ws.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) controls.push(JSON.parse(data.toString('utf8')));
    else {
      count += data.length;
      if (keep) chunks.push(data);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
  );
  await once(ws, 'open');
  return { ws, binary: () => Buffer.concat(chunks), bytesIn: () => count, controls, closed };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves once `count` is above zero and has not changed for five polls in a row. */
async function stalls(count: () => number): Promise<void> {
  let last = -1;
  let still = 0;
  await until(() => {
    const now = count();
    still = now === last && now > 0 ? still + 1 : 0;
    last = now;
    return still >= 5;
  }, 'the relay stalls');
}

const lastResult = () => results.at(-1)!;

describe('proxyTerminal', () => {
  it('relays input, output, control messages and the close code, and counts the bytes', async () => {
    const client = await connect(['sh', '-c', 'stty -echo; echo ready; read x; echo "got:$x"; exit 6']);
    await until(() => client.binary().includes('ready'), 'first output');
    client.ws.send(Buffer.from('abc\n'));
    expect(await client.closed).toEqual({ code: 1000, reason: '' });
    expect(client.binary().toString()).toBe('ready\r\ngot:abc\r\n');
    expect(client.controls).toEqual([{ type: 'exit', code: 6, signal: null }]);
    const result = await lastResult();
    expect(result).toMatchObject({
      upstreamOpened: true,
      closeCode: 1000,
      bytesToUpstream: 4,
      framesToUpstream: 1,
    });
    const exitFrame = JSON.stringify({ type: 'exit', code: 6, signal: null });
    expect(result.bytesToDownstream).toBe(client.bytesIn() + exitFrame.length);
  });

  it("passes the client's close code to the runtime, which hangs up the process", async () => {
    const client = await connect(['sh', '-c', 'echo "pid $$"; exec sleep 600']);
    await until(() => /pid \d+/.test(client.binary().toString()), 'pid');
    const pid = Number(/pid (\d+)/.exec(client.binary().toString())![1]);
    client.ws.close(4000, 'bye');
    expect(await client.closed).toEqual({ code: 4000, reason: 'bye' });
    expect(await lastResult()).toMatchObject({ closeCode: 4000, closeReason: 'bye' });
    await until(() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');
      } catch {
        return true;
      }
    }, 'the process ends');
  });

  it('keeps both send queues bounded: a flood to a slow client, and input to a process that does not read', async () => {
    const downBefore = relayedDown;
    const flood = await connect(['sh', '-c', 'head -c 24M /dev/zero | base64'], { keep: false });
    // The client stops reading until the relay stalls: the pressure has reached the proxy.
    flood.ws.pause();
    await stalls(() => relayedDown - downBefore);
    flood.ws.resume();
    let since = 0;
    flood.ws.on('message', (data: Buffer) => {
      since += data.length;
      if (since < 2 * 1024 * 1024) return;
      since = 0;
      flood.ws.pause();
      setTimeout(() => flood.ws.resume(), 20);
    });
    expect((await flood.closed).code).toBe(1000);
    // 24 MiB of zeros as base64: 33,554,432 characters in 441,506 lines ended by \r\n.
    expect(flood.bytesIn()).toBe(33_554_432 + 2 * 441_506);
    const out = await lastResult();
    expect(out.peakBufferedToDownstream).toBeGreaterThan(TERMINAL_LOW_WATER_MARK);
    expect(out.peakBufferedToDownstream).toBeLessThan(TERMINAL_HIGH_WATER_MARK + 512 * 1024);

    const stuck = await connect(['sh', '-c', 'stty raw -echo; exec sleep 600']);
    const start = relayedUp;
    const frame = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 512; i++) stuck.ws.send(frame);
    // 32 MiB offered; the relay must stall once the runtime's input queue and the proxy's are full.
    await until(() => relayedUp - start > TERMINAL_HIGH_WATER_MARK, 'input flows');
    await stalls(() => relayedUp);
    expect(relayedUp - start).toBeLessThan(8 * 1024 * 1024);
    stuck.ws.terminate();
    const input = await lastResult();
    expect(input.peakBufferedToUpstream).toBeLessThan(TERMINAL_HIGH_WATER_MARK + 512 * 1024);
    // Both stalled sockets still notice that their peers left.
    await until(() => runtime.terminalStats().sessions === 0, 'the runtime ends the session');
  }, 60_000);

  it('closes the client with 1011 and an error message when the runtime is missing or refuses', async () => {
    upstream = { socketPath: join(dir, 'missing.sock') };
    const missing = await dial('');
    const closed = await missing.closed;
    expect(closed.code).toBe(1011);
    expect(closed.reason).toMatch(/runtime could not be reached/);
    expect(missing.controls).toMatchObject([{ type: 'error', code: 'RUNTIME_UNREACHABLE' }]);
    expect(await lastResult()).toMatchObject({ upstreamOpened: false, closeCode: 1011 });

    upstream = { socketPath: runtime.socketPath };
    secret = 'not-the-secret-0123456789';
    const refused = await dial('');
    expect(await refused.closed).toEqual({
      code: 1011,
      reason: 'the runtime refused the terminal (HTTP 401)',
    });
  });

  it('builds upstream URLs for sockets and HTTP endpoints', () => {
    expect(terminalUpstreamUrl({ socketPath: '/run/a.sock' }, { cols: '80' })).toBe(
      'ws+unix:/run/a.sock:/v1/terminal?cols=80',
    );
    expect(terminalUpstreamUrl({ url: 'http://10.0.0.5:7000' })).toBe('ws://10.0.0.5:7000/v1/terminal');
    expect(terminalUpstreamUrl({ url: 'wss://node/x/terminal' }, { command: '["ls"]' })).toBe(
      'wss://node/x/terminal?command=%5B%22ls%22%5D',
    );
  });
});
