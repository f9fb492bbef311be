import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { main } from './main.js';

describe('gpuaas-platform node-agent', () => {
  let t: TestPlatform;
  let dir: string;
  beforeAll(async () => {
    t = await startTestPlatform('sqlite', { rateLimit: { enabled: false } });
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-agent-cli-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string>, signal?: AbortSignal) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const done = main(['node', 'gpuaas-platform', ...args], {
      stdout,
      stderr,
      env: { VITEST: 'true', ...env },
      ...(signal === undefined ? {} : { signal }),
    });
    return { done, out: () => out, err: () => err };
  };

  it('registers its GPUs with the platform using a token file, and goes on heartbeating until stopped', async () => {
    const { user } = await t.login('agent@example.com', { operator: true });
    const { token } = await t.platform.issueAccessToken({
      sub: user.id,
      operator: true,
      scopes: ['nodes:agent'],
    });
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, `${token}\n`);
    const stop = new AbortController();
    const agent = cli(
      [
        'node-agent',
        '--api-url',
        t.url,
        '--name',
        'gpu-box-1',
        '--token-file',
        tokenFile,
        '--data-dir',
        join(dir, 'node'),
        '--gpus',
        'simulated',
        '--simulate',
        '1x4',
        '--sandbox',
        'none',
      ],
      {},
      stop.signal,
    );
    const admin = (await t.login('ops@example.com', { operator: true })).token;
    let nodes: { name: string; gpus: unknown[]; status: string }[] = [];
    const deadline = Date.now() + 25_000;
    // Registered on the platform, and the agent said so (after its first heartbeat).
    while (
      !(nodes.some((n) => n.name === 'gpu-box-1') && agent.out().includes('registered')) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
      nodes = ((await (await t.request('/v1/nodes', { token: admin })).json()) as { items: typeof nodes })
        .items;
    }
    const node = nodes.find((n) => n.name === 'gpu-box-1');
    expect(node).toMatchObject({ status: 'ready' });
    expect(node?.gpus).toHaveLength(4);
    stop.abort();
    expect(await agent.done).toBe(0);
    expect(agent.out()).toContain('registered');
  }, 60_000);

  it('refuses to start without a token, naming the fix', async () => {
    const agent = cli(
      ['node-agent', '--api-url', t.url, '--gpus', 'simulated', '--data-dir', join(dir, 'x')],
      {},
    );
    expect(await agent.done).toBe(2);
    expect(agent.err()).toMatch(/CONFIG_INVALID.*--token-file or set GPUAAS_TOKEN/);
  });
});
