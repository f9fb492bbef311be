/**
 * Writing an audit record: the HTTP layer's audit trail (http/audit.ts) records requests, and
 * domain code records what happens without a request (allocation transitions by the reconciler,
 * a node's heartbeat). Both write through here.
 */
import type { Kysely } from 'kysely';
import type { AuditEventsTable, Tables } from '../db/schema.js';
import { isoTime, newId } from '../ids.js';

export type AuditEventRow = AuditEventsTable;

/** Writes one audit record. */
export async function recordAuditEvent(
  db: Kysely<Tables>,
  event: Omit<AuditEventRow, 'id' | 'occurred_at'>,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ id: newId(), occurred_at: isoTime(), ...event })
    .execute();
}
