/**
 * Refunds waiting for a second operator (`billing.refundApprovalAbove`): the row a first operator
 * files and the approval that makes the refund. Rows are written by BillingService (service.ts).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import { int64Text } from './db.js';
import { toMicros } from './money.js';

export interface BillingRefundRequestsTable {
  id: string;
  /** From the requester and the Idempotency-Key: a retried request finds the first one. */
  request_key: string;
  charge_id: string;
  project_id: string;
  /** Micros, fixed when requested. */
  amount: number | string | bigint;
  reason: string;
  /** `user:<id>`: never the approver. */
  requested_by: string;
  requested_at: string;
  approved_by: string | null;
  approved_at: string | null;
  /** The refund transfer the approval made. */
  transfer_id: string | null;
}

export interface BillingRefundTables {
  billing_refund_requests: BillingRefundRequestsTable;
}

export interface RefundRequest {
  id: string;
  chargeId: string;
  projectId: string;
  amount: bigint;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  transferId: string | null;
}

type Db = Kysely<Tables>;

function selectRequests(db: Db) {
  return db
    .selectFrom('billing_refund_requests')
    .select([
      'id',
      'charge_id',
      'project_id',
      int64Text('amount').as('amount'),
      'reason',
      'requested_by',
      'requested_at',
      'approved_by',
      'approved_at',
      'transfer_id',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectRequests>['executeTakeFirstOrThrow']>>;

function toRequest(row: Row): RefundRequest {
  return {
    id: row.id,
    chargeId: row.charge_id,
    projectId: row.project_id,
    amount: toMicros(row.amount),
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    transferId: row.transfer_id,
  };
}

export async function findRefundRequest(db: Db, id: string): Promise<RefundRequest | undefined> {
  const row = await selectRequests(db).where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRequest(row);
}

/**
 * One page of requests, pending or approved, by id (UUIDv7: oldest first), after `after` when
 * given; `limit + 1` rows so the caller can tell whether there is more.
 */
export async function listRefundRequests(
  db: Db,
  options: { state: 'pending' | 'approved'; limit: number; after?: string | undefined },
): Promise<RefundRequest[]> {
  let query = selectRequests(db)
    .where('approved_at', options.state === 'pending' ? 'is' : 'is not', null)
    .orderBy('id')
    .limit(options.limit + 1);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  return (await query.execute()).map(toRequest);
}

export async function findRefundRequestByKey(db: Db, requestKey: string): Promise<RefundRequest | undefined> {
  const row = await selectRequests(db).where('request_key', '=', requestKey).executeTakeFirst();
  return row === undefined ? undefined : toRequest(row);
}

/** Files a request once per `requestKey`: a retry returns the first (`created: false`). */
export async function fileRefundRequest(
  db: Db,
  input: Omit<RefundRequest, 'approvedBy' | 'approvedAt' | 'transferId'> & { requestKey: string },
): Promise<{ request: RefundRequest; created: boolean }> {
  const inserted = await db
    .insertInto('billing_refund_requests')
    .values({
      id: input.id,
      request_key: input.requestKey,
      charge_id: input.chargeId,
      project_id: input.projectId,
      amount: input.amount,
      reason: input.reason,
      requested_by: input.requestedBy,
      requested_at: input.requestedAt,
      approved_by: null,
      approved_at: null,
      transfer_id: null,
    })
    .onConflict((oc) => oc.column('request_key').doNothing())
    .executeTakeFirst();
  const row = await selectRequests(db).where('request_key', '=', input.requestKey).executeTakeFirstOrThrow();
  return { request: toRequest(row), created: Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 };
}

/** Records the approval once; a second approval of the same request changes nothing. */
export async function markRefundApproved(
  db: Db,
  id: string,
  approval: { approvedBy: string; approvedAt: string; transferId: string },
): Promise<void> {
  await db
    .updateTable('billing_refund_requests')
    .set({
      approved_by: approval.approvedBy,
      approved_at: approval.approvedAt,
      transfer_id: approval.transferId,
    })
    .where('id', '=', id)
    .where('approved_at', 'is', null)
    .execute();
}
