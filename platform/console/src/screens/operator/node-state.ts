/**
 * What the nodes grid shows for each GPU and node, derived from `GET /v1/nodes` alone (pure, so
 * node-state.test.ts pins every case). Each state has a label as well as a colour: the colour is
 * never the only cue.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';

export type Node = PlatformComponents['schemas']['Node'];
export type NodeGpu = PlatformComponents['schemas']['NodeGpu'];

/**
 * - `unreachable`: its node stopped heartbeating (an allocation holding it is marked, and the
 *   cell still names it).
 * - `allocated`: an allocation holds it.
 * - `cordoned`: free, but its node takes no new allocations (cordoned or drained).
 * - `free`: offered to the scheduler.
 */
export type GpuState = 'allocated' | 'unreachable' | 'cordoned' | 'free';

export const GPU_STATES: readonly GpuState[] = ['free', 'allocated', 'cordoned', 'unreachable'];

export const GPU_STATE_LABEL: Record<GpuState, string> = {
  free: 'Free',
  allocated: 'Allocated',
  cordoned: 'Free, cordoned',
  unreachable: 'Unreachable',
};

export function gpuState(node: Node, gpu: NodeGpu): GpuState {
  if (node.status === 'unreachable') return 'unreachable';
  if (gpu.allocation_id !== null) return 'allocated';
  return node.schedulable ? 'free' : 'cordoned';
}

/**
 * - `ready`: heartbeating and schedulable.
 * - `cordoned`: takes no new allocations; some still run (cordoned, or draining with `wait`).
 * - `drained`: cordoned and empty.
 * - `unreachable`: missed its heartbeats.
 */
export type NodeCondition = 'ready' | 'cordoned' | 'drained' | 'unreachable';

export function nodeCondition(node: Node): NodeCondition {
  if (node.status === 'unreachable') return 'unreachable';
  if (node.schedulable) return 'ready';
  return node.allocations.length === 0 ? 'drained' : 'cordoned';
}

export function nodeConditionLabel(node: Node): string {
  const running = node.allocations.length;
  const holding = `${running} allocation${running === 1 ? '' : 's'}`;
  switch (nodeCondition(node)) {
    case 'ready':
      return 'Ready';
    case 'cordoned':
      return `Cordoned, ${holding} still running`;
    case 'drained':
      return 'Drained (cordoned, empty)';
    case 'unreachable':
      return node.schedulable ? 'Unreachable' : 'Unreachable, cordoned';
  }
}

/** How many GPUs of `nodes` are in each state. */
export function countGpus(nodes: readonly Node[]): Record<GpuState, number> {
  const counts: Record<GpuState, number> = { free: 0, allocated: 0, cordoned: 0, unreachable: 0 };
  for (const node of nodes) for (const gpu of node.gpus) counts[gpuState(node, gpu)] += 1;
  return counts;
}

/** `1 allocated, 1 free` (states with none left out; `No GPUs` when there are none). */
export function summarize(counts: Record<GpuState, number>): string {
  const parts = GPU_STATES.filter((s) => counts[s] > 0).map(
    (s) => `${counts[s]} ${GPU_STATE_LABEL[s].toLowerCase()}`,
  );
  return parts.length === 0 ? 'No GPUs' : parts.join(', ');
}
