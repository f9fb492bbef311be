import { describe, expect, it } from 'vitest';
import { ClusterState } from './cluster-state.js';
import { InProcessScheduler, schedule, scheduleCycle } from './scheduler.js';
import { A100, H100, node, nodeWithFree, request } from './testing.js';
import { PENDING_REASONS } from './types.js';
import type { ScheduleInput, ScheduleResult } from './types.js';

const placedOn = (result: ScheduleResult, requestId: string) =>
  result.placements.find((p) => p.requestId === requestId)?.nodeId;
const reasonOf = (result: ScheduleResult, requestId: string) =>
  result.pending.find((p) => p.requestId === requestId)?.reason;

describe('placement policy', () => {
  const nodes = [nodeWithFree('whole', 8), nodeWithFree('three', 3), nodeWithFree('two', 2)];

  it('best fit takes the fullest node that fits', () => {
    const result = schedule({
      nodes,
      queue: [request({ id: 'a', count: 2 }), request({ id: 'b', count: 3 })],
    });
    expect(placedOn(result, 'a')).toBe('two');
    expect(placedOn(result, 'b')).toBe('three');
  });

  it('best fit keeps whole nodes whole while partly used nodes have room', () => {
    const queue = Array.from({ length: 5 }, (_, i) => request({ id: `one-${i}` }));
    const result = schedule({ nodes, queue });
    expect(result.placements.map((p) => p.nodeId).sort()).toEqual(['three', 'three', 'three', 'two', 'two']);
  });

  it('first fit takes the first node in order that fits', () => {
    const result = schedule({ nodes, queue: [request({ id: 'a', count: 2 })] }, { policy: 'first-fit' });
    expect(placedOn(result, 'a')).toBe('whole');
  });

  it('is all or nothing: no request is split across nodes', () => {
    const result = schedule({
      nodes: [nodeWithFree('a', 3), nodeWithFree('b', 3)],
      queue: [request({ id: 'r', count: 4 })],
    });
    expect(result.placements).toEqual([]);
    expect(reasonOf(result, 'r')).toBe('no_capacity');
  });

  it('gives GPUs in device order with the model placed', () => {
    const result = schedule({
      nodes: [node('n', { used: [0, 2] })],
      queue: [request({ id: 'r', count: 3 })],
    });
    expect(result.placements).toEqual([
      { requestId: 'r', nodeId: 'n', gpuIds: ['n/1', 'n/3', 'n/4'], model: H100 },
    ]);
  });
});

describe('NVLink topology', () => {
  // Two domains of 4, two GPUs used in each: 4 free on the node, at most 2 in a domain.
  const split = node('split', { domainSize: 4, used: [0, 1, 4, 5] });

  it('places an nvlink request within one domain only', () => {
    const queue = [request({ id: 'r', count: 4, topology: 'nvlink' })];
    expect(reasonOf(schedule({ nodes: [split], queue }), 'r')).toBe('no_capacity');
    const result = schedule({ nodes: [split, node('free', { domainSize: 4, used: [0] })], queue });
    expect(result.placements[0]).toMatchObject({
      nodeId: 'free',
      gpuIds: ['free/4', 'free/5', 'free/6', 'free/7'],
    });
  });

  it('lets a node request span domains', () => {
    const result = schedule({ nodes: [split], queue: [request({ id: 'r', count: 4 })] });
    expect(result.placements[0]?.gpuIds).toEqual(['split/2', 'split/3', 'split/6', 'split/7']);
  });

  it('keeps a node request inside the tightest domain that holds it', () => {
    const result = schedule({
      nodes: [node('n', { domainSize: 4, used: [0, 1] })],
      queue: [request({ count: 2 })],
    });
    expect(result.placements[0]?.gpuIds).toEqual(['n/2', 'n/3']);
  });

  it('treats GPUs without NVLink as one-GPU domains', () => {
    const queue = [
      request({ id: 'two', count: 2, topology: 'nvlink' }),
      request({ id: 'one', topology: 'nvlink' }),
    ];
    const result = schedule({ nodes: [node('pcie', { domainSize: 1 })], queue });
    expect(reasonOf(result, 'two')).toBe('request_too_large');
    expect(placedOn(result, 'one')).toBe('pcie');
  });
});

describe('models and memory', () => {
  const nodes = [node('h', { model: H100 }), node('a', { model: A100, memoryMib: 40960 })];

  it('follows the preference order and falls back to the next model', () => {
    const queue = [
      request({ id: 'x', count: 8, models: [A100, H100] }),
      request({ id: 'y', count: 8, models: [A100, H100] }),
    ];
    const result = schedule({ nodes, queue });
    expect(placedOn(result, 'x')).toBe('a');
    expect(placedOn(result, 'y')).toBe('h');
  });

  it('accepts any model when none is named, within the memory asked for', () => {
    const result = schedule({ nodes, queue: [request({ id: 'big', count: 8, minMemoryMib: 65536 })] });
    expect(result.placements[0]).toMatchObject({ nodeId: 'h', model: H100 });
  });
});

