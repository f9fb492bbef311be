/**
 * Slurm as the placement backend (issue 19, docs/slurm.md), against a real Slurm 22.05 cluster on
 * loopback (scripts/slurm-cluster.sh: slurmctld, two slurmd `local-1` and `local-2` with four
 * `h100-80gb` GPUs each as GRES over plain files, slurmrestd with JWT, slurmdbd on a MariaDB of its
 * own with associations enforced) and `gpuaas-platform serve --scheduler slurm` whose local node
 * agents are those two nodes. Through the platform's API: allocations become Slurm jobs with the
 * right GRES and project account (made in slurmdbd), run where Slurm put them (node and GPU
 * indices), a job that does not fit stays pending and is started after a release, a small one is
 * backfilled past it, releases cancel the jobs, a job ended under its allocation releases it; and
 * a slurmrestd that serves no supported API version is refused at startup with
 * SLURM_API_UNSUPPORTED naming what it serves.
 */
import { spawn } from 'node:child_process';
import { createTestStore, freePort, requireSlurm, startSlurmCluster } from '@gpuaas/test-support';
import type { SlurmCluster, TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformBin, run, startServer, until } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const slurm = requireSlurm('Slurm backend e2e');

interface Allocation {
  id: string;
  state: string;
  state_reason: string;
  node_id: string | null;
  gpus: { index: number }[];
  pending_reason: string | null;
  pending_message: string | null;
  transitions: { from: string | null; to: string; reason: string; actor: string }[];
}

interface Job {
  job_id: number;
  name: string;
  job_state: string;
  state_reason: string;
  nodes: string;
  gres_detail: string[];
  tres_per_node: string;
  account: string;
}

