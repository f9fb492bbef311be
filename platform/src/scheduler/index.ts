export { ClusterState } from './cluster-state.js';
export type { Feasibility, Reservation, Sku } from './cluster-state.js';
export { InProcessScheduler, compareRequests, schedule, scheduleCycle } from './scheduler.js';
export type { CycleInput, CycleOptions, InProcessSchedulerOptions } from './scheduler.js';
export { PENDING_REASONS } from './types.js';
export type {
  ClusterGpu,
  ClusterNode,
  QueuedRequest,
  Pending,
  PendingReason,
  Placement,
  PlacementPolicy,
  ProjectQuota,
  ScheduleInput,
  ScheduleResult,
  SchedulerBackend,
  Topology,
} from './types.js';
