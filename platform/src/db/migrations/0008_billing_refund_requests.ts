/**
 * Migration 0008: refunds waiting for a second operator (`billing.refundApprovalAbove`). One row
 * per request: what the first operator asked for, fixed when asked, and who approved it with the
 * refund transfer it made. `request_key` (from the requester and the Idempotency-Key) makes a
 * retried request find the first one.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const billingRefundRequestsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_refund_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_key', 'text', (c) => c.notNull().unique())
      .addColumn('charge_id', 'text', (c) => c.notNull().references('billing_transfers.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('transfer_id', 'text', (c) => c.references('billing_transfers.id'))
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_refund_requests').execute();
  },
};
