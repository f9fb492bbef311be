// TEMPORARY diagnostic (helper R5): variants of node flags/env for the runtime, 1 GiB + tiny launch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry } from '@gpuaas/test-support';
import { publishBenchApps } from './runtime/apps.ts';
import { measureLaunch } from './runtime/launch.ts';

const variants = JSON.parse(process.argv[2]!) as { flags: string[]; env?: Record<string, string> }[];
const reps = Number(process.env.REPS ?? 1);
const work = mkdtempSync(join(tmpdir(), 'r5-diag-'));
const registry = await startRegistry();
try {
  const apps = await publishBenchApps(join(work, 'apps'), registry.host, Number(process.env.SIZE ?? 1024));
  await measureLaunch({ reference: apps.tiny, trustPolicy: apps.trustPolicy, workDir: work, nodeFlags: [] });
  for (let r = 0; r < reps; r++)
    for (const v of variants) {
      const o = {
        trustPolicy: apps.trustPolicy,
        workDir: work,
        nodeFlags: v.flags,
        ...(v.env ? { env: v.env } : {}),
      };
      const big = await measureLaunch({ ...o, reference: apps.large });
      const tiny = await measureLaunch({ ...o, reference: apps.tiny });
      console.log(
        JSON.stringify(v),
        `large ${big.launchToReadyMs.toFixed(0)} ms (202 ${big.launchAnsweredMs.toFixed(0)}) hwm ${big.peakRssMiB.toFixed(1)} idle ${big.idleRssMiB.toFixed(1)}`,
        `| tiny ${tiny.launchToReadyMs.toFixed(0)} ms (202 ${tiny.launchAnsweredMs.toFixed(0)}, inst ${tiny.states.installing?.toFixed(0)}, conf ${tiny.states.configuring?.toFixed(0)}) hwm ${tiny.peakRssMiB.toFixed(1)} idle ${tiny.idleRssMiB.toFixed(1)}`,
      );
    }
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
