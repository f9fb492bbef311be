/**
 * `npm run bench:runtime` (builds, then runs this file): the app runtime against the standard
 * tools, in the same run.
 *   1. launch-to-ready of an app with a 1 GiB artifact, cold cache, vs `skopeo copy docker://…
 *      oci:DIR` of the same artifact plus its hooks run directly                (ratio ≤ 0.6)
 *   2. runtime overhead for a tiny app: launch-to-ready minus the hook's time   (≤ 300 ms)
 *   3. metering throughput through the local API into the fsync'd log, batched  (≥ 20,000 /s)
 *   4. peak RSS of the runtime process during the 1 GiB launch                  (≤ 120 MiB)
 *   5. warm launch of the 1 GiB app: the same runtime launches it again after a stop, by digest,
 *      from its cache — verified offline, nothing downloaded — launch-to-ready minus the install
 *      hook's own time (a new instance installs again)                          (≤ 300 ms)
 *
 * Every launch starts a fresh `gpuaas-runtime serve` child (the built bin, with RUNTIME_NODE_FLAGS,
 * the flags the node agent starts it with) on a fresh data folder, waits until it listens, then
 * times `POST /v1/app/launch` → `state: ready` on its event stream. The apps (apps.ts) are
 * published signed to a real Distribution registry; both have an install hook `sleep 0.5` and an
 * entrypoint that calls ready() through GPUAAS_RUNTIME_URL at once (sh + curl). Launches and
 * skopeo pulls alternate; `sync` before each; each figure is the median of BENCH_RUNS (default 3).
 *
 *   BENCH_RUNTIME_SIZE_MIB (default 1024)  shrinks the large app for a smoke run
 *   BENCH_RUNS (default 3)                 timed runs of each launch and pull
 *   BENCH_RUNTIME_NODE_FLAGS="…"           node flags for the runtime instead of RUNTIME_NODE_FLAGS
 *
 * Prints ONE JSON array of { name, unit, value, baseline?, ratio?, target? } on stdout (progress on
 * stderr); exits 1 when a target is missed. Needs docker-registry, skopeo and curl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool, startRegistry } from '@gpuaas/test-support';
import type { BenchRow, TestRegistry } from '@gpuaas/test-support';
import { RUNTIME_NODE_FLAGS } from '@gpuaas/runtime/node-flags';
import { HOOK_COMMAND, publishBenchApps } from './runtime/apps.ts';
import { skopeoPull, timeHook } from './runtime/baseline.ts';
import { measureLaunch } from './runtime/launch.ts';
import { meteringInChild } from './runtime/metering.ts';
import type { LaunchRun } from './runtime/launch.ts';

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

const missingTools = ['docker-registry', 'skopeo', 'curl'].filter((tool) => !hasTool(tool));
if (missingTools.length > 0) {
  process.stderr.write(`bench:runtime: needs ${missingTools.join(', ')} on PATH\n`);
  process.exit(2);
}

const sizeMiB = positiveInteger('BENCH_RUNTIME_SIZE_MIB', 1024);
/** Warm relaunches after each cold 1 GiB launch (row 5). */
const WARM_RELAUNCHES = 2;
const runs = positiveInteger('BENCH_RUNS', 3);
const nodeFlags =
  process.env.BENCH_RUNTIME_NODE_FLAGS?.split(/\s+/).filter((f) => f !== '') ?? RUNTIME_NODE_FLAGS;
const work = mkdtempSync(join(tmpdir(), 'gpuaas-runtime-bench-'));
let registry: TestRegistry | undefined;

const log = (message: string) => process.stderr.write(`bench:runtime: ${message}\n`);
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (value: number, digits = 0) => Number(value.toFixed(digits));
/** When each state was reached and how long the hooks took, for the log. */
const phases = (run: LaunchRun) =>
  `202 at ${round(run.launchAnsweredMs)} ms (VmHWM then ${round(run.fetchedPeakRssMiB, 1)} MiB, ` +
  `idle ${round(run.idleRssMiB, 1)} MiB), ` +
  Object.entries(run.states)
    .map(([state, at]) => `${state} ${round(at)}`)
    .join(', ') +
  `; hooks ${JSON.stringify(run.hooks)}`;
