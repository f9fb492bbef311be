import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkError } from '../errors.js';
import { attachTty, execCommand, exitStatusOf } from './attach.js';
import type { TerminalInput, TerminalOutput } from './attach.js';
import { openTerminal, terminalError } from './client.js';
import type { OpenTerminalOptions } from './client.js';
import { TERMINAL_SUBPROTOCOL } from './protocol.js';

// The client is tested against the real runtime, run from its built bin as the node agent runs it.
const SECRET = 'sdk-client-secret-0123456789';
const runtimeBin = fileURLToPath(new URL('../../../runtime/bin/gpuaas-runtime.js', import.meta.url));
let dir: string;
let socket: string;
let runtime: ChildProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdkt-'));
  socket = join(dir, 'r.sock');
  await writeFile(join(dir, 'secret'), SECRET, { mode: 0o600 });
  runtime = spawn(
    process.execPath,
    [runtimeBin, 'serve', '--socket', socket, '--secret-file', join(dir, 'secret')],
    {
      env: { PATH: process.env.PATH, HOME: dir, LANG: 'C' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    runtime.once('exit', (code) => reject(new Error(`gpuaas-runtime exited with ${String(code)}`)));
    createInterface({ input: runtime.stdout! }).once('line', resolve);
  });
  expect(JSON.parse(line)).toEqual({ event: 'listening', socket });
});

afterAll(async () => {
  if (runtime?.exitCode === null) {
    runtime.kill('SIGTERM');
    await once(runtime, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
});

function target(command?: string[], secret = SECRET): OpenTerminalOptions {
  const query = command === undefined ? '' : `?command=${encodeURIComponent(JSON.stringify(command))}`;
  return {
    url: `ws+unix:${socket}:/v1/terminal${query}`,
    token: '',
    headers: { authorization: `Bearer ${secret}` },
  };
}

function collect(): { stream: Writable & TerminalOutput; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('openTerminal against the runtime', () => {
  it('delivers output that came before the first listener, then the exit status', async () => {
    const session = await openTerminal({ ...target(['printf', 'hello']), cols: 100, rows: 30 });
    expect(session.protocol).toBe(TERMINAL_SUBPROTOCOL);
    expect(await session.exit).toEqual({ code: 0, signal: null });
    let output = '';
    session.onOutput((chunk) => (output += Buffer.from(chunk).toString('utf8')));
    expect(output).toBe('hello');
  });

  it('writes input, resizes and reports a non-zero exit', async () => {
    const session = await openTerminal({
      ...target(['sh', '-c', 'read x; stty size; exit 4']),
      cols: 80,
      rows: 24,
    });
    let output = '';
    session.onOutput((chunk) => (output += Buffer.from(chunk).toString('utf8')));
    session.resize(132, 43);
    session.write('go\n');
    expect(await session.exit).toEqual({ code: 4, signal: null });
    expect(output).toContain('43 132');
  });

  it('maps a refused secret to TERMINAL_UNAUTHORIZED and a missing socket to TERMINAL_UNREACHABLE', async () => {
    await expect(openTerminal(target(['true'], 'wrong-secret-0123456789'))).rejects.toMatchObject({
      code: 'TERMINAL_UNAUTHORIZED',
      details: { status: 401 },
    });
    await expect(
      openTerminal({ ...target(), url: `ws+unix:${join(dir, 'none.sock')}:/v1/terminal` }),
    ).rejects.toMatchObject({
      code: 'TERMINAL_UNREACHABLE',
    });
    await expect(openTerminal({ url: 'ftp://x', token: '' })).rejects.toMatchObject({ code: 'USAGE' });
  });
});

describe('attachTty and execCommand', () => {
  it('follows the local window size and restores raw mode at the end', async () => {
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      isRaw: false,
      rawCalls: [] as boolean[],
      setRawMode(mode: boolean) {
        this.rawCalls.push(mode);
        this.isRaw = mode;
      },
    });
    const out = collect();
    const stdout = Object.assign(out.stream, { isTTY: true, columns: 100, rows: 30 });
    const session = await openTerminal({
      ...target(['sh', '-c', 'read x; stty size; read y; stty size; exit 9']),
    });
    const status = attachTty(session, { stdin: stdin as TerminalInput, stdout, handleSignals: false });
    stdin.write('\n');
    await until(() => out.text().includes('30 100'));
    stdout.columns = 120;
    stdout.rows = 40;
    stdout.emit('resize');
    stdin.write('\n');
    expect(await status).toBe(9);
    expect(out.text()).toContain('40 120');
    expect(stdin.rawCalls).toEqual([true, false]);
  });

  it('pauses the remote side while stdout is full, and loses nothing', async () => {
    const session = await openTerminal(target(['sh', '-c', 'head -c 3000000 /dev/zero | base64']));
    let pauses = 0;
    const pause = session.pause.bind(session);
    session.pause = () => {
      pauses += 1;
      pause();
    };
    let bytes = 0;
    // A stdout with a small buffer whose writes complete only on a later turn of the event loop.
    const stdout = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        setImmediate(callback);
      },
    });
    expect(await attachTty(session, { stdin: new PassThrough(), stdout, handleSignals: false })).toBe(0);
    // 4,000,000 base64 characters in 52,632 lines, each ended by \r\n on the pty.
    expect(bytes).toBe(4_000_000 + 2 * 52_632);
    expect(pauses).toBeGreaterThan(0);
  });

  it('execCommand streams a command with piped input and resolves its status', async () => {
    const stdin = new PassThrough();
    const out = collect();
    const done = execCommand({
      ...target(['sh', '-c', 'stty -echo; echo ready; tr a-z A-Z; exit 3']),
      stdin,
      stdout: out.stream,
      handleSignals: false,
    });
    await until(() => out.text().includes('ready'));
    stdin.end('hello\n');
    expect(await done).toBe(3);
    expect(out.text()).toContain('HELLO');
  });

  it('execCommand without stdin gives the command end-of-file', async () => {
    const out = collect();
    expect(
      await execCommand({
        ...target(['sh', '-c', 'cat; echo after-eof']),
        stdout: out.stream,
        handleSignals: false,
      }),
    ).toBe(0);
    expect(out.text()).toContain('after-eof');
  });
});

