/**
 * `gpuaas-node-agent` (its `main`, in-process) against a real platform: it registers with an
 * operator token limited to `nodes:agent` read from a file, keeps heartbeating, and a registration
 * whose answer was lost is replayed by the platform (the SDK sender's Idempotency-Key) instead of
 * being applied twice.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { httpAgentTransport, main as agentMain } from '@gpuaas/node-agent';
import { createPlatform, main as platformMain } from '@gpuaas/platform';
import type { Platform } from '@gpuaas/platform';
import { staticTokenProvider } from '@gpuaas/sdk';
import { createTestStore } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `gpuaas-platform token` for an operator, limited to `scope`. */
async function mintToken(store: TestStore, email: string, scope: string): Promise<string> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const args = [
    'token',
    '--data-dir',
    store.dataDir,
    '--user',
    email,
    '--operator',
    '--scope',
    scope,
    '--json',
  ];
  const code = await platformMain(['node', 'gpuaas-platform', ...args], {
    stdout,
    stderr: new PassThrough(),
    env: {},
  });
  expect(code).toBe(0);
  return (JSON.parse(out) as { access_token: string }).access_token;
}

interface NodeView {
  id: string;
  name: string;
  status: string;
  gpus: unknown[];
}

describe('gpuaas-node-agent against a real platform', () => {
  let store: TestStore;
  let platform: Platform;
  let url: string;
  let dir: string;
  let agentToken: string;
  let operatorToken: string;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-agent-int-'));
    platform = await createPlatform({
      dataDir: store.dataDir,
      log: { level: 'silent' },
      defaultMetrics: false,
      localNode: false,
      rateLimit: { enabled: false },
    });
    url = (await platform.listen({ port: 0 })).url;
    agentToken = await mintToken(store, 'agent@example.com', 'nodes:agent');
    operatorToken = await mintToken(store, 'ops@example.com', 'nodes:read');
  });
  afterAll(async () => {
    await platform?.close({ graceMs: 500 });
    await store?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const nodes = async (): Promise<NodeView[]> => {
    const response = await fetch(`${url}/v1/nodes`, {
      headers: { authorization: `Bearer ${operatorToken}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: NodeView[] }).items;
  };

  it('registers its GPUs using a token file, and goes on heartbeating until stopped', async () => {
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, `${agentToken}\n`);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const stop = new AbortController();
    const args = [
      '--api-url',
      url,
      '--name',
      'gpu-box-1',
      '--token-file',
      tokenFile,
      '--data-dir',
      join(dir, 'node'),
    ];
    const done = agentMain(
      ['node', 'gpuaas-node-agent', ...args, '--gpus', 'simulated', '--simulate', '1x4', '--sandbox', 'none'],
      { stdout, stderr: new PassThrough(), env: {}, signal: stop.signal },
    );
    await expect.poll(() => out, { timeout: 25_000 }).toContain('registered');
    const node = (await nodes()).find((n) => n.name === 'gpu-box-1');
    expect(node).toMatchObject({ status: 'ready' });
    expect(node?.gpus).toHaveLength(4);
    stop.abort();
    expect(await done).toBe(0);
  }, 60_000);

  it('a registration whose answer was lost is sent again with its key and replayed', async () => {
    const keys: (string | null)[] = [];
    const replayed: (string | null)[] = [];
    let lost = false;
    const transport = httpAgentTransport({
      baseUrl: url,
      tokenProvider: staticTokenProvider(agentToken),
      fetch: async (request, init) => {
        keys.push(request.headers.get('idempotency-key'));
        const response = await fetch(request, init);
        replayed.push(response.headers.get('idempotent-replayed'));
        if (!lost) {
          lost = true; // the platform has registered the node; the agent never hears so
          throw new TypeError('fetch failed: socket hang up');
        }
        return response;
      },
    });
    const inventory = { gpus: [{ index: 0, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81_559 }] };
    const registered = await transport.register({ name: 'gpu-box-2', inventory, agent_version: '0.1.0' });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(replayed).toEqual([null, 'true']);
    expect((await nodes()).filter((n) => n.name === 'gpu-box-2').map((n) => n.id)).toEqual([registered.id]);
  });
});
