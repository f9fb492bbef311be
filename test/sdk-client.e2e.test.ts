/**
 * The TypeScript SDK as a script uses it (README.md's SDK quick start), against a real
 * `gpuaas-platform serve` with its local node agents and bubblewrap sandboxes:
 * createClient → catalog → create an allocation by project name → wait until running → run a
 * command in it → list every allocation page after page → release and wait until it ended, with
 * the event stream showing each state change.
 */
import { createClient } from '@gpuaas/sdk';
import type { GpuaasClient, PlatformEvent } from '@gpuaas/sdk';
import { createTestStore, requireTools } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlatform, startServer } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const sandboxed = requireTools('sdk client e2e (bubblewrap sandboxes)', 'bwrap');

describe.skipIf(!sandboxed)('the TypeScript SDK', () => {
  let store: TestStore;
  let server: TestServer;
  let client: GpuaasClient;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startServer(store, [
      '--local-node',
      '--simulate',
      '1x4',
      '--gpus',
      'simulated',
      '--sandbox',
      'bubblewrap',
    ]);
    const minted = await runPlatform(store, ['token', '--user', 'sdk@example.com', '--project', 'demo']);
    expect(minted.code, minted.stderr).toBe(0);
    client = createClient({ baseUrl: server.url, token: minted.stdout.trim() });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await store?.drop();
  });

  it('runs the 5-minute path: catalog, create, wait, exec, list, release', async () => {
    const models = await client.catalog.list();
    expect(models.map((m) => m.id)).toContain('h100-80gb');
    const events: PlatformEvent[] = [];
    const stop = new AbortController();
    const streaming = (async () => {
      for await (const e of client.events.stream({
        types: ['allocation.state_changed'],
        project: 'demo',
        signal: stop.signal,
      }))
        events.push(e);
    })();

    const created = await client.allocations.create({ gpus: 2, project: 'demo', ttl: '1h' });
    expect(['queued', 'scheduled', 'provisioning']).toContain(created.state);
    const running = await client.allocations.wait(created.id, { until: 'running', timeoutMs: 30_000 });
    expect(running.gpus).toHaveLength(2);
    const { exitCode, output } = await client.terminal.exec(created.id, [
      'sh',
      '-c',
      'nvidia-smi -L; exit 3',
    ]);
    expect(exitCode).toBe(3);
    expect(output.match(/^GPU \d+: /gm)).toHaveLength(2);

    // An interactive shell: what is typed runs, its output comes back, exit ends it.
    const shell = await client.terminal.open(created.id, { cols: 100, rows: 30 });
    let screen = '';
    shell.onOutput((chunk) => (screen += Buffer.from(chunk).toString('utf8')));
    shell.write('echo "cols=$(tput cols 2>/dev/null || stty size | cut -d" " -f2) $((6*7))"; exit 4\n');
    expect((await shell.exit).code).toBe(4);
    expect(screen).toContain('42');

    const seen: string[] = [];
    for await (const a of client.allocations.list({ project: 'demo' })) seen.push(a.id);
    expect(seen).toContain(created.id);

    await client.allocations.release(created.id, { wait: true });
    expect((await client.allocations.get(created.id)).state).toBe('released');
    await expect
      .poll(() => events.filter((e) => e.data.allocation_id === created.id).map((e) => e.data.to))
      .toEqual(expect.arrayContaining(['running', 'released']));
    stop.abort();
    await streaming;
  }, 90_000);

  it('refuses what the platform refuses with typed errors: code, status, correlation id', async () => {
    const refused = await client.allocations.create({ gpus: 64, project: 'demo' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ALLOCATION_UNSATISFIABLE', status: 422 });
    expect((refused as { correlationId?: string }).correlationId).toMatch(/[0-9a-f-]{20,}/);
    await expect(client.projects.resolve('no-such-project')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