describe.skipIf(!slurm)('Slurm places allocations', () => {
  let cluster: SlurmCluster;
  let store: TestStore;
  let server: TestServer;
  let user: { token: string; project: string };
  let operator: string;

  beforeAll(async () => {
    cluster = await startSlurmCluster(['local-1:h100-80gb:4', 'local-2:h100-80gb:4']);
    store = await createTestStore('sqlite');
    server = await startServer(
      store,
      [
        '--local-node',
        '--simulate',
        '2x4',
        '--gpus',
        'simulated',
        '--sandbox',
        'none',
        '--no-demo',
        '--scheduler',
        'slurm',
        '--slurmrestd-url',
        cluster.url,
      ],
      { SLURM_JWT: cluster.token },
    );
    const token = async (args: string[]) => {
      const r = await run(
        platformBin,
        ['token', '--data-dir', store.dataDir, '--json', '--ttl', '3600', ...args],
        {
          ...process.env,
          CI: '',
        },
      );
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { access_token: string; project_id: string };
    };
    const owner = await token(['--user', 'alice@example.com', '--project', 'slurm-demo']);
    user = { token: owner.access_token, project: owner.project_id };
    operator = (await token(['--user', 'ops@example.com', '--operator'])).access_token;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await store?.drop();
    await cluster?.stop();
  });

  const api = async <T>(method: string, path: string, body?: unknown, as = user.token): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${as}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
    return JSON.parse(text) as T;
  };
  const create = (count: number) =>
    api<Allocation>('POST', '/v1/allocations', {
      project_id: user.project,
      gpus: { count, models: ['h100-80gb'] },
    });
  const get = (id: string) => api<Allocation>('GET', `/v1/allocations/${id}`);
  const release = (id: string) => api<Allocation>('POST', `/v1/allocations/${id}/release`);
  const nodeName = async (nodeId: string) =>
    (await api<{ name: string }>('GET', `/v1/nodes/${nodeId}`, undefined, operator)).name;
  const inState = (id: string, state: string, timeoutMs = 30_000) =>
    until(async () => ((await get(id)).state === state ? get(id) : undefined), {
      timeoutMs,
      intervalMs: 200,
      what: `allocation ${id} ${state}`,
    });

  /** Every job slurmctld knows, straight from slurmrestd. */
  const jobs = async (): Promise<Job[]> => {
    const res = await fetch(`${cluster.url}/slurm/v0.0.38/jobs`, {
      headers: { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': cluster.token },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { jobs: Job[] }).jobs;
  };
  /** slurmctld's count of jobs its backfill scheduler started (sdiag). */
  const backfilledJobs = async () => {
    const res = await fetch(`${cluster.url}/slurm/v0.0.38/diag`, {
      headers: { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': cluster.token },
    });
    return ((await res.json()) as { statistics: { bf_backfilled_jobs: number } }).statistics
      .bf_backfilled_jobs;
  };
  const jobOf = async (allocationId: string) => {
    const mine = (await jobs()).filter((j) => j.name === `gpuaas-${allocationId}`);
    return mine.sort((a, b) => b.job_id - a.job_id)[0];
  };
  /** Slurm's node and GPU indices for a job equal the platform's node name and GPU indices. */
  const expectSamePlacement = async (allocation: Allocation) => {
    const job = await jobOf(allocation.id);
    expect(job?.job_state).toBe('RUNNING');
    expect(await nodeName(allocation.node_id!)).toBe(job!.nodes);
    const idx = /\(IDX:([0-9,-]+)\)/.exec(job!.gres_detail.join(' '))?.[1] ?? '';
    const slurmIndices = idx.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
    });
    expect(allocation.gpus.map((g) => g.index).sort()).toEqual(slurmIndices);
    return job!;
  };

  let big: Allocation;
  let three: Allocation;
  let waiting: Allocation;
  let small: Allocation;

  it('turns allocations into Slurm jobs with --gres=gpu:MODEL:N and runs them where Slurm placed them', async () => {
    big = await create(4);
    big = await inState(big.id, 'running');
    const job = await expectSamePlacement(big);
    expect(job.tres_per_node).toBe('gres:gpu:h100-80gb:4');
    // One account per project (fair-share), made in slurmdbd with the user's association; the
    // cluster enforces associations, so the job would have been refused without it.
    expect(job.account).toBe(user.project.toLowerCase());
    const associations = await fetch(`${cluster.url}/slurmdb/v0.0.38/associations`, {
      headers: { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': cluster.token },
    });
    expect(
      ((await associations.json()) as { associations: { account: string; user?: string }[] }).associations,
    ).toContainEqual(expect.objectContaining({ account: job.account, user: 'root' }));

    three = await inState((await create(3)).id, 'running');
    const other = await expectSamePlacement(three);
    expect(other.nodes).not.toBe(job.nodes);
    expect(other.tres_per_node).toBe('gres:gpu:h100-80gb:3');
  }, 90_000);

  it('keeps an allocation that does not fit queued behind a pending job, and backfills a small one past it', async () => {
    waiting = await create(4);
    const pending = await until(
      async () => {
        const a = await get(waiting.id);
        return a.pending_message?.endsWith('(Resources)') === true ? a : undefined;
      },
      { timeoutMs: 20_000, what: 'the pending reason from Slurm' },
    );
    expect(pending.state).toBe('queued');
    expect(pending.pending_reason).toBe('no_capacity');
    expect(pending.pending_message).toMatch(/^Slurm job \d+ is pending \(Resources\)$/);
    expect((await jobOf(waiting.id))?.job_state).toBe('PENDING');

    // One GPU is free on the node with three: Slurm's backfill starts the small job past the big one
    // (the main scheduler considers nothing behind a job pending for Resources in its partition).
    const backfilled = await backfilledJobs();
    small = await inState((await create(1)).id, 'running');
    expect(await backfilledJobs()).toBeGreaterThan(backfilled);
    await expectSamePlacement(small);
    expect(small.node_id).toBe(three.node_id);
    expect(small.gpus.map((g) => g.index)).toEqual([3]);
    expect((await get(waiting.id)).state).toBe('queued');
  }, 90_000);

  it('cancels the job on release, and Slurm starts the pending one on the GPUs that freed', async () => {
    const firstJob = (await jobOf(big.id))!;
    await release(big.id);
    await inState(big.id, 'released');
    await until(async () => ((await jobOf(big.id))?.job_state === 'CANCELLED' ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the released allocation’s job cancelled',
    });
    const started = await inState(waiting.id, 'running', 60_000);
    const job = await expectSamePlacement(started);
    expect(job.nodes).toBe(firstJob.nodes);
    expect(started.node_id).toBe(big.node_id);
    expect(started.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);
  }, 90_000);

  it('cancels the pending job of an allocation released while queued, and releases an allocation whose job ended under it', async () => {
    const queued = await create(4);
    await until(async () => ((await jobOf(queued.id))?.job_state === 'PENDING' ? true : undefined), {
      timeoutMs: 20_000,
      what: 'a pending job',
    });
    const released = await release(queued.id);
    expect(released.state).toBe('released');
    await until(async () => ((await jobOf(queued.id))?.job_state === 'CANCELLED' ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the queued allocation’s job cancelled',
    });
    for (const a of [three, small, waiting]) {
      expect((await get(a.id)).state).toBe('running');
      expect((await jobOf(a.id))?.job_state).toBe('RUNNING');
    }
    // Slurm's books and the platform's agree: every running job is exactly one running allocation.
    const running = (await jobs())
      .filter((j) => j.job_state === 'RUNNING')
      .map((j) => j.name)
      .sort();
    expect(running).toEqual([three, small, waiting].map((a) => `gpuaas-${a.id}`).sort());

    // A job that ends under its allocation (here an operator's scancel) releases the allocation.
    const smallJob = (await jobOf(small.id))!;
    const cancel = await fetch(`${cluster.url}/slurm/v0.0.38/job/${smallJob.job_id}`, {
      method: 'DELETE',
      headers: { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': cluster.token },
    });
    expect(cancel.status).toBe(200);
    const ended = await inState(small.id, 'released');
    expect(ended.transitions.find((t) => t.to === 'releasing')).toMatchObject({
      reason: 'slurm_job_ended',
      actor: 'system',
    });

    for (const a of [three, waiting]) await release(a.id);
    for (const a of [three, waiting]) await inState(a.id, 'released');
    await until(
      async () =>
        (await jobs()).every((j) => j.job_state !== 'RUNNING' && j.job_state !== 'PENDING')
          ? true
          : undefined,
      { timeoutMs: 20_000, what: 'every job ended' },
    );
  }, 90_000);

  it('refuses to start against a slurmrestd that serves no supported API version, naming what it serves', async () => {
    // The same cluster's slurmrestd with only its older API plugins: what a mismatch looks like for real.
    const port = await freePort();
    const restd = spawn(
      'slurmrestd',
      [
        '-f',
        cluster.conf,
        '-a',
        'rest_auth/jwt',
        '-s',
        'openapi/v0.0.36,openapi/v0.0.37',
        `127.0.0.1:${port}`,
      ],
      {
        env: { ...process.env, SLURMRESTD_SECURITY: 'disable_user_check', SLURM_JWT: 'daemon' },
        stdio: 'ignore',
      },
    );
    try {
      await until(
        async () => {
          try {
            await fetch(`http://127.0.0.1:${port}/openapi/v3`);
            return true;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 15_000, what: 'the second slurmrestd' },
      );
      const other = await createTestStore('sqlite');
      try {
        const r = await run(
          platformBin,
          [
            'serve',
            '--port',
            '0',
            '--data-dir',
            other.dataDir,
            '--no-local-node',
            '--no-demo',
            '--scheduler',
            'slurm',
            '--slurmrestd-url',
            `http://127.0.0.1:${port}`,
          ],
          { ...process.env, CI: '', SLURM_JWT: cluster.token },
        );
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(
          /error\[SLURM_API_UNSUPPORTED\]: .*slurmrestd serves v0\.0\.37, v0\.0\.36; this backend supports v0\.0\.38/,
        );
        // A token slurmrestd refuses is its own error, with how to mint one.
        const refused = await run(
          platformBin,
          [
            'serve',
            '--port',
            '0',
            '--data-dir',
            other.dataDir,
            '--no-local-node',
            '--no-demo',
            '--scheduler',
            'slurm',
            '--slurmrestd-url',
            cluster.url,
          ],
          { ...process.env, CI: '', SLURM_JWT: 'not-a-token' },
        );
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(
          /error\[SLURM_UNAVAILABLE\]: .*ping.*is the token valid\? mint one with: scontrol token username=root/,
        );
      } finally {
        await other.drop();
      }
    } finally {
      restd.kill();
    }
  }, 60_000);
});
