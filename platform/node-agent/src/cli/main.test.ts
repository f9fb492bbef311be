import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { freePort, startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

/**
 * The program against a fake platform that speaks the two protocol calls; the same program
 * against a real platform is test/node-agent.int.test.ts.
 */
describe('gpuaas-node-agent', () => {
  let platform: TestHttpServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-agent-cli-'));
    platform = await startHttpServer((request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (request.url.pathname === '/v1/nodes') {
        const { name } = JSON.parse(request.body.toString()) as { name: string };
        res.end(JSON.stringify({ id: 'node-1', name, status: 'ready' }));
      } else {
        res.end(JSON.stringify({ heartbeat_interval_ms: 100, assignments: [] }));
      }
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}, signal?: AbortSignal) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const done = main(['node', 'gpuaas-node-agent', ...args], {
      stdout,
      stderr,
      env,
      ...(signal === undefined ? {} : { signal }),
    });
    return { done, out: () => out, err: () => err };
  };
  const simulated = (name: string) => [
    '--api-url',
    platform.url,
    '--name',
    name,
    '--data-dir',
    join(dir, name),
    '--gpus',
    'simulated',
    '--simulate',
    '1x4',
    '--sandbox',
    'none',
  ];

  it('registers its simulated GPUs with a token read from a file, heartbeats until stopped, exits 0', async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'agent-token\n');
    const stop = new AbortController();
    const agent = cli([...simulated('gpu-box-1'), '--token-file', tokenFile], {}, stop.signal);
    await expect.poll(() => agent.out(), { timeout: 10_000 }).toContain('node node-1 (gpu-box-1) registered');
    // The file is read again for each request: a token rotated in place is used from then on.
    await writeFile(tokenFile, 'rotated-token\n');
    await expect
      .poll(() => platform.requests.at(-1)?.headers.authorization, { timeout: 10_000 })
      .toBe('Bearer rotated-token');
    stop.abort();
    expect(await agent.done).toBe(0);
    const registration = platform.requests.find((r) => r.url.pathname === '/v1/nodes');
    expect(registration?.headers.authorization).toBe('Bearer agent-token');
    const body = JSON.parse(registration!.body.toString()) as {
      name: string;
      inventory: { gpus: unknown[] };
    };
    expect(body.name).toBe('gpu-box-1');
    expect(body.inventory.gpus).toHaveLength(4);
    expect(
      platform.requests.filter((r) => r.url.pathname === '/v1/nodes/node-1/heartbeat').length,
    ).toBeGreaterThan(1);
  });

  it('takes the token from GPUAAS_TOKEN without a file', async () => {
    const stop = new AbortController();
    const agent = cli(simulated('gpu-box-2'), { GPUAAS_TOKEN: 'env-token' }, stop.signal);
    await expect.poll(() => agent.out(), { timeout: 10_000 }).toContain('registered');
    stop.abort();
    expect(await agent.done).toBe(0);
    const registration = platform.requests.filter((r) => r.url.pathname === '/v1/nodes').at(-1);
    expect(registration?.headers.authorization).toBe('Bearer env-token');
  });

  it.each([
    ['no token', [], /error\[CONFIG_INVALID\]: no agent token: pass --token-file or set GPUAAS_TOKEN/],
    [
      'a bad --simulate',
      ['--simulate', '4gpus'],
      /error\[CONFIG_INVALID\]: --simulate "4gpus" must look like 2x8/,
    ],
    [
      'a bad --sandbox-limits',
      ['--sandbox-limits', 'gpus=2'],
      /error\[CONFIG_INVALID\]: --sandbox-limits: "gpus" is not a sandbox limit/,
    ],
    [
      'a bad --sandbox',
      ['--sandbox', 'docker'],
      /error\[CONFIG_INVALID\]: --sandbox must be auto, bubblewrap or none/,
    ],
  ])('refuses to start with %s, naming the fix (exit 2)', async (_name, extra, message) => {
    const env: Record<string, string> = extra.length === 0 ? {} : { GPUAAS_TOKEN: 't' };
    const agent = cli([...simulated('refused'), ...extra], env);
    expect(await agent.done).toBe(2);
    expect(agent.err()).toMatch(message);
  });

  it('a refusal by the platform ends the program with exit 1 (refused) and the platform code', async () => {
    const refusing = await startHttpServer((_request, res) => {
      res
        .writeHead(403, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ code: 'INSUFFICIENT_SCOPE', title: 'Insufficient scope', status: 403 }));
    });
    try {
      const agent = cli([...simulated('refused-2'), '--api-url', refusing.url], {
        GPUAAS_TOKEN: 'wrong-scope',
      });
      expect(await agent.done).toBe(1);
      expect(agent.err()).toMatch(/error\[INSUFFICIENT_SCOPE\]/);
    } finally {
      await refusing.stop();
    }
  });

  it('needs --platform-url (or its older name --api-url), each an http(s) URL', async () => {
    const none = cli(['--gpus', 'simulated']);
    expect(await none.done).toBe(2);
    expect(none.err()).toMatch(/error\[CONFIG_INVALID\]: give the platform with --platform-url/);
    const bad = cli(['--gpus', 'simulated', '--platform-url', 'ftp://x'], { GPUAAS_TOKEN: 't' });
    expect(await bad.done).toBe(2);
    expect(bad.err()).toMatch(/--platform-url must be an http\(s\) URL \(got "ftp:\/\/x"\)/);
  });

  it('refuses a credential file beside a token file, --runtime-listen alone, an address it cannot listen on', async () => {
    const both = cli([...simulated('both'), '--credential-file', 'a', '--token-file', 'b']);
    expect(await both.done).toBe(2);
    expect(both.err()).toMatch(/--credential-file or --token-file, not both/);
    const listen = cli([...simulated('listen'), '--runtime-listen', '0.0.0.0'], { GPUAAS_TOKEN: 't' });
    expect(await listen.done).toBe(2);
    expect(listen.err()).toMatch(/--runtime-listen needs --advertise-address/);
    // An address of another machine (TEST-NET-1, RFC 5737) cannot be listened on: said at start.
    const elsewhere = cli([...simulated('elsewhere'), '--advertise-address', '192.0.2.1'], {
      GPUAAS_TOKEN: 't',
    });
    expect(await elsewhere.done).toBe(2);
    expect(elsewhere.err()).toMatch(
      /--advertise-address 192\.0\.2\.1: cannot listen there \(EADDRNOTAVAIL\)/,
    );
  });

  it('fails over to the next --platform-url when the first does not answer', async () => {
    const stop = new AbortController();
    const args = simulated('failover').map((a) => (a === '--api-url' ? '--platform-url' : a));
    const agent = cli(
      ['--platform-url', `http://127.0.0.1:${await freePort()}`, ...args],
      { GPUAAS_TOKEN: 'agent-token' },
      stop.signal,
    );
    await expect.poll(() => agent.out(), { timeout: 20_000 }).toContain('node node-1 (failover) registered');
    // Registered through the second: the first refused the connection (nothing listens there).
    expect(platform.requests.some((r) => r.url.pathname === '/v1/nodes')).toBe(true);
    stop.abort();
    expect(await agent.done).toBe(0);
  }, 30_000);
});
