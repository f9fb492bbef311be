import { describe, expect, it } from 'vitest';
import {
  allocationOfJob,
  gpuIndicesOf,
  jobAlive,
  jobName,
  pendingReasonOf,
  readJob,
  submitBody,
} from './jobs.js';

describe('allocations as Slurm jobs', () => {
  it('names a job after its allocation and finds the allocation again; other jobs are not ours', () => {
    expect(allocationOfJob(jobName('0190-abc'))).toBe('0190-abc');
    expect(allocationOfJob('interactive')).toBeUndefined();
  });

  const gres: [string, { types: string[]; gres: string; constraints?: string }][] = [
    ['one model: gpu:TYPE:N', { types: ['h100-80gb'], gres: 'gpu:h100-80gb:2' }],
    ['any model: gpu:N', { types: [], gres: 'gpu:2' }],
    [
      'several models: gpu:N and a constraint on the nodes’ features',
      { types: ['h100-80gb', 'a100-80gb'], gres: 'gpu:2', constraints: 'h100-80gb|a100-80gb' },
    ],
  ];
  it.each(gres)('asks for the GPUs as GRES — %s', (_name, want) => {
    const body = submitBody(
      { allocationId: 'a1', projectId: 'p1', count: 2, gresTypes: want.types },
      { partition: 'gpu', account: 'p1' },
    ) as { script: string; job: Record<string, unknown> };
    expect(body.job).toMatchObject({
      name: 'gpuaas-a1',
      gres: want.gres,
      partition: 'gpu',
      account: 'p1',
      nodes: [1, 1],
    });
    expect(body.job.constraints).toBe(want.constraints);
    expect(body.script).toMatch(/^#!\/bin\/sh\n/);
    expect(body.script).toContain('exec sleep infinity');
  });

  const details: [string, number[]][] = [
    ['gpu:h100-80gb:2(IDX:0-1)', [0, 1]],
    ['gpu:3(IDX:0,2-3)', [0, 2, 3]],
    ['gpu:h100-80gb:1(IDX:3)', [3]],
    ['gpu:h100:4(S:0)(IDX:4-7)', [4, 5, 6, 7]],
    ['N/A', []],
    ['mps:100(IDX:0)', []],
  ];
  it.each(details)('reads the GPU indices of gres_detail %s', (detail, want) => {
    expect(gpuIndicesOf(detail)).toEqual(want);
  });

  it('reads a job of GET /jobs, and only the platform’s', () => {
    expect(
      readJob({
        job_id: 7,
        name: 'gpuaas-a1',
        job_state: 'RUNNING',
        state_reason: 'None',
        nodes: 'local-2',
        gres_detail: ['gpu:h100-80gb:2(IDX:2-3)'],
      }),
    ).toEqual({
      id: 7,
      allocationId: 'a1',
      state: 'RUNNING',
      reason: 'None',
      node: 'local-2',
      gpuIndices: [2, 3],
    });
    expect(
      readJob({
        job_id: 8,
        name: 'gpuaas-a2',
        job_state: 'PENDING',
        state_reason: 'Resources',
        nodes: '',
        gres_detail: [],
      }),
    ).toMatchObject({
      node: undefined,
      gpuIndices: [],
      reason: 'Resources',
    });
    expect(readJob({ job_id: 9, name: 'someone-else', job_state: 'RUNNING' })).toBeUndefined();
    expect(readJob(null)).toBeUndefined();
  });

  it('tells live jobs from ended ones and maps pending reasons', () => {
    expect(['PENDING', 'RUNNING', 'CONFIGURING'].map((state) => jobAlive({ state }))).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      ['CANCELLED', 'COMPLETED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'COMPLETING'].some((state) =>
        jobAlive({ state }),
      ),
    ).toBe(false);
    expect(pendingReasonOf('Priority')).toBe('waiting_for_priority');
    expect(pendingReasonOf('Resources')).toBe('no_capacity');
  });
});
