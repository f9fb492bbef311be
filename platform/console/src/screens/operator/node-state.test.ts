import { describe, expect, it } from 'vitest';
import { countGpus, gpuState, nodeCondition, nodeConditionLabel, summarize } from './node-state.js';
import type { Node, NodeGpu } from './node-state.js';

const gpu = (index: number, allocation: string | null = null): NodeGpu => ({
  index,
  uuid: null,
  model: 'H100 80GB',
  memory_mib: 81_920,
  nvlink_domain: 'a',
  sku_id: 'h100-80gb',
  allocation_id: allocation,
});

const node = (over: Partial<Node> = {}): Node => ({
  id: 'n1',
  name: 'local',
  region: 'local',
  status: 'ready',
  schedulable: true,
  labels: {},
  agent_version: '0.1.0',
  gpus: [gpu(0, 'a1'), gpu(1)],
  allocations: ['a1'],
  last_heartbeat_at: null,
  registered_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  ...over,
});

describe('gpuState', () => {
  it.each([
    ['held on a ready node', node(), gpu(0, 'a1'), 'allocated'],
    ['free on a ready node', node(), gpu(1), 'free'],
    ['free on a cordoned node', node({ schedulable: false }), gpu(1), 'cordoned'],
    ['free on an unreachable node', node({ status: 'unreachable' }), gpu(1), 'unreachable'],
    ['held on an unreachable node', node({ status: 'unreachable' }), gpu(0, 'a1'), 'unreachable'],
  ] as const)('%s → %s', (_name, n, g, want) => {
    expect(gpuState(n, g)).toBe(want);
  });
});

describe('nodeCondition', () => {
  it.each([
    ['ready', node(), 'ready', 'Ready'],
    ['cordoned with work', node({ schedulable: false }), 'cordoned', 'Cordoned, 1 allocation still running'],
    [
      'cordoned with two',
      node({ schedulable: false, allocations: ['a', 'b'] }),
      'cordoned',
      'Cordoned, 2 allocations still running',
    ],
    ['drained', node({ schedulable: false, allocations: [] }), 'drained', 'Drained (cordoned, empty)'],
    ['unreachable', node({ status: 'unreachable' }), 'unreachable', 'Unreachable'],
    [
      'unreachable and cordoned',
      node({ status: 'unreachable', schedulable: false }),
      'unreachable',
      'Unreachable, cordoned',
    ],
  ] as const)('%s', (_name, n, condition, label) => {
    expect(nodeCondition(n)).toBe(condition);
    expect(nodeConditionLabel(n)).toBe(label);
  });
});

describe('countGpus and summarize', () => {
  it('counts each state across nodes', () => {
    const counts = countGpus([node(), node({ id: 'n2', status: 'unreachable', allocations: [] })]);
    expect(counts).toEqual({ free: 1, allocated: 1, cordoned: 0, unreachable: 2 });
    expect(summarize(counts)).toBe('1 free, 1 allocated, 2 unreachable');
  });

  it('says when there are none', () => {
    expect(summarize(countGpus([]))).toBe('No GPUs');
  });
});