describe('protocol errors and other WebSocket implementations', () => {
  let wss: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    // A scripted server: the path says what it does.
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => TERMINAL_SUBPROTOCOL });
    wss.on('connection', (ws, req) => {
      if (req.url === '/ok') {
        ws.send(Buffer.from('hi'));
        ws.send(JSON.stringify({ type: 'exit', code: null, signal: 'SIGKILL' }));
        ws.close(1000);
      } else if (req.url === '/fail') {
        ws.send(JSON.stringify({ type: 'error', code: 'RUNTIME_UNREACHABLE', message: 'no runtime' }));
        ws.close(1011, 'no runtime');
      } else {
        ws.close(Number(req.url?.slice(1)), 'refused');
      }
    });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

  it('works with the WHATWG WebSocket of the platform', async () => {
    const session = await openTerminal({
      url: `${url}/ok`,
      token: 'abc.DEF-123',
      WebSocketImpl: WebSocket,
    });
    let output = '';
    session.onOutput((chunk) => (output += Buffer.from(chunk).toString('utf8')));
    const exit = await session.exit;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exitStatusOf(exit)).toBe(137);
    expect(output).toBe('hi');
  });

  it('rejects exit with TERMINAL_CLOSED and the remote code when the server fails', async () => {
    const session = await openTerminal({ url: `${url}/fail`, token: 'abc' });
    await expect(session.exit).rejects.toMatchObject({
      code: 'TERMINAL_CLOSED',
      details: { closeCode: 1011, remoteCode: 'RUNTIME_UNREACHABLE' },
    });
  });

  it('maps the 44xx close codes', async () => {
    for (const [closeCode, code] of [
      [4401, 'TERMINAL_UNAUTHORIZED'],
      [4403, 'TERMINAL_FORBIDDEN'],
      [4404, 'TERMINAL_NOT_FOUND'],
      [4410, 'TERMINAL_TOKEN_EXPIRED'],
    ] as const) {
      const session = await openTerminal({ url: `${url}/${closeCode}`, token: 'abc' });
      await expect(session.exit).rejects.toMatchObject({ code });
    }
    expect(terminalError({ status: 410, opened: false })).toBeInstanceOf(SdkError);
    expect(terminalError({ status: 410, opened: false }).code).toBe('TERMINAL_TOKEN_EXPIRED');
    expect(terminalError({ closeCode: 1006, opened: false }).code).toBe('TERMINAL_UNREACHABLE');
  });

  it('refuses a token that cannot travel as a subprotocol', async () => {
    await expect(openTerminal({ url, token: 'has space' })).rejects.toMatchObject({ code: 'USAGE' });
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
