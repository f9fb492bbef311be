/**
 * Packing throughput against `tar -cf - DIR | sha256sum` on the same data, in the same run.
 * Target: packing 1 GiB of incompressible files takes at most 1.5x the tar|sha256sum time.
 *
 *   npx tsc --build && node sdk/bench/pack.bench.ts [--files 4] [--mib 256] [--runs 3] [--dir /tmp/x] [--keep]
 *
 * Imports the built sdk (dist), so build first. The data is random (incompressible) and deleted
 * afterwards unless --keep is given.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packApp } from '@gpuaas/sdk';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '4' },
    mib: { type: 'string', default: '256' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const files = Number(values.files);
const mib = Number(values.mib);
const runs = Number(values.runs);
const work = values.dir ?? mkdtempSync(join(tmpdir(), 'gpuaas-pack-bench-'));
const app = join(work, 'app');
const output = join(work, 'oci');

function seconds(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function secondsAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Children's user + system seconds from the `times` builtin ("0m1.23s 0m0.45s"). */
function childCpuSeconds(timesOutput: string): number {
  const line = timesOutput.trim().split('\n').at(-1) ?? '';
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

try {
  mkdirSync(join(app, 'data'), { recursive: true });
  writeFileSync(
    join(app, 'gpuaas-app.yaml'),
    'apiVersion: gpuaas.dev/v1alpha1\nname: bench\nversion: 0.0.1\npublisher: bench\n' +
      'run:\n  entrypoint: ["true"]\nresources:\n  minimum:\n    gpus:\n      count: 0\n',
  );
  for (let i = 1; i <= files; i++) {
    execFileSync('sh', ['-c', `head -c ${mib * 1024 * 1024} /dev/urandom > ${join(app, 'data', `f${i}`)}`]);
  }
  // Same page-cache state for both contenders: everything read once before timing.
  execFileSync('sh', ['-c', `cat ${join(app, 'data')}/* > /dev/null`]);

  const tarTimes: number[] = [];
  const tarCpu: number[] = [];
  const packTimes: number[] = [];
  const packCpu: number[] = [];
  let digest = '';
  for (let run = 0; run < runs; run++) {
    tarTimes.push(
      seconds(() => {
        // `times` prints the CPU time of the shell's children (tar and sha256sum) on its 2nd line.
        const r = spawnSync('sh', ['-c', `tar -cf - -C ${app} . | sha256sum > /dev/null; times`], {
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(`tar | sha256sum failed: ${r.stderr}`);
        tarCpu.push(childCpuSeconds(r.stdout));
      }),
    );
    rmSync(output, { recursive: true, force: true });
    const cpuBefore = process.cpuUsage();
    packTimes.push(
      await secondsAsync(async () => {
        const result = await packApp(app, { output, env: {} });
        digest = result.manifestDescriptor.digest;
        if (result.layers[0]?.mediaType !== 'application/vnd.oci.image.layer.v1.tar') {
          throw new Error(`incompressible data was compressed: ${result.layers[0]?.mediaType}`);
        }
      }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    packCpu.push((cpu.user + cpu.system) / 1e6);
    rmSync(output, { recursive: true, force: true });
  }
  const tar = median(tarTimes);
  const pack = median(packTimes);
  const gib = (files * mib) / 1024;
  const round = (values: number[]): number[] => values.map((t) => +t.toFixed(3));
  const report = {
    data: `${files} x ${mib} MiB random`,
    loadAverage: loadavg().map((l) => +l.toFixed(2)),
    tarSha256sumWallSeconds: round(tarTimes),
    tarSha256sumCpuSeconds: round(tarCpu),
    packWallSeconds: round(packTimes),
    packCpuSeconds: round(packCpu),
    packGiBPerSecond: +(gib / pack).toFixed(3),
    wallRatio: +(pack / tar).toFixed(3),
    cpuRatio: +(median(packCpu) / median(tarCpu)).toFixed(3),
    target: 1.5,
    pass: pack / tar <= 1.5,
    manifestDigest: digest,
  };
  console.log(JSON.stringify(report, null, 2));
  if (!report.pass) process.exitCode = 1;
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
