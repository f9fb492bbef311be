/**
 * What the chaos test watches while it runs, from the database: GPU claims (sampled in one
 * snapshot, so a release and a placement between two reads cannot look like a double claim) and
 * the lease takeover after each kill.
 */
import type { Kysely } from 'kysely';
import type { Tables } from '@gpuaas/platform';

const FINAL = new Set(['released', 'failed', 'preempted']);
const PLACED = new Set(['scheduled', 'provisioning', 'running', 'releasing']);
const UNPLACED = new Set(['queued', 'scheduled', 'provisioning']);

export interface ClaimSample {
  /** A GPU in the `gpus` of two live allocations. */
  doubleGiven: string[];
  /** A claim row of an allocation that already ended. */
  staleClaims: string[];
  /** A live placed allocation whose GPU is not claimed by it. */
  unclaimed: string[];
  /** Allocations not yet running this long after their creation (ids). */
  slow: { id: string; state: string; ageMs: number }[];
  live: number;
}

/** One consistent look at every allocation and every claim. */
export async function sampleClaims(db: Kysely<Tables>, stuckAfterMs: number): Promise<ClaimSample> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const allocations = await trx
        .selectFrom('allocations')
        .select(['id', 'state', 'node_id', 'gpus', 'created_at'])
        .where('state', 'not in', ['released', 'failed', 'preempted'])
        .execute();
      const claims = await trx
        .selectFrom('allocation_gpus')
        .leftJoin('allocations', 'allocations.id', 'allocation_gpus.allocation_id')
        .select(['allocation_gpus.gpu_id', 'allocation_gpus.allocation_id', 'allocations.state'])
        .execute();
      const now = Date.now();
      const sample: ClaimSample = { doubleGiven: [], staleClaims: [], unclaimed: [], slow: [], live: 0 };
      const holder = new Map<string, string>();
      const claimedBy = new Map(claims.map((c) => [c.gpu_id, c.allocation_id]));
      for (const c of claims)
        if (c.state === null || FINAL.has(c.state)) sample.staleClaims.push(`${c.gpu_id}→${c.allocation_id}`);
      for (const a of allocations) {
        sample.live++;
        const ageMs = now - Date.parse(a.created_at);
        if (UNPLACED.has(a.state) && ageMs > stuckAfterMs)
          sample.slow.push({ id: a.id, state: a.state, ageMs });
        if (!PLACED.has(a.state)) continue;
        const gpus = JSON.parse(a.gpus) as { index: number; gpu_id?: string }[];
        for (const g of gpus) {
          const key = g.gpu_id ?? `${a.node_id}/${g.index}`;
          const other = holder.get(key);
          if (other !== undefined) sample.doubleGiven.push(`${key}: ${other} and ${a.id}`);
          holder.set(key, a.id);
          if (g.gpu_id !== undefined && claimedBy.get(g.gpu_id) !== a.id)
            sample.unclaimed.push(
              `${g.gpu_id} of ${a.id} (${a.state}) claimed by ${claimedBy.get(g.gpu_id) ?? 'none'}`,
            );
        }
      }
      return sample;
    });
}

export interface LeaseRow {
  name: string;
  owner: string;
  expires_at: string;
}

export async function leases(db: Kysely<Tables>): Promise<LeaseRow[]> {
  return db.selectFrom('leases').select(['name', 'owner', 'expires_at']).execute();
}

/**
 * After the instance with `pid` was killed at `killedAt`: for each lease it held, how long until
 * another owner holds it (undefined for one not taken within `timeoutMs`).
 */
export async function takeovers(
  db: Kysely<Tables>,
  pid: number,
  held: readonly string[],
  killedAt: number,
  timeoutMs: number,
): Promise<Map<string, number | undefined>> {
  const result = new Map<string, number | undefined>(held.map((n) => [n, undefined]));
  const marker = `:${pid}:`;
  while (Date.now() - killedAt < timeoutMs && [...result.values()].some((v) => v === undefined)) {
    for (const row of await leases(db)) {
      if (!result.has(row.name) || result.get(row.name) !== undefined) continue;
      if (!row.owner.includes(marker) && Date.parse(row.expires_at) > Date.now())
        result.set(row.name, Date.now() - killedAt);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return result;
}
