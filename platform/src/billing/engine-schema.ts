/** Tables of the GPU-time engine (migration 0007): meters per allocation and exhausted projects. */

export interface BillingGpuMetersTable {
  allocation_id: string;
  project_id: string;
  currency: string;
  gpu_count: number;
  /** The interval length in force when the allocation was created: its intervals keep it. */
  interval_seconds: number;
  /** Price per GPU-hour (micros) of the first hold: the dearest SKU the request could be given. */
  hold_price_micros: number | string | bigint;
  /** Price per GPU-hour (micros) in force when it first became running; null before. */
  price_micros: number | string | bigint | null;
  /** When it first became running: second 0 of its billed time. */
  running_since: string | null;
  /** Set once its final interval is rated and its holds are released. */
  closed_at: string | null;
  created_at: string;
}

export interface BillingFundsExhaustedTable {
  project_id: string;
  currency: string;
  /** When the first interval that could not be held began. */
  since: string;
  /** since + the grace period: running allocations are released from then on. */
  release_after: string;
}

export interface BillingEngineTables {
  billing_gpu_meters: BillingGpuMetersTable;
  billing_funds_exhausted: BillingFundsExhaustedTable;
}
