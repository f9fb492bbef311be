import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { TERMINAL_HIGH_WATER_MARK, TERMINAL_LOW_WATER_MARK } from '@gpuaas/sdk/terminal';
import { startRuntimeServer } from '../server.js';
import type { RuntimeServer } from '../server.js';
import { connectTerminal, terminalUrl } from './testing.js';
import type { TestTerminal } from './testing.js';

const SECRET = 'test-secret-0123456789abcdef';
let dir: string;
let server: RuntimeServer;
let socketPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rt-'));
  socketPath = join(dir, 'rt.sock');
  server = await startRuntimeServer({
    socketPath,
    secret: SECRET,
    allocationId: 'alloc-1',
    env: { PATH: process.env.PATH, HOME: dir, LANG: 'C', GPUAAS_RUNTIME_SECRET: SECRET },
    killGraceMs: 300,
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const open = (query: Record<string, string> = {}, keepText = true): Promise<TestTerminal> =>
  connectTerminal(terminalUrl(socketPath, query), { secret: SECRET, keepText });
const run = (argv: string[], query: Record<string, string> = {}) =>
  open({ ...query, command: JSON.stringify(argv) });

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Gone or a zombie: the process no longer runs. */
function gone(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return status.slice(status.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('runtime terminal', () => {
  it('a login shell prints its first output without any input, echoes and exits with its status', async () => {
    const t = await open();
    await t.waitFor(/\S/);
    t.send('echo hi-$((6*7)) "$PWD"\n');
    await t.waitFor(new RegExp(`hi-42 ${dir}`));
    t.send('exit 3\n');
    expect(await t.closed).toEqual({ code: 1000, reason: '' });
    expect(t.controls).toEqual([{ type: 'exit', code: 3, signal: null }]);
  });

  it('runs the argv of `command` as given, without a shell', async () => {
    const t = await run(['printf', '%s|%s', 'a b', '$HOME']);
    await t.closed;
    expect(t.text()).toBe('a b|$HOME');
    expect(t.controls).toEqual([{ type: 'exit', code: 0, signal: null }]);
  });

  it('reports a signal as the exit cause', async () => {
    const t = await run(['sh', '-c', 'kill -TERM $$']);
    await t.closed;
    expect(t.controls).toEqual([{ type: 'exit', code: null, signal: 'SIGTERM' }]);
  });

  it('starts with cols/rows from the query and follows resize messages', async () => {
    const t = await run(['sh', '-c', 'stty size; read x; stty size'], { cols: '80', rows: '24' });
    await t.waitFor(/24 80/);
    t.control({ type: 'resize', cols: 100, rows: 30 });
    t.send('\n');
    await t.waitFor(/30 100/);
    await t.closed;
  });

  it('sets TERM from the query and keeps the runtime secret out of the environment', async () => {
    const t = await run(['sh', '-c', 'echo "$TERM [${GPUAAS_RUNTIME_SECRET-unset}]"'], { term: 'vt100' });
    await t.closed;
    expect(t.text()).toContain('vt100 [unset]');
  });

  it('eof ends the input of a command reading stdin', async () => {
    const t = await run(['sh', '-c', 'stty -echo; echo ready; wc -c']);
    await t.waitFor(/ready/);
    // A partial last line: the runtime sends ^D twice, as a user would type it.
    t.send('ab\ncd');
    t.control({ type: 'eof' });
    await t.closed;
    expect(t.text()).toMatch(/^ready\r\n\s*5\r\n$/);
  });

  it('refuses callers without the secret with 401 before upgrading', async () => {
    const url = terminalUrl(socketPath);
    await expect(connectTerminal(url)).rejects.toMatchObject({ status: 401 });
    await expect(connectTerminal(url, { secret: `${SECRET}x` })).rejects.toMatchObject({ status: 401 });
    await expect(connectTerminal(url, { secret: SECRET.slice(0, -1) })).rejects.toMatchObject({
      status: 401,
    });
    expect(server.terminalStats().sessions).toBe(0);
  });

  it('answers HTTP errors with codes: bad parameters 400, plain GET 426, unknown path 404', async () => {
    await expect(run(['printf', 'x'], { cols: '0' })).rejects.toMatchObject({ status: 400 });
    await expect(open({ command: '"sh"' })).rejects.toMatchObject({ status: 400 });
    const plain = await get('/v1/terminal', { authorization: `Bearer ${SECRET}` });
    expect(plain.status).toBe(426);
    expect(JSON.parse(plain.body)).toMatchObject({ code: 'UPGRADE_REQUIRED' });
    expect((await get('/v1/nope')).status).toBe(404);
  });

  it('serves /v1/health without the secret, on a socket only its owner may open', async () => {
    const health = await get('/v1/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', allocation_id: 'alloc-1', pid: process.pid });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600);
  });

  it('client pause stops the output until resume', async () => {
    const t = await run(['sh', '-c', 'stty -echo; echo ready; read x; head -c 3000000 /dev/zero | base64']);
    await t.waitFor(/ready\r\n/);
    t.control({ type: 'pause' });
    t.send('\n');
    // Paused, the process blocks once the pty's kernel buffer (tens of KiB) is full.
    await new Promise((r) => setTimeout(r, 300));
    expect(t.bytes()).toBeLessThan(TERMINAL_LOW_WATER_MARK);
    t.control({ type: 'resume' });
    await t.closed;
    // "ready", then 4,000,000 base64 characters in 52,632 lines, every line ended by \r\n.
    expect(t.bytes()).toBe(7 + 4_000_000 + 2 * 52_632);
    expect(t.controls).toEqual([{ type: 'exit', code: 0, signal: null }]);
  });

  it('a flood through a slow reader arrives complete while the send queue stays bounded', async () => {
    // A server of its own, so its peak send queue is this terminal's.
    const own = await startRuntimeServer({
      socketPath: join(dir, 'flood.sock'),
      secret: SECRET,
      env: { PATH: process.env.PATH },
    });
    onTestFinished(() => own.close());
    const command = JSON.stringify(['sh', '-c', 'head -c 64M /dev/zero | base64']);
    const t = await connectTerminal(terminalUrl(own.socketPath, { command }), {
      secret: SECRET,
      keepText: false,
    });
    // Not reading at first, until the server's queue stops growing: flow control has stopped the pty.
    t.ws.pause();
    let last = -1;
    let still = 0;
    await until(() => {
      const now = own.terminalStats().peakBufferedAmount;
      still = now === last && now > 0 ? still + 1 : 0;
      last = now;
      return still >= 5;
    }, 'the send queue stops growing');
    t.ws.resume();
    // Then read slowly: stop reading for 30 ms after every 4 MiB.
    let sincePause = 0;
    t.ws.on('message', (data: Buffer) => {
      sincePause += data.length;
      if (sincePause < 4 * 1024 * 1024) return;
      sincePause = 0;
      t.ws.pause();
      setTimeout(() => t.ws.resume(), 30);
    });
    const { code } = await t.closed;
    expect(code).toBe(1000);
    expect(t.controls).toEqual([{ type: 'exit', code: 0, signal: null }]);
    // 64 MiB of zeros in base64: 89,478,488 characters in 1,177,349 lines, each ended by \r\n on a pty.
    expect(t.bytes()).toBe(89_478_488 + 2 * 1_177_349);
    const peak = own.terminalStats().peakBufferedAmount;
    expect(peak).toBeGreaterThan(TERMINAL_LOW_WATER_MARK);
    expect(peak).toBeLessThan(TERMINAL_HIGH_WATER_MARK + 512 * 1024);
  }, 60_000);

  it('a client that disconnects takes its process group down with it', async () => {
    const t = await run(['sh', '-c', 'sleep 600 & echo "pids $$ $!"; wait']);
    const [, shell, child] = /pids (\d+) (\d+)/.exec(await t.waitFor(/pids \d+ \d+/))!.map(Number);
    t.ws.close();
    await until(() => gone(shell!) && gone(child!), 'the shell and its child exit after SIGHUP');
  });

  it('processes that ignore SIGHUP get SIGKILL after the grace period', async () => {
    const t = await run(['sh', '-c', 'trap "" HUP; sleep 600 & echo "pids $$ $!"; wait']);
    const [, shell, child] = /pids (\d+) (\d+)/.exec(await t.waitFor(/pids \d+ \d+/))!.map(Number);
    t.ws.terminate();
    await until(() => gone(shell!) && gone(child!), 'the group is killed after the grace');
    await until(() => server.terminalStats().sessions === 0, 'the session ends');
  });
});

describe('runtime server lifecycle', () => {
  it('replaces a stale socket, refuses a live one, and close() hangs up open terminals', async () => {
    const local = await mkdtemp(join(tmpdir(), 'rt-'));
    const path = join(local, 's.sock');
    try {
      // A socket file left by a killed process.
      spawnSync(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ]);
      expect((await stat(path)).isSocket()).toBe(true);
      const first = await startRuntimeServer({
        socketPath: path,
        secret: SECRET,
        env: { PATH: process.env.PATH },
      });
      await expect(startRuntimeServer({ socketPath: path, secret: SECRET })).rejects.toMatchObject({
        code: 'SOCKET_IN_USE',
      });
      const t = await connectTerminal(terminalUrl(path, { command: '["sleep","600"]' }), { secret: SECRET });
      await first.close();
      expect((await t.closed).code).toBe(1001);
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(local, { recursive: true, force: true });
    }
  });

  it('refuses a short secret and an overlong socket path', async () => {
    await expect(
      startRuntimeServer({ socketPath: join(dir, 'x.sock'), secret: 'short' }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    await expect(
      startRuntimeServer({ socketPath: `/tmp/${'x'.repeat(120)}`, secret: SECRET }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
