import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../output.js';
import { main } from '../main.js';
import { bin } from '../run.test.util.js';
import { findRuntimeBin, runtimeMissing } from './dev.js';

const work = mkdtempSync(join(tmpdir(), 'gpuaas-app-dev-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HEAD = `apiVersion: gpuaas.dev/v1alpha1
name: dev-test
version: 1.0.0
publisher: acme
resources:
  minimum:
    gpus:
      count: 0
`;

function app(name: string, yaml: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gpuaas-app.yaml'), HEAD + yaml);
  return dir;
}

function captureIo(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { PATH: process.env.PATH, HOME: work },
    cwd: work,
  };
  return { io, out: () => out, err: () => err };
}

describe('gpuaas-app dev', () => {
  it('finds the runtime bin next to the app or nowhere, and says how to install it', () => {
    const bare = join(work, 'bare');
    mkdirSync(bare);
    expect(findRuntimeBin([bare])).toBeUndefined();
    const withRuntime = join(work, 'with-runtime');
    const pkg = join(withRuntime, 'node_modules', '@gpuaas', 'runtime');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@gpuaas/runtime', bin: { 'gpuaas-runtime': './bin/rt.js' } }),
    );
    writeFileSync(join(pkg, 'bin', 'rt.js'), '');
    expect(findRuntimeBin([bare, withRuntime])).toBe(join(pkg, 'bin', 'rt.js'));
    const error = runtimeMissing();
    expect(error.code).toBe('RUNTIME_NOT_INSTALLED');
    expect(error.details?.hint).toBe('npm i -D @gpuaas/runtime');
  });

  it('runs the runtime dev command with the flags, forwarding its output and exit status', async () => {
    app(
      'ok',
      'run:\n  entrypoint: [sh, -c, \'echo "param=$GPUAAS_PARAM_WHO"\']\nparameters:\n  who: { type: string }\n',
    );
    const run = captureIo();
    const code = await main(
      ['node', 'gpuaas-app', 'dev', 'ok', '--once', '--json', '--param', 'who=me'],
      run.io,
    );
    expect(code, run.out() + run.err()).toBe(0);
    const events = run
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.some((e) => e.type === 'log' && e.line === 'param=me')).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'dev', event: 'exit', exit_code: 0 });

    const failing = app(
      'failing',
      "run:\n  entrypoint: [sh, -c, 'true']\nhooks:\n  install: { command: 'exit 7' }\n",
    );
    const bad = captureIo();
    expect(await main(['node', 'gpuaas-app', 'dev', failing, '--once'], bad.io)).toBe(1);
    expect(bad.out()).toMatch(/hook +install FAILED: exit code 7/);
  });

  it('forwards SIGTERM to the runtime, which stops the app before both exit', async () => {
    const dir = app(
      'service',
      "run:\n  entrypoint: [sh, -c, 'echo pid=$$; trap \"exit 0\" TERM; while :; do sleep 0.05; done']\nhooks:\n  start: { command: 'true' }\n",
    );
    // No endpoints and no ready() call: the app stays `starting`, which is enough to see it stop.
    const child = spawn(process.execPath, [bin, 'dev', dir, '--no-watch'], {
      env: { PATH: process.env.PATH, HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start:\n${text}`)), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        const match = /pid=(\d+)/.exec(text);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, text).toBe(0);
    expect(text).toMatch(/^state +stopped \(terminated\)$/m);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
