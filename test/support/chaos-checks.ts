/**
 * The chaos run's checks at the end, read from the database: allocations against what clients
 * were answered, and usage against what was rated.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '@gpuaas/platform';

export interface AllocationCheck {
  inDatabase: number;
  released: number;
  failed: number;
  /** Answered 201, not in the database. */
  missing: string[];
  /** In the database, answered to no client: a duplicate a retry made. */
  unknown: string[];
  notReleased: string[];
  /** From creation to running (or an end, whichever came first). */
  maxCreateToRunningMs: number;
}

export async function checkAllocations(
  db: Kysely<Tables>,
  projectId: string,
  answered: ReadonlySet<string>,
): Promise<AllocationCheck> {
  const rows = await db
    .selectFrom('allocations')
    .select(['id', 'state', 'created_at'])
    .where('project_id', '=', projectId)
    .execute();
  const present = new Set(rows.map((r) => r.id));
  const transitions = await db
    .selectFrom('allocation_transitions')
    .select(['allocation_id', 'at'])
    .where('to_state', 'in', ['running', 'released', 'failed', 'preempted'])
    .orderBy('at')
    .execute();
  const settled = new Map<string, number>();
  for (const t of transitions)
    if (!settled.has(t.allocation_id)) settled.set(t.allocation_id, Date.parse(t.at));
  let maxCreateToRunningMs = 0;
  for (const r of rows) {
    const at = settled.get(r.id);
    if (at !== undefined)
      maxCreateToRunningMs = Math.max(maxCreateToRunningMs, at - Date.parse(r.created_at));
  }
  return {
    inDatabase: rows.length,
    released: rows.filter((r) => r.state === 'released').length,
    failed: rows.filter((r) => r.state === 'failed').length,
    missing: [...answered].filter((id) => !present.has(id)),
    unknown: rows.filter((r) => !answered.has(r.id)).map((r) => `${r.id} (${r.state})`),
    notReleased: rows.filter((r) => r.state !== 'released').map((r) => `${r.id} (${r.state})`),
    maxCreateToRunningMs,
  };
}

export interface Reported {
  id: string;
  launchId: string;
  /** Acknowledged events: id → exact charge in micros. */
  events: ReadonlyMap<string, bigint>;
}

export interface UsageCheck {
  acknowledged: number;
  stored: number;
  rated: number;
  /** Acknowledged, not stored. */
  lost: string[];
  /** Stored, not rated. */
  unrated: string[];
  /** Charged other than its price, or rated without being stored. */
  ratedWrongly: string[];
  /** Of the acknowledged events: what their prices make, and what was charged. */
  chargeExpectedMicros: string;
  chargeRatedMicros: string;
}

/** Acknowledged ⊆ stored = rated, each once (the rated events' primary key), at its exact price. */
export async function checkUsage(db: Kysely<Tables>, reported: Iterable<Reported>): Promise<UsageCheck> {
  const out: UsageCheck = {
    acknowledged: 0,
    stored: 0,
    rated: 0,
    lost: [],
    unrated: [],
    ratedWrongly: [],
    chargeExpectedMicros: '0',
    chargeRatedMicros: '0',
  };
  let expected = 0n;
  let charged = 0n;
  for (const r of reported) {
    const stored = new Set(
      (await db.selectFrom('usage_events').select('id').where('allocation_id', '=', r.id).execute()).map(
        (e) => e.id,
      ),
    );
    const ratedRows = await db
      .selectFrom('billing_rated_events')
      .select(['event_id', 'charge_micros'])
      .where('launch_id', '=', r.launchId)
      .execute();
    const rated = new Map(ratedRows.map((e) => [e.event_id, BigInt(e.charge_micros)]));
    out.acknowledged += r.events.size;
    out.stored += stored.size;
    out.rated += ratedRows.length;
    for (const [id, charge] of r.events) {
      expected += charge;
      charged += rated.get(id) ?? 0n;
      if (!stored.has(id)) out.lost.push(`${r.id}/${id}`);
      const got = rated.get(id);
      if (got !== undefined && got !== charge) out.ratedWrongly.push(`${r.id}/${id}: ${got}, not ${charge}`);
    }
    for (const id of stored) if (!rated.has(id)) out.unrated.push(`${r.id}/${id}`);
    for (const id of rated.keys()) if (!stored.has(id)) out.ratedWrongly.push(`${r.id}/${id}: never stored`);
  }
  out.chargeExpectedMicros = expected.toString();
  out.chargeRatedMicros = charged.toString();
  return out;
}
