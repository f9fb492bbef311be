/**
 * Writing an audit record: the HTTP layer's audit trail (http/audit.ts) records requests, and
 * domain code records what happens without a request (allocation transitions by the reconciler,
 * a node's heartbeat). Both write through here.
 */
import type { Kysely } from 'kysely';
import { prepare } from '../db/prepared.js';
import type { AuditEventsTable, Tables } from '../db/schema.js';
import { isoTime, newId } from '../ids.js';

export type AuditEventRow = AuditEventsTable;

/** What a request acted on, as its audit record names it (http/audit.ts writes the record). */
export interface AuditTarget {
  id: string;
  /** Project the event belongs to (project owners can read the project's events). */
  projectId?: string | null;
  /** Safe-to-store facts about the change (never secrets). */
  details?: Record<string, unknown>;
}

/** Lets domain code name the target of the request it serves without knowing HTTP. */
export type AuditTargetSink = (target: AuditTarget) => void;

// Every audited request writes one: compiled once (db/prepared.ts), not by Kysely per request.
const insertAuditEvent = prepare((db, p: Pick<AuditEventRow, keyof AuditEventRow>) =>
  db.insertInto('audit_events').values({
    id: p.id,
    occurred_at: p.occurred_at,
    actor_type: p.actor_type,
    actor_id: p.actor_id,
    action: p.action,
    target_type: p.target_type,
    target_id: p.target_id,
    project_id: p.project_id,
    result: p.result,
    status: p.status,
    correlation_id: p.correlation_id,
    ip: p.ip,
    details: p.details,
  }),
);

/** Writes one audit record. */
export async function recordAuditEvent(
  db: Kysely<Tables>,
  event: Omit<AuditEventRow, 'id' | 'occurred_at'>,
): Promise<void> {
  await insertAuditEvent(db, { id: newId(), occurred_at: isoTime(), ...event });
}
