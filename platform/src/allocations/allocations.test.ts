/**
 * Allocations end to end over the REST API, with a fake node agent: the state machine, pending
 * reasons, deadlines enforced by the server, unreachable nodes, visibility and terminal tokens.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform allocations');

interface Allocation {
  id: string;
  state: string;
  state_reason: string;
  pending_reason: string | null;
  node_id: string | null;
  node_status: string | null;
  gpus: { index: number; uuid: string | null; model: string; sku_id: string | null }[];
  transitions?: { from: string | null; to: string; reason: string; actor: string }[];
}

describe.each(dialects)('allocations on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let stranger: string;
  let projectId: string;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const body = await res.text();
    expect(res.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const create = (body: Record<string, unknown>, token = owner, headers: Record<string, string> = {}) =>
    t.request('/v1/allocations', {
      method: 'POST',
      token,
      json: { project_id: projectId, ...body },
      headers,
    });
  const get = async (id: string, token = owner) =>
    json<Allocation>(await t.request(`/v1/allocations/${id}`, { token }), 200);
  const release = (id: string, token = owner) =>
    t.request(`/v1/allocations/${id}/release`, { method: 'POST', token });
  const available = async (sku = 'h100-80gb') =>
    (await json<{ available: number }>(await t.request(`/v1/catalog/gpus/${sku}`, { token: owner }), 200))
      .available;
  const until = async (check: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 50, nodeUnreachableSeconds: 600, terminalTokenTtlSeconds: 2 },
    });
    operator = (await t.login('ops@example.com', { operator: true })).token;
    owner = (await t.login('owner@example.com')).token;
    stranger = (await t.login('stranger@example.com')).token;
    projectId = (
      await json<{ id: string }>(
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'alloc' } }),
        201,
      )
    ).id;
    await t.request('/v1/projects', { method: 'POST', token: stranger, json: { name: 'other' } });
  });
  afterAll(() => t?.close());

  it('walks queued → scheduled → running → releasing → released, frees the GPUs and records every step', async () => {
    const node = await startFakeNode({ url: t.url, token: operator, name: `lifecycle-${dialect}` });
    const before = await available();
    const created = await json<Allocation>(await create({ gpus: { count: 2 } }), 201);
    expect(created.state).toBe('scheduled');
    expect(created.node_id).toBe(node.id);
    expect(created.gpus.map((g) => g.sku_id)).toEqual(['h100-80gb', 'h100-80gb']);
    expect(await available()).toBe(before - 2);

    await node.beatUntil(async () => (await get(created.id)).state === 'running');
    expect(
      await json<{ token: string }>(
        await t.request(`/v1/allocations/${created.id}/terminal-tokens`, { method: 'POST', token: owner }),
        201,
      ),
    ).toHaveProperty('token');

    const releasing = await json<Allocation>(await release(created.id), 200);
    expect(releasing.state).toBe('releasing');
    // Release is idempotent: a second call changes nothing and succeeds.
    expect((await json<Allocation>(await release(created.id), 200)).state).toBe('releasing');
    await node.beatUntil(async () => (await get(created.id)).state === 'released');
    expect(await available()).toBe(before);
    const done = await get(created.id);
    expect(done.transitions?.map((s) => s.to)).toEqual([
      'queued',
      'scheduled',
      'provisioning',
      'running',
      'releasing',
      'released',
    ]);
    expect(done.transitions?.[4]).toMatchObject({
      reason: 'released_by_user',
      actor: expect.stringMatching(/^user:/) as string,
    });
    expect(done.gpus).toHaveLength(2);

    const audit = await json<{ items: { action: string; details: { to?: string } }[] }>(
      await t.request(`/v1/audit?project_id=${projectId}&target=${created.id}&limit=100`, {
        token: operator,
      }),
      200,
    );
    const changes = audit.items
      .filter((e) => e.action === 'allocation.state_changed')
      .map((e) => e.details.to);
    expect(changes.sort()).toEqual(['provisioning', 'released', 'releasing', 'running', 'scheduled'].sort());
    await release(created.id);
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });

  it('replays a create with the same Idempotency-Key instead of allocating twice', async () => {
    const headers = { 'idempotency-key': `idem-${dialect}-0001` };
    const a = await json<Allocation>(await create({ gpus: { count: 1 } }, owner, headers), 201);
    const b = await json<Allocation>(await create({ gpus: { count: 1 } }, owner, headers), 201);
    expect(b.id).toBe(a.id);
    await release(a.id);
  });

  it('refuses an unknown model with MODEL_UNKNOWN naming the field', async () => {
    const res = await create({ gpus: { count: 1, models: ['h100-80gb', 'tpu-v9'] } });
    const problem = await json<{ code: string; errors: { pointer: string }[]; detail: string }>(res, 422);
    expect(problem.code).toBe('MODEL_UNKNOWN');
    expect(problem.errors[0]?.pointer).toBe('/gpus/models/1');
    expect(problem.detail).toContain('h100-80gb');
  });

  it('queues what cannot be placed with a machine-readable reason, and places it when GPUs free up', async () => {
    const node = await startFakeNode({
      url: t.url,
      token: operator,
      name: `pending-${dialect}`,
      gpus: 4,
      model: 'NVIDIA L40S',
      memoryMib: 46_068,
    });
    const first = await json<Allocation>(await create({ gpus: { count: 4, models: ['l40s-48gb'] } }), 201);
    expect(first.state).toBe('scheduled');
    const waiting = await json<Allocation>(await create({ gpus: { count: 2, models: ['l40s-48gb'] } }), 201);
    expect(waiting).toMatchObject({ state: 'queued', pending_reason: 'no_capacity' });
    await release(first.id);
    await node.beatUntil(async () => (await get(waiting.id)).state === 'running');
    expect((await json<Allocation>(await release(waiting.id), 200)).state).toMatch(/^releas/);
    await node.beatUntil(async () => (await get(waiting.id)).state === 'released');
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });

  it('refuses at creation what no registered node could ever hold (ALLOCATION_UNSATISFIABLE), naming what is on offer', async () => {
    const node = await startFakeNode({
      url: t.url,
      token: operator,
      name: `unsatisfiable-${dialect}`,
      gpus: 4,
      model: 'NVIDIA A10',
      memoryMib: 23_028,
    });
    try {
      type Problem = { code: string; detail: string; errors: { pointer: string; detail: string }[] };
      const tooLarge = await json<Problem>(await create({ gpus: { count: 5, models: ['NVIDIA A10'] } }), 422);
      expect(tooLarge.code).toBe('ALLOCATION_UNSATISFIABLE');
      expect(tooLarge.errors).toEqual([
        { in: 'body', pointer: '/gpus/count', detail: expect.stringMatching(/^at most 4 /) },
      ]);
      expect(tooLarge.detail).toMatch(/the largest registered node has 4, so ask for at most 4/);
      expect(tooLarge.detail).toMatch(/on offer: .*NVIDIA A10 \(up to 4 per node/);
      const noMemory = await json<Problem>(
        await create({ gpus: { count: 1, models: ['NVIDIA A10'], min_memory_gib: 80 } }),
        422,
      );
      expect(noMemory).toMatchObject({
        code: 'ALLOCATION_UNSATISFIABLE',
        errors: [{ pointer: '/gpus/models' }],
      });
      expect(noMemory.detail).toMatch(/no registered node has a GPU of NVIDIA A10 with at least 80 GiB/);
      // A cordoned node is still part of the cluster: what fits it queues and waits for it.
      await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
      const waits = await json<Allocation>(await create({ gpus: { count: 4, models: ['NVIDIA A10'] } }), 201);
      expect(waits).toMatchObject({ state: 'queued', pending_reason: 'model_unavailable' });
      await t.request(`/v1/nodes/${node.id}/uncordon`, { method: 'POST', token: operator });
      await node.beatUntil(async () => (await get(waits.id)).state === 'running');
      await release(waits.id);
      await node.beatUntil(async () => (await get(waits.id)).state === 'released');
    } finally {
      // Later tests must not be placed on this node, which beats only here.
      await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
    }
  });

  it('enforces project quotas with quota_exceeded', async () => {
    const node = await startFakeNode({
      url: t.url,
      token: operator,
      name: `quota-${dialect}`,
      model: 'NVIDIA A100-SXM4-80GB',
    });
    const res = await t.request(`/v1/projects/${projectId}/quota`, {
      method: 'PUT',
      token: operator,
      json: { nominal_gpus: 1, max_gpus: 2 },
    });
    expect((await json<{ max_gpus: number; default: boolean }>(res, 200)).default).toBe(false);
    const big = await json<Allocation>(await create({ gpus: { count: 3, models: ['a100-80gb'] } }), 201);
    expect(big.pending_reason).toBe('quota_exceeded');
    await release(big.id);
    await t.request(`/v1/projects/${projectId}/quota`, {
      method: 'PUT',
      token: operator,
      json: { nominal_gpus: 1000, max_gpus: 1000 },
    });
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });

  it('enforces TTL, idle timeout and the provisioning deadline on the server', async () => {
    const node = await startFakeNode({
      url: t.url,
      token: operator,
      name: `deadlines-${dialect}`,
      model: 'NVIDIA H200',
      memoryMib: 143_771,
    });
    const stop = node.run(30);
    try {
      const ttl = await json<Allocation>(
        await create({ gpus: { count: 1, models: ['h200-141gb'] }, ttl: '1s' }),
        201,
      );
      const idle = await json<Allocation>(
        await create({ gpus: { count: 1, models: ['h200-141gb'] }, idle_timeout: '1s' }),
        201,
      );
      await until(
        async () => (await get(ttl.id)).state === 'released' && (await get(idle.id)).state === 'released',
      );
      expect((await get(ttl.id)).transitions?.find((s) => s.to === 'releasing')?.reason).toBe('ttl_expired');
      expect((await get(idle.id)).transitions?.find((s) => s.to === 'releasing')?.reason).toBe(
        'idle_timeout',
      );
    } finally {
      await stop();
    }
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });

  it('streams state changes over the WebSocket to those who may see them, and to no one else', async () => {
    const listen = (token: string) => {
      const seen: { type: string; data: { allocation_id?: string; to?: string } }[] = [];
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/v1/events`, ['gpuaas.events.v1'], {
        headers: { authorization: `Bearer ${token}` },
      });
      const opened = new Promise<void>((resolve, reject) => {
        ws.on('message', (raw: Buffer) => {
          const event = JSON.parse(raw.toString('utf8')) as (typeof seen)[number];
          if (event.type === 'stream.opened') resolve();
          else seen.push(event);
        });
        ws.on('error', reject);
      });
      return { ws, seen, opened };
    };
    const mine = listen(owner);
    const theirs = listen(stranger);
    await Promise.all([mine.opened, theirs.opened]);
    const node = await startFakeNode({ url: t.url, token: operator, name: `events-${dialect}` });
    const created = await json<Allocation>(await create({ gpus: { count: 1 } }), 201);
    await node.beatUntil(async () => (await get(created.id)).state === 'running');
    await until(() =>
      Promise.resolve(mine.seen.some((e) => e.data.allocation_id === created.id && e.data.to === 'running')),
    );
    expect(mine.seen.filter((e) => e.data.allocation_id === created.id).map((e) => e.data.to)).toEqual([
      'queued',
      'scheduled',
      'provisioning',
      'running',
    ]);
    expect(theirs.seen.some((e) => e.data.allocation_id === created.id)).toBe(false);
    // Without a token the upgrade is refused before it happens.
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/v1/events`, ['gpuaas.events.v1']);
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    mine.ws.close();
    theirs.ws.close();
    await release(created.id);
    await node.beatUntil(async () => (await get(created.id)).state === 'released');
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });

  it('lets a second tenant neither see nor touch an allocation', async () => {
    const node = await startFakeNode({ url: t.url, token: operator, name: `tenant-${dialect}` });
    const mine = await json<Allocation>(await create({ gpus: { count: 1 } }), 201);
    await node.beatUntil(async () => (await get(mine.id)).state === 'running');
    expect((await t.request(`/v1/allocations/${mine.id}`, { token: stranger })).status).toBe(404);
    expect((await release(mine.id, stranger)).status).toBe(404);
    expect(
      (await t.request(`/v1/allocations/${mine.id}/terminal-tokens`, { method: 'POST', token: stranger }))
        .status,
    ).toBe(404);
    const list = await json<{ items: Allocation[] }>(
      await t.request('/v1/allocations?limit=100', { token: stranger }),
      200,
    );
    expect(list.items.map((a) => a.id)).not.toContain(mine.id);
    const ownList = await json<{ items: Allocation[] }>(
      await t.request('/v1/allocations?limit=100', { token: owner }),
      200,
    );
    expect(ownList.items.map((a) => a.id)).toContain(mine.id);

    // A terminal token works once, and only before it expires.
    const mint = async () =>
      await json<{ token: string; url: string }>(
        await t.request(`/v1/allocations/${mine.id}/terminal-tokens`, { method: 'POST', token: owner }),
        201,
      );
    const first = await mint();
    expect(first.url).toContain(`/v1/allocations/${mine.id}/terminal?token=`);
    const attempt = (url: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url, ['gpuaas.terminal.v1']);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
        ws.on('error', () => resolve(-1));
      });
    // The fake node's runtime endpoint does not exist: the upgrade succeeds, then the proxy closes.
    expect(await attempt(first.url)).toBe(101);
    expect(await attempt(first.url)).toBe(401);
    const late = await mint();
    await new Promise((r) => setTimeout(r, 2100));
    expect(await attempt(late.url)).toBe(401);
    const otherAllocation = await mint();
    expect(await attempt(otherAllocation.url.replace(mine.id, '00000000-0000-7000-8000-000000000000'))).toBe(
      401,
    );
    await release(mine.id);
    await node.beatUntil(async () => (await get(mine.id)).state === 'released');
    await t.request(`/v1/nodes/${node.id}/cordon`, { method: 'POST', token: operator });
  });
});

describe.each(dialects)('server-enforced node and provisioning deadlines on %s', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 50, nodeUnreachableSeconds: 1, provisioningTimeoutSeconds: 1 },
    });
  });
  afterAll(() => t?.close());

  it('fails an allocation stuck in provisioning, frees its GPUs, and marks a silent node unreachable', async () => {
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    const { token } = await t.login('owner@example.com');
    const project = (await (
      await t.request('/v1/projects', { method: 'POST', token, json: { name: 'p' } })
    ).json()) as { id: string };
    const node = await startFakeNode({
      url: t.url,
      token: operator,
      name: 'stuck',
      behaviour: 'provisioning',
    });
    const created = (await (
      await t.request('/v1/allocations', {
        method: 'POST',
        token,
        json: { project_id: project.id, gpus: { count: 8 } },
      })
    ).json()) as Allocation;
    const stopBeating = node.run(50);
    const events: string[] = [];
    const stream = await fetch(`${t.url}/v1/events`, { headers: { authorization: `Bearer ${operator}` } });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const m of value.matchAll(/^event: (\S+)$/gm)) events.push(m[1] ?? '');
      }
    })();
    const deadline = Date.now() + 10_000;
    let row: Allocation;
    do {
      await new Promise((r) => setTimeout(r, 50));
      row = (await (await t.request(`/v1/allocations/${created.id}`, { token })).json()) as Allocation;
    } while (row.state !== 'failed' && Date.now() < deadline);
    expect(row).toMatchObject({ state: 'failed', state_reason: 'provisioning_timeout' });
    const sku = (await (await t.request('/v1/catalog/gpus/h100-80gb', { token })).json()) as {
      available: number;
    };
    expect(sku.available).toBe(8);
    await stopBeating();

    // No more heartbeats: the node becomes unreachable, which every subscriber sees.
    const until = Date.now() + 10_000;
    let status = 'ready';
    while (status !== 'unreachable' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      status = (
        (await (await t.request(`/v1/nodes/${node.id}`, { token: operator })).json()) as { status: string }
      ).status;
    }
    expect(status).toBe('unreachable');
    expect(
      (await (await t.request('/v1/catalog/gpus/h100-80gb', { token })).json()) as { available: number },
    ).toMatchObject({ available: 0 });
    await new Promise((r) => setTimeout(r, 400));
    await reader.cancel();
    await reading.catch(() => undefined);
    expect(events).toContain('node.status_changed');
    await node.beat();
    expect(
      ((await (await t.request(`/v1/nodes/${node.id}`, { token: operator })).json()) as { status: string })
        .status,
    ).toBe('ready');
  });
});
