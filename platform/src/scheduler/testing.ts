/** Small builders for the scheduler's tests: nodes and requests in one line each. */
import type { ClusterNode, QueuedRequest } from './types.js';

export const H100 = 'H100';
export const A100 = 'A100';

export interface NodeSpec {
  gpus?: number;
  model?: string;
  memoryMib?: number;
  /** GPUs per NVLink domain (default: all in one); 1 = no NVLink. */
  domainSize?: number;
  /** Device indices already in use. */
  used?: readonly number[];
  schedulable?: boolean;
}

export function node(id: string, spec: NodeSpec = {}): ClusterNode {
  const {
    gpus = 8,
    model = H100,
    memoryMib = 81920,
    domainSize = gpus,
    used = [],
    schedulable = true,
  } = spec;
  return {
    id,
    schedulable,
    gpus: Array.from({ length: gpus }, (_, index) => ({
      id: `${id}/${index}`,
      index,
      model,
      memoryMib,
      nvlinkDomain: domainSize === 1 ? null : Math.floor(index / domainSize),
      free: !used.includes(index),
    })),
  };
}

/** A node with `free` of its GPUs free (the lowest indices used). */
export function nodeWithFree(id: string, free: number, spec: NodeSpec = {}): ClusterNode {
  const gpus = spec.gpus ?? 8;
  return node(id, { ...spec, used: Array.from({ length: gpus - free }, (_, i) => i) });
}

let counter = 0;

export function request(spec: Partial<QueuedRequest> = {}): QueuedRequest {
  counter++;
  return {
    id: spec.id ?? `r${counter}`,
    projectId: 'p1',
    count: 1,
    models: [],
    minMemoryMib: 0,
    topology: 'node',
    priority: 0,
    seq: String(counter).padStart(6, '0'),
    ...spec,
  };
}