describe('quotas and borrowing', () => {
  const nodes = [nodeWithFree('n1', 8), nodeWithFree('n2', 8)];
  const quotas = [
    { projectId: 'a', nominalGpus: 4, maxGpus: 12 },
    { projectId: 'b', nominalGpus: 8, maxGpus: 8 },
  ];

  it('refuses a request that would pass the project maximum', () => {
    const result = schedule({
      nodes,
      quotas,
      usage: { b: 6 },
      queue: [request({ id: 'r', projectId: 'b', count: 4 })],
    });
    expect(reasonOf(result, 'r')).toBe('quota_exceeded');
    expect(result.pending[0]?.message).toContain('maximum of 8');
  });

  it('lets a project borrow idle GPUs above its nominal share, up to its maximum', () => {
    const queue = [
      request({ id: 'r1', projectId: 'a', count: 8 }),
      request({ id: 'r2', projectId: 'a', count: 8 }),
    ];
    const result = schedule({ nodes, quotas, queue });
    expect(placedOn(result, 'r1')).toBeDefined();
    expect(reasonOf(result, 'r2')).toBe('quota_exceeded');
  });

  it('serves requests within nominal before borrowers, whatever their priority', () => {
    const queue = [
      request({ id: 'borrower', projectId: 'a', count: 8, priority: 5, seq: '0' }),
      request({ id: 'owner', projectId: 'b', count: 8, priority: 0, seq: '9' }),
    ];
    const result = schedule({ nodes: [nodeWithFree('n1', 8)], quotas, queue });
    expect(placedOn(result, 'owner')).toBe('n1');
    expect(reasonOf(result, 'borrower')).toBe('no_capacity');
  });

  it('applies the default quota to projects without one, and no limit when there is none', () => {
    const queue = [request({ id: 'r', projectId: 'other', count: 4 })];
    const limited = schedule({ nodes, queue, defaultQuota: { nominalGpus: 2, maxGpus: 3 } });
    expect(reasonOf(limited, 'r')).toBe('quota_exceeded');
    expect(schedule({ nodes, queue, usage: { other: 1000 } }).placements).toHaveLength(1);
  });

  it('counts the placements of the same cycle against the quota', () => {
    const queue = [1, 2, 3].map((i) => request({ id: `r${i}`, projectId: 'b', count: 4, seq: String(i) }));
    const result = schedule({ nodes, quotas, queue });
    expect(result.placements.map((p) => p.requestId)).toEqual(['r1', 'r2']);
    expect(reasonOf(result, 'r3')).toBe('quota_exceeded');
  });
});

describe('priority, FIFO and backfill', () => {
  it('serves higher priority first, then FIFO by seq, then by id', () => {
    const queue = [
      request({ id: 'late', seq: '3' }),
      request({ id: 'urgent', seq: '9', priority: 1 }),
      request({ id: 'early', seq: '1' }),
      request({ id: 'b-tie', seq: '2' }),
      request({ id: 'a-tie', seq: '2' }),
    ];
    const result = schedule({ nodes: [nodeWithFree('n', 4)], queue });
    expect(result.placements.map((p) => p.requestId)).toEqual(['urgent', 'early', 'a-tie', 'b-tie']);
    expect(reasonOf(result, 'late')).toBe('no_capacity');
  });

  // The head wants 8; `close` (7 free) is closest to fitting it, `small` has 2 free.
  const nodes = [nodeWithFree('close', 7), nodeWithFree('small', 2)];
  const head = request({ id: 'head', count: 8, priority: 1 });

  it('reserves for the blocked head the node closest to fitting it', () => {
    const result = schedule({ nodes, queue: [head] });
    expect(result.pending).toEqual([
      expect.objectContaining({
        requestId: 'head',
        reason: 'no_capacity',
        message: expect.stringContaining('node close (7 of 8 GPUs free) is reserved'),
      }),
    ]);
  });

  it('backfills small requests only where they cannot delay the head', () => {
    const queue = [
      head,
      request({ id: 'fits-elsewhere', count: 2 }),
      request({ id: 'needs-reserved', count: 3 }),
    ];
    const result = schedule({ nodes, queue });
    expect(placedOn(result, 'fits-elsewhere')).toBe('small');
    expect(reasonOf(result, 'needs-reserved')).toBe('waiting_for_priority');
    expect(result.pending.find((p) => p.requestId === 'needs-reserved')?.message).toContain(
      'reserved for request head',
    );
    // Without the head, the same request takes the node the head would have had.
    expect(placedOn(schedule({ nodes, queue: queue.slice(2) }), 'needs-reserved')).toBe('close');
  });

  it('reserves nothing when asked for no reservations, and more than one when asked', () => {
    const queue = [head, request({ id: 'second', count: 8 }), request({ id: 'small', count: 3 })];
    expect(placedOn(schedule({ nodes, queue }, { maxReservations: 0 }), 'small')).toBe('close');
    const two = schedule({ nodes: [...nodes, nodeWithFree('other', 6)], queue }, { maxReservations: 2 });
    expect(reasonOf(two, 'small')).toBe('waiting_for_priority');
  });

  it('leaves no reservation behind in the state', () => {
    const state = new ClusterState(nodes);
    scheduleCycle(state, { queue: [head] });
    expect(state.freeGpus).toBe(9);
    expect(state.place(request({ count: 7 }))?.nodeId).toBe('close');
  });
});

