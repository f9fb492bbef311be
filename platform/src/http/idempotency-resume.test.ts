/**
 * An idempotent create whose instance dies after the allocation committed and before its answer
 * was stored under the Idempotency-Key (found by the chaos run, test/chaos.e2e.test.ts): the retry
 * that takes the key over once the lock timed out must answer with that allocation, not create a
 * second one the client never hears of (which would hold GPUs and bill the project forever). The
 * death is played by the `allocations.created` pause point: the first request never answers.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAUSE_MARKER } from '../pause-points.js';
import { startFakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('idempotent creates resumed after a crash');

describe.each(dialects)('a create retried after its first attempt died, on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let projectId: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      idempotency: { lockTimeoutSeconds: 1 },
      rateLimit: { enabled: false },
    });
    const operator = (await t.login('resume-ops@example.com', { operator: true })).token;
    owner = (await t.login('resume-owner@example.com')).token;
    const res = await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'resume' } });
    projectId = ((await res.json()) as { id: string }).id;
    await startFakeNode({ url: t.url, token: operator, name: 'resume-node', gpus: 2 });
  });
  afterAll(async () => {
    delete process.env.GPUAAS_TEST_PAUSE_AT;
    await t?.close();
  });

  const allocations = () =>
    t.platform.db.selectFrom('allocations').select('id').where('project_id', '=', projectId).execute();

  it('answers with the allocation the dead attempt made, and makes no second one', async () => {
    const create = (signal?: AbortSignal) =>
      t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: { project_id: projectId, gpus: { count: 1 } },
        headers: { 'idempotency-key': 'resume-1' },
        ...(signal === undefined ? {} : { signal }),
      });
    // The handler announces the pause on stderr (this process's: the platform runs in it).
    const write = process.stderr.write.bind(process.stderr);
    const paused = new Promise<void>((resolve) => {
      process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
        if (String(chunk).includes(`${PAUSE_MARKER} allocations.created`)) resolve();
        return write(chunk, ...rest);
      };
    });
    process.env.GPUAAS_TEST_PAUSE_AT = 'allocations.created';
    const abort = new AbortController();
    const lost = create(abort.signal).catch(() => undefined);
    try {
      await paused;
    } finally {
      process.stderr.write = write;
      delete process.env.GPUAAS_TEST_PAUSE_AT;
    }
    expect(await allocations()).toHaveLength(1);
    abort.abort();
    await lost;
    const [made] = await allocations();

    // Within the lock timeout the key is still in flight; after it, the retry takes it over.
    expect((await create()).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1100));
    const retried = await create();
    expect(retried.status, await retried.clone().text()).toBe(201);
    expect(((await retried.json()) as { id: string }).id).toBe(made?.id);
    expect(retried.headers.get('location')).toBe(`/v1/allocations/${made?.id}`);
    expect(await allocations()).toHaveLength(1);

    // Its answer is now stored: a later retry replays it.
    const replayed = await create();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await allocations()).toHaveLength(1);
  });

  it('answers a retry after a 5xx that followed the commit with that allocation, at once', async () => {
    const create = () =>
      t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: { project_id: projectId, gpus: { count: 1 } },
        headers: { 'idempotency-key': 'resume-2' },
      });
    const before = (await allocations()).length;
    process.env.GPUAAS_TEST_FAIL_AT = 'allocations.created';
    try {
      expect((await create()).status).toBe(500);
    } finally {
      delete process.env.GPUAAS_TEST_FAIL_AT;
    }
    const made = await allocations();
    expect(made).toHaveLength(before + 1);
    // No wait for the lock timeout: a 5xx drops the lock, and the retry answers with what exists.
    const retried = await create();
    expect(retried.status, await retried.clone().text()).toBe(201);
    expect(made.map((a) => a.id)).toContain(((await retried.json()) as { id: string }).id);
    expect(await allocations()).toHaveLength(before + 1);
  });
});
