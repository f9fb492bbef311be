import { describe, expect, it } from 'vitest';
import { simulate, workload } from './simulation.js';

// The bench's workload at 1/25 scale: enough churn to reach a steady state in well under a second.
const spec = { seed: 7, nodes: 200, requests: 4000, arrivalsPerCycle: 20, load: 0.88 };

describe('bench simulation', () => {
  it('generates the same workload for the same seed, and another for another seed', () => {
    expect(workload(spec)).toEqual(workload(spec));
    expect(workload({ ...spec, seed: 8 }).arrivals[0]).not.toEqual(workload(spec).arrivals[0]);
  });

  it('keeps the cluster near its load, and best fit strands fewer GPUs than first fit', () => {
    const best = simulate(spec, 'best-fit');
    const first = simulate(spec, 'first-fit');
    for (const result of [best, first]) {
      expect(result.load).toBeGreaterThan(0.8);
      expect(result.load).toBeLessThan(0.95);
      expect(result.placements).toBeGreaterThan(0.99 * spec.requests);
    }
    expect(best.strandedFraction).toBeLessThan(0.7 * first.strandedFraction);
    expect(simulate(spec, 'best-fit').strandedFraction).toBe(best.strandedFraction);
  });
});
