/**
 * Usage events from runtimes. The event id is the primary key of `usage_events`, so a batch
 * re-sent after a timeout or a crash stores nothing twice: repeated ids come back as duplicates
 * (which the runtime treats as confirmed). Only a launch's service account in the allocation's
 * project (or an operator) may report; people cannot bill themselves or others.
 */
import { requirePrincipal } from '../auth/middleware.js';
import { principalKey } from '../auth/principal.js';
import { addDecimal, decimalText } from '../compute/decimal.js';
import { PlatformError } from '../errors.js';
import { setAuditTarget } from '../http/audit.js';
import { operationOf } from '../http/pipeline.js';
import { isUniqueViolation } from '../identity/store.js';
import { isoTime } from '../ids.js';
import { allocationAccess } from './allocations.js';
import type { Handlers, Services } from './services.js';

interface UsageEvent {
  id: string;
  source: string;
  subject: string;
  time: string;
  data: { meter: string; quantity: number; unit?: string; allocation_id: string; origin: 'app' | 'runtime' };
}

export function usageHandlers(s: Services): Handlers {
  const { db } = s;
  return {
    ingestUsageEvents: async (req, res) => {
      const principal = requirePrincipal(res);
      if (principal.type === 'user' && !principal.operator) {
        throw new PlatformError(
          'FORBIDDEN',
          'usage is reported by runtimes (their launch service account), not by people',
        );
      }
      const { events } = req.body as { events: UsageEvent[] };
      const allocations = new Map<string, string>();
      for (const [i, event] of events.entries()) {
        if (event.subject !== event.data.allocation_id) {
          throw new PlatformError(
            'VALIDATION_FAILED',
            `event ${event.id}: subject and data.allocation_id differ`,
            {
              errors: [
                { in: 'body', pointer: `/events/${i}/subject`, detail: 'must equal data.allocation_id' },
              ],
            },
          );
        }
        if (!allocations.has(event.subject)) {
          const row = await db
            .selectFrom('allocations')
            .select(['id', 'project_id'])
            .where('id', '=', event.subject)
            .executeTakeFirst();
          const visible =
            row !== undefined && (principal.type === 'user' || principal.projectId === row.project_id);
          if (!visible) throw new PlatformError('NOT_FOUND', `allocation ${event.subject} not found`);
          allocations.set(row.id, row.project_id);
        }
      }
      setAuditTarget(res, { id: events[0]?.subject ?? '', details: { events: events.length } });
      const now = isoTime();
      const reporter = principalKey(principal);
      const accepted: string[] = [];
      const duplicates: string[] = [];
      for (const event of events) {
        const row = {
          id: event.id,
          allocation_id: event.subject,
          project_id: allocations.get(event.subject) ?? '',
          meter: event.data.meter,
          quantity: decimalText(event.data.quantity),
          unit: event.data.unit ?? null,
          origin: event.data.origin,
          source: event.source,
          occurred_at: new Date(event.time).toISOString(),
          received_at: now,
          reported_by: reporter,
        };
        // ON CONFLICT DO NOTHING tells a new id from a known one in one statement on both databases.
        const inserted = await db
          .insertInto('usage_events')
          .values(row)
          .onConflict((oc) => oc.column('id').doNothing())
          .executeTakeFirst()
          .catch((error: unknown) => {
            if (isUniqueViolation(error)) return { numInsertedOrUpdatedRows: 0n };
            throw error;
          });
        if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) accepted.push(event.id);
        else duplicates.push(event.id);
      }
      res.json({ accepted, duplicates });
    },

    getAllocationUsage: async (_req, res) => {
      const id = operationOf(res).params.allocation_id ?? '';
      await allocationAccess(db, requirePrincipal(res), id, 'viewer');
      const rows = await db
        .selectFrom('usage_events')
        .select(['meter', 'origin', 'quantity'])
        .where('allocation_id', '=', id)
        .orderBy('meter')
        .orderBy('origin')
        .execute();
      const totals = new Map<
        string,
        { meter: string; origin: 'app' | 'runtime'; quantity: string; events: number }
      >();
      for (const row of rows) {
        const key = `${row.meter}\u0000${row.origin}`;
        const total = totals.get(key) ?? { meter: row.meter, origin: row.origin, quantity: '0', events: 0 };
        total.quantity = addDecimal(total.quantity, row.quantity);
        total.events += 1;
        totals.set(key, total);
      }
      res.json({ allocation_id: id, meters: [...totals.values()] });
    },
  };
}
