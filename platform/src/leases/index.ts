/**
 * Leases in the database for background work that must run on exactly one platform instance
 * (docs/scale-out.md): the table's statements, the runner that holds them, and the fencing error.
 */
export { LeaseLost, isLeaseLost } from './errors.js';
export type { LeaseErrorCode } from './errors.js';
export { intervalJob } from './interval-job.js';
export { DEFAULT_LEASE_TTL_MS, LeaseRunner } from './runner.js';
export type { JobLease, LeasedJob, LeaseRunnerOptions, LeaseRunnerState } from './runner.js';
export { acquireLease, fenceLease, listLeases, releaseLease, renewLease } from './store.js';
export type { LeaseClaim } from './store.js';
