/**
 * The one error of the lease module: a job tried to write under a lease this instance no longer
 * holds (it expired unrenewed, another instance took it over, or it was never taken). The job
 * stops; its write transaction rolls back; the runner tries to take the lease again later.
 */
export type LeaseErrorCode = 'LEASE_LOST';

export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
  readonly code: LeaseErrorCode = 'LEASE_LOST';
  /** The lease's name, e.g. `scheduler`. */
  readonly lease: string;

  constructor(lease: string, why: string) {
    super(`lease ${lease} is not held by this instance: ${why}`);
    this.lease = lease;
  }
}

export function isLeaseLost(error: unknown): error is LeaseLost {
  return error instanceof LeaseLost;
}