const load = () => loadavg()[0]!.toFixed(1);

async function cleanUp(): Promise<void> {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: removing ${work}`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<BenchRow[]> {
  log(`node flags of the runtime: ${nodeFlags.join(' ') || '(none)'}; load average ${load()}`);
  registry = await startRegistry();
  const apps = await publishBenchApps(join(work, 'apps'), registry.host, sizeMiB);
  log(`published ${apps.large} (${sizeMiB} MiB of weights) and ${apps.tiny}`);
  const launch = (reference: string, warmRelaunches = 0) =>
    measureLaunch({ reference, trustPolicy: apps.trustPolicy, workDir: work, nodeFlags, warmRelaunches });

  // Untimed: brings node, the runtime's modules and the tiny app's path into the page cache.
  await launch(apps.tiny);

  const large: LaunchRun[] = [];
  const pulls: { seconds: number; maxRssMiB: number | undefined; cpuSeconds: number | undefined }[] = [];
  const hooks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ours = async () => {
      execFileSync('sync');
      const run = await launch(apps.large, WARM_RELAUNCHES);
      large.push(run);
      log(
        `run ${i + 1}: launch-to-ready ${round(run.launchToReadyMs)} ms (202 after ${round(run.launchAnsweredMs)} ms, ` +
          `install hook ${run.hooks.install ?? '?'} ms, CPU to 202 ${round(run.fetchCpuSeconds, 2)} s), peak RSS ${round(run.peakRssMiB, 1)} MiB; load ${load()}; ${phases(run)}`,
      );
      for (const w of run.warm) {
        log(`run ${i + 1}: warm relaunch ${round(w.launchToReadyMs)} ms; ${phases({ ...run, ...w })}`);
      }
    };
    const theirs = async () => {
      execFileSync('sync');
      const pull = await skopeoPull(apps.large, join(work, 'skopeo'));
      pulls.push(pull);
      log(
        `run ${i + 1}: skopeo pull ${round(pull.seconds * 1000)} ms, CPU ${pull.cpuSeconds === undefined ? '?' : round(pull.cpuSeconds, 2)} s, peak RSS ${round(pull.maxRssMiB ?? 0, 1)} MiB`,
      );
    };
    if (i % 2 === 0) {
      await ours();
      await theirs();
    } else {
      await theirs();
      await ours();
    }
    hooks.push(await timeHook(HOOK_COMMAND, work));
  }

  const tiny: LaunchRun[] = [];
  for (let i = 0; i < runs; i++) {
    tiny.push(await launch(apps.tiny));
    hooks.push(await timeHook(HOOK_COMMAND, work));
    const run = tiny.at(-1)!;
    log(`tiny run ${i + 1}: launch-to-ready ${round(run.launchToReadyMs)} ms; ${phases(run)}`);
  }

  log('metering throughput…');
  const metering = await meteringInChild(nodeFlags);
  log(`metering: ${metering.value} events/s, ${metering.eventsPerCommit} events per fsync`);

  const hookMs = median(hooks);
  const pullMs = median(pulls.map((p) => p.seconds * 1000));
  const largeMs = median(large.map((r) => r.launchToReadyMs));
  const fetchedMs = median(large.map((r) => r.launchAnsweredMs));
  const tinyMs = median(tiny.map((r) => r.launchToReadyMs));
  const appStartMs = median(tiny.map((r) => r.launchToReadyMs - (r.states.starting ?? Number.NaN)));
  const peak = Math.max(...large.map((r) => r.peakRssMiB));
  const warm = large.flatMap((r) => r.warm);
  const skopeoCpus = pulls.flatMap((p) => (p.cpuSeconds === undefined ? [] : [p.cpuSeconds]));
  const skopeoCpu = skopeoCpus.length === 0 ? undefined : median(skopeoCpus);
  const warmMs = median(warm.map((w) => w.launchToReadyMs));
  const baseline = pullMs + hookMs;
  return [
    {
      name: `launch-to-ready, ${sizeMiB} MiB app, cold cache, vs skopeo pull + hooks run directly`,
      unit: 'ms',
      value: round(largeMs),
      baseline: round(baseline),
      ratio: round(largeMs / baseline, 3),
      // Issue 20: a cold launch at most 0.6× of skopeo's pull plus the hooks (was 1.3).
      target: 0.6,
    },
    {
      name: 'launch request to 202 (pinned, verified, fetched, unpacked) vs skopeo pull',
      unit: 'ms',
      value: round(fetchedMs),
      baseline: round(pullMs),
      ratio: round(fetchedMs / pullMs, 3),
    },
    {
      // A new instance runs its install hook (`sleep 0.5` here) even when the artifact is cached:
      // install prepares the instance's data, which is new. What the cache saves is the rest.
      name: `warm launch-to-ready minus the install hook's own time, ${sizeMiB} MiB app in the cache (verified offline, nothing downloaded)`,
      unit: 'ms',
      value: round(median(warm.map((w) => w.launchToReadyMs - (w.hooks.install ?? 0)))),
      target: 300,
    },
    {
      name: 'warm launch-to-ready, install hook included',
      unit: 'ms',
      value: round(warmMs),
    },
    {
      name: 'of which the warm launch request to 202 (signatures, manifest and tree checked from the cache)',
      unit: 'ms',
      value: round(median(warm.map((w) => w.launchAnsweredMs))),
    },
    {
      // CPU time, unlike wall time, hardly depends on how many other processes share the cores.
      name: `runtime CPU (user + system) from the launch request to 202, ${sizeMiB} MiB cold, vs skopeo's for its pull`,
      unit: 's',
      value: round(median(large.map((r) => r.fetchCpuSeconds)), 2),
      ...(skopeoCpu === undefined
        ? {}
        : {
            baseline: round(skopeoCpu, 2),
            ratio: round(median(large.map((r) => r.fetchCpuSeconds)) / skopeoCpu, 3),
          }),
    },
    { name: `install hook (${HOOK_COMMAND}) run directly`, unit: 'ms', value: round(hookMs) },
    {
      name: 'runtime overhead, tiny app: launch-to-ready minus hook time',
      unit: 'ms',
      value: round(tinyMs - hookMs),
      target: 300,
    },
    {
      name: 'launch-to-ready, tiny app, cold cache',
      unit: 'ms',
      value: round(tinyMs),
      baseline: round(hookMs),
    },
    {
      name: 'of which the app: `starting` to ready (spawn, curl POST /v1/ready)',
      unit: 'ms',
      value: round(appStartMs),
    },
    {
      name: `metering throughput, batched (${metering.batchSize}/request, ${metering.concurrency} clients), fsync before ack`,
      unit: 'events/s',
      value: metering.value,
      target: metering.target,
    },
    {
      name: `runtime process peak RSS (VmHWM) during the ${sizeMiB} MiB launch, baseline: skopeo's`,
      unit: 'MiB',
      value: round(peak, 1),
      baseline: round(Math.max(...pulls.map((p) => p.maxRssMiB ?? 0)), 1),
      target: 120,
    },
    {
      name: 'runtime process RSS when listening, before the launch',
      unit: 'MiB',
      value: round(median(large.map((r) => r.idleRssMiB)), 1),
    },
  ];
}

/** Rows whose target is a lower bound. */
const AT_LEAST = new Set(['events/s']);

try {
  const rows = await main();
  console.log(JSON.stringify(rows, null, 2));
  const missed = rows.filter((r) => {
    if (r.target === undefined) return false;
    const measured = r.ratio ?? r.value;
    return AT_LEAST.has(r.unit) ? measured < r.target : measured > r.target;
  });
  for (const r of missed) log(`MISSED ${r.name}: ${r.ratio ?? r.value} (target ${r.target})`);
  log(`load average at the end ${load()}`);
  if (missed.length > 0) process.exitCode = 1;
} finally {
  await cleanUp();
}
