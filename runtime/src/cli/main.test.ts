import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTerminal, terminalUrl } from '../terminal/testing.js';
import { main } from './main.js';

const SECRET = 'cli-secret-0123456789abcdef';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rtc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input: stream });
  return new Promise((resolve) => lines.once('line', (line) => (lines.close(), resolve(line))));
}

describe('gpuaas-runtime serve', () => {
  it('announces the socket, takes the secret from the environment and hides it from shells', async () => {
    const socket = join(dir, 'r.sock');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stderr.resume();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, GPUAAS_RUNTIME_SECRET: SECRET };
    const abort = new AbortController();
    const listening = firstLine(stdout);
    const exit = main(['node', 'gpuaas-runtime', 'serve', '--socket', socket, '--log-level', 'warn'], {
      stdout,
      stderr,
      env,
      signal: abort.signal,
    });
    expect(JSON.parse(await listening)).toEqual({ event: 'listening', socket });
    expect(env.GPUAAS_RUNTIME_SECRET).toBeUndefined();
    const t = await connectTerminal(
      terminalUrl(socket, {
        command: JSON.stringify(['sh', '-c', 'echo "[${GPUAAS_RUNTIME_SECRET-unset}]"']),
      }),
      { secret: SECRET },
    );
    await t.closed;
    expect(t.text()).toContain('[unset]');
    abort.abort();
    expect(await exit).toBe(0);
  });

  it('exits 2 without a secret', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const status = await main(['node', 'gpuaas-runtime', 'serve', '--socket', join(dir, 'r.sock')], {
      stdout: new PassThrough(),
      stderr,
      env: {},
    });
    expect(status).toBe(2);
    expect(text).toMatch(/^error\[CONFIG_INVALID\]: no secret/);
  });

  it('runs as a process (built bin): reads --secret-file, and SIGTERM closes terminals and exits 0', async () => {
    const socket = join(dir, 'r.sock');
    const secretFile = join(dir, 'secret');
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const bin = fileURLToPath(new URL('../../bin/gpuaas-runtime.js', import.meta.url));
    const child = spawn(process.execPath, [bin, 'serve', '--socket', socket, '--secret-file', secretFile], {
      env: { PATH: process.env.PATH, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    try {
      expect(JSON.parse(await firstLine(child.stdout))).toEqual({ event: 'listening', socket });
      const t = await connectTerminal(terminalUrl(socket, { command: '["sleep","600"]' }), {
        secret: SECRET,
      });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, logs).toBe(0);
      expect((await t.closed).code).toBe(1001);
      // Structured logs on stderr.
      expect(
        logs
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { msg: string }).msg),
      ).toContain('runtime listening');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
