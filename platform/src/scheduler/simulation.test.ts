import { describe, expect, it } from 'vitest';
import { simulate, workload } from './simulation.js';

// The bench's workload at 1/25 scale: the machinery only; the policies are compared at full scale.
const spec = { seed: 7, nodes: 200, requests: 2000, arrivalsPerCycle: 4, load: 0.88, warmupDurations: 2 };

describe('bench simulation', () => {
  it('generates the same workload for the same seed, and another for another seed', () => {
    const once = workload(spec);
    expect(workload(spec)).toEqual(once);
    expect(workload({ ...spec, seed: 8 }).arrivals[0]).not.toEqual(once.arrivals[0]);
    const measured = once.arrivals.filter((a) => a.cycle >= once.measuredFrom);
    expect(measured).toHaveLength(spec.requests);
    expect(
      once.arrivals.filter((a) => a.cycle === 0).reduce((n, a) => n + a.request.count, 0),
    ).toBeGreaterThanOrEqual(0.88 * 1600);
  });

  it('keeps the cluster near its load under churn, the same way every run', () => {
    for (const policy of ['best-fit', 'first-fit'] as const) {
      const result = simulate(spec, policy);
      expect(1 - result.freeFraction).toBeGreaterThan(0.8);
      expect(1 - result.freeFraction).toBeLessThan(0.95);
      expect(result.placements).toBeGreaterThan(0.98 * spec.requests);
      expect(result.strandedFraction).toBeGreaterThan(0);
      expect(result.strandedFraction).toBeLessThanOrEqual(result.freeFraction);
      expect(simulate(spec, policy).strandedFraction).toBe(result.strandedFraction);
    }
  });
});
