/**
 * Chaos (issue 19), the CI-sized run: the driver of `npm run chaos` (test/support/chaos-run.ts)
 * for CHAOS_SECONDS (default 60) — three instances on PostgreSQL under creates, releases and usage
 * batches through all of them, one killed with SIGKILL and restarted every 10 s, the remote node's
 * network cut once past the unreachable delay. No GPU given twice, no allocation lost, duplicated
 * or stuck, every usage event acknowledged rated exactly once, every lease held again within 15 s.
 * Its own database, namespace and ports: it runs beside other files.
 */
import { requirePostgres } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { runChaos } from './support/chaos-run.js';
import { netnsUnavailable } from './support/netns.js';

const postgres = await requirePostgres('chaos');
const noNetns = await netnsUnavailable();
if (noNetns !== undefined) console.warn(`chaos: skipped (${noNetns})`);
const SECONDS = Number(process.env.CHAOS_SECONDS ?? 60);

describe.skipIf(!postgres || noNetns !== undefined)('chaos: kill -9 every 10 s and a cut node', () => {
  it(
    `keeps GPUs, allocations, usage and leases whole through ${SECONDS} s of kills`,
    async () => {
      const summary = await runChaos({ seconds: SECONDS });
      const context = JSON.stringify(summary, null, 2);
      // One every 10 s, less those that found a single instance up (two still restarting).
      expect(summary.kills, context).toBeGreaterThanOrEqual(Math.floor(SECONDS / 20));
      expect(summary.allocations.created, context).toBeGreaterThan(5);
      expect(summary.usage.acknowledged, context).toBeGreaterThan(0);
      expect(summary.leases.failovers, context).toBeGreaterThan(0);
      expect(summary.problems, context).toEqual([]);
      expect(summary.ok).toBe(true);
    },
    (SECONDS + 420) * 1000,
  );
});