describe('pending reasons', () => {
  const nodes = [
    node('h', { domainSize: 4 }),
    node('cordoned', { model: 'B200', memoryMib: 184320, schedulable: false }),
  ];

  it.each([
    ['model_unavailable', request({ models: ['MI300X'] })],
    ['model_unavailable', request({ models: ['B200'] })],
    ['model_unavailable', request({ minMemoryMib: 100_000 })],
    ['request_too_large', request({ count: 9 })],
    ['request_too_large', request({ count: 8, topology: 'nvlink' })],
  ] as const)('%s for %o', (reason, r) => {
    const result = schedule({ nodes, queue: [r] });
    expect(result.pending).toEqual([{ requestId: r.id, reason, message: expect.any(String) }]);
    expect(result.pending[0]!.message.length).toBeGreaterThan(20);
  });

  it('never gives the GPUs of an unschedulable node', () => {
    const result = schedule({
      nodes: [node('cordoned', { schedulable: false })],
      queue: [request({ id: 'r' })],
    });
    expect(reasonOf(result, 'r')).toBe('model_unavailable');
  });

  it('lists every reason once', () => {
    expect(new Set(PENDING_REASONS).size).toBe(5);
  });
});

describe('ClusterState', () => {
  it('releases GPUs for later placements and ignores unknown ones', () => {
    const state = new ClusterState([nodeWithFree('n', 8)]);
    const placed = state.place(request({ count: 8 }))!;
    expect(state.place(request())).toBeUndefined();
    expect(state.release([...placed.gpuIds.slice(0, 2), 'unknown', placed.gpuIds[0]!])).toBe(2);
    expect(state.freeGpus).toBe(2);
    expect(state.place(request({ count: 2 }))?.gpuIds).toEqual(placed.gpuIds.slice(0, 2));
  });

  it('releases GPUs of several nodes listed interleaved, each once, and re-files every group', () => {
    // Two nodes of two 4-GPU NVLink domains: release runs by node, so interleaving and repeats
    // must still leave each group's free count (and so its place in the index) right.
    const state = new ClusterState([
      nodeWithFree('a', 0, { domainSize: 4 }),
      nodeWithFree('b', 0, { domainSize: 4 }),
    ]);
    const gpu = (n: string, i: number) => `${n}/${i}`;
    const ids = [
      gpu('a', 0),
      gpu('b', 4),
      gpu('a', 1),
      gpu('a', 1),
      gpu('b', 5),
      gpu('b', 6),
      gpu('b', 7),
      gpu('b', 4),
    ];
    expect(state.release(ids)).toBe(6);
    expect(state.freeGpus).toBe(6);
    // b's second domain is whole again: a 4-GPU NVLink request fits there and nowhere else.
    expect(state.place(request({ count: 4, topology: 'nvlink' }))).toMatchObject({
      nodeId: 'b',
      gpuIds: [4, 5, 6, 7].map((i) => gpu('b', i)),
    });
    // a has two free GPUs in one domain: the tightest fit for an NVLink pair.
    expect(state.place(request({ count: 2, topology: 'nvlink' }))?.nodeId).toBe('a');
    expect(state.freeGpus).toBe(0);
    expect(state.place(request())).toBeUndefined();
  });

  it('counts stranded GPUs: free on nodes that cannot host the size', () => {
    const state = new ClusterState([
      nodeWithFree('a', 8),
      nodeWithFree('b', 3),
      nodeWithFree('c', 1, { gpus: 4 }),
    ]);
    expect(state.strandedGpus(8)).toBe(4);
    expect(state.strandedGpus(3)).toBe(1);
  });

  it('rejects a count that is not a positive integer', () => {
    const state = new ClusterState([nodeWithFree('n', 8)]);
    expect(() => state.place(request({ count: 0 }))).toThrow(RangeError);
    expect(() => schedule({ nodes: [], queue: [request({ count: 1.5 })] })).toThrow(RangeError);
  });

  it('sorts GPUs given out of device order', () => {
    const n = node('n');
    const input: ScheduleInput = {
      nodes: [{ ...n, gpus: [...n.gpus].reverse() }],
      queue: [request({ count: 2 })],
    };
    expect(new InProcessScheduler().schedule(input).placements[0]?.gpuIds).toEqual(['n/0', 'n/1']);
  });
});
