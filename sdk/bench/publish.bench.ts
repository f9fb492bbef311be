/**
 * Publishing a 1 GiB weights app, end to end, against the standard tools on the same data in the
 * same run:
 *   1. `gpuaas-app pack` into an OCI layout vs `tar -cf - DIR | sha256sum`       (ratio ≤ 1.5)
 *      and, of an app of 5,000 files of 4 KB, vs `tar -czf` of the same folder  (ratio ≤ 1.0)
 *   2. `gpuaas-app push` of that layout to a fresh Distribution 2.8 registry vs
 *      `skopeo copy oci:LAYOUT docker://…` to another fresh one                 (ratio ≤ 1.0),
 *      and the push process's peak RSS                                          (≤ 200 MiB)
 *   3. pushing the unchanged layout again: blob bytes uploaded                   (0)
 *   4. `gpuaas-app promote` to another repository of the same registry: blob bytes moved (0) and
 *      time as a fraction of the first push                                     (≤ 0.1)
 *
 *   npm run bench:publish                    (builds, then runs this file)
 *   BENCH_PUBLISH_SIZE_MIB=8 BENCH_PUBLISH_RUNS=1 BENCH_PUBLISH_SMALL_FILES=500 node sdk/bench/publish.bench.ts
 *                                                                            (smoke run)
 *
 * Prints ONE JSON array of { name, unit, value, baseline?, ratio?, target? } on stdout (progress on
 * stderr). `ratio` is value / baseline; `target` is an upper bound on `ratio` when the row has
 * one, else on `value`. Exits 1 when a target is missed. Needs docker-registry, skopeo and a
 * build (`npx tsc --build`): it runs the built `sdk/cli/bin/gpuaas-app.js` as a child process, as a
 * user would, or the entry point named by BENCH_PUBLISH_CLI. Timed steps report the median of
 * BENCH_PUBLISH_RUNS runs (default 5: push and promotion sit close to their targets, and a median of
 * five is steadier than one of three on a shared machine); every push goes to a fresh registry with its own storage.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { writeBenchApp } from './publish/app.ts';
import { blobBytesSent, CLI, gpuaasApp, skopeoCopy, tarCzf, tarSha256sum } from './publish/contenders.ts';
import { median, syncDisks, treeBytes, type ChildRun } from './publish/measure.ts';
import { startCountingProxy } from './publish/proxy.ts';
import { writeSmallFilesApp } from './publish/small-files.ts';
import type { BenchRow } from '@gpuaas/test-support';

type Row = BenchRow;

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

const sizeMiB = positiveInteger('BENCH_PUBLISH_SIZE_MIB', 1024);
const runs = positiveInteger('BENCH_PUBLISH_RUNS', 5);
const smallFiles = positiveInteger('BENCH_PUBLISH_SMALL_FILES', 5000);
const work = mkdtempSync(join(tmpdir(), 'gpuaas-publish-bench-'));
const registries = new Set<TestRegistry>();

function log(message: string): void {
  process.stderr.write(`publish-bench: ${message}\n`);
}

async function cleanUp(): Promise<void> {
  await Promise.allSettled([...registries].map((r) => r.stop()));
  registries.clear();
  rmSync(work, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: removing ${work}`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function freshRegistry(): Promise<TestRegistry> {
  const registry = await startRegistry();
  registries.add(registry);
  return registry;
}

async function stopRegistry(registry: TestRegistry): Promise<void> {
  registries.delete(registry);
  await registry.stop();
}

/** The digest a registry serves for REPO:TAG (HEAD with OCI types in Accept, as 2.8 needs). */
async function servedDigest(host: string, repository: string, tag: string): Promise<string> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
    },
  });
  return response.headers.get('docker-content-digest') ?? `HTTP ${response.status}`;
}

function expectDigest(actual: string, expected: string, what: string): void {
  if (actual !== expected) throw new Error(`${what}: registry serves ${actual}, the layout has ${expected}`);
}

/** Tag and manifest digest of the layout's one tagged manifest, read from index.json itself. */
function layoutManifest(layout: string): { tag: string; digest: string; blobBytes: number } {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name']);
  const tag = entry?.annotations?.['org.opencontainers.image.ref.name'];
  if (entry === undefined || tag === undefined)
    throw new Error(`${layout}: no tagged manifest in index.json`);
  const manifest = JSON.parse(
    readFileSync(join(layout, 'blobs', 'sha256', entry.digest.slice(7)), 'utf8'),
  ) as {
    config: { size: number };
    layers: { size: number }[];
  };
  const blobBytes = manifest.layers.reduce((sum, l) => sum + l.size, manifest.config.size);
  return { tag, digest: entry.digest, blobBytes };
}

function seconds(run: ChildRun): string {
  const cpu = run.cpuSeconds === undefined ? '' : ` (CPU ${run.cpuSeconds.toFixed(2)} s)`;
  return `${run.seconds.toFixed(2)} s${cpu}`;
}

/** An informative CPU row (user + system seconds), left out when GNU time is missing. */
function cpuRow(name: string, ours: readonly number[], theirs: readonly number[]): Row[] {
  const value = median(ours);
  const baseline = median(theirs);
  if (!Number.isFinite(value) || !Number.isFinite(baseline)) return [];
  return [
    { name, unit: 'cpu s', value: round(value), baseline: round(baseline), ratio: round(value / baseline) },
  ];
}

const round = (value: number, places = 3): number => Number(value.toFixed(places));

/**
 * `gpuaas-app pack` of an app of `smallFiles` files of 4 KB into a fresh layout, against
 * `tar -czf` of the same folder into a fresh file: each side reads every file, frames it as a tar
 * and gzips it at level 6 (our pack also hashes the tar and the gzip stream and writes a layout).
 * One untimed run of each warms the page cache; `sync` before every run; the order alternates.
 */
async function packSmallFiles(): Promise<Row[]> {
  const app = join(work, 'small-app');
  const layout = join(work, 'small-oci');
  const archive = join(work, 'small.tar.gz');
  const bytes = writeSmallFilesApp(app, smallFiles);
  const pack = async (): Promise<ChildRun> => {
    rmSync(layout, { recursive: true, force: true });
    syncDisks();
    const run = await gpuaasApp(['pack', app, '--output', layout]);
    const layers = run.json.layers as { mediaType: string; files: number }[] | undefined;
    const main = layers?.[0];
    if (layers?.length !== 1 || main?.files !== smallFiles + 1 || !main.mediaType.endsWith('tar+gzip')) {
      throw new Error(
        `small-files pack: expected one gzip layer of ${smallFiles + 1} files, got ${JSON.stringify(layers)}`,
      );
    }
    return run;
  };
  const tar = (): Promise<ChildRun> => {
    rmSync(archive, { force: true });
    syncDisks();
    return tarCzf(app, archive);
  };
  log(`pack of ${smallFiles} small files: warming up`);
  await tar();
  await pack();
  const times = { ours: [] as number[], tar: [] as number[] };
  const cpu = { ours: [] as number[], tar: [] as number[] };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? (['ours', 'tar'] as const) : (['tar', 'ours'] as const)) {
      const run = side === 'ours' ? await pack() : await tar();
      times[side].push(run.seconds);
      cpu[side].push(run.cpuSeconds ?? Number.NaN);
      log(
        `small-files pack run ${i + 1}/${runs}: ${side === 'ours' ? 'gpuaas-app pack' : 'tar -czf'} ${seconds(run)}`,
      );
    }
  }
  rmSync(app, { recursive: true, force: true });
  const value = median(times.ours);
  const baseline = median(times.tar);
  const what = `${smallFiles.toLocaleString('en')} files of 4 KB (${(bytes / 1e6).toFixed(1)} MB of Python-like source)`;
  return [
    {
      name: `pack small files: gpuaas-app pack of ${what} into an OCI layout, vs tar -czf of the same folder`,
      unit: 's',
      value: round(value),
      baseline: round(baseline),
      ratio: round(value / baseline),
      target: 1.0,
    },
    ...cpuRow(
      `pack small files: CPU time (user + system) of gpuaas-app pack of ${what}, vs tar -czf`,
      cpu.ours,
      cpu.tar,
    ),
  ];
}

async function main(): Promise<Row[]> {
  log(
    `${sizeMiB} MiB of weights, ${runs} timed run(s) per step, load ${loadavg()[0]?.toFixed(2)}, cli ${CLI}`,
  );
  const app = join(work, 'app');
  const layout = join(work, 'oci');
  const skopeoHome = join(work, 'skopeo-home');
  writeBenchApp(app, sizeMiB);

  // 1. Pack. One untimed run of each warms the page cache equally; order alternates per run.
  const pack = (): Promise<ChildRun> => {
    rmSync(layout, { recursive: true, force: true });
    syncDisks();
    return gpuaasApp(['pack', app, '--output', layout]);
  };
  const tar = (): Promise<ChildRun> => {
    syncDisks();
    return tarSha256sum(app);
  };
  log('pack: warming up');
  await tar();
  await pack();
  const packTimes: number[] = [];
  const tarTimes: number[] = [];
  const packCpu: number[] = [];
  const tarCpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? ['ours', 'tar'] : ['tar', 'ours']) {
      const run = side === 'ours' ? await pack() : await tar();
      (side === 'ours' ? packTimes : tarTimes).push(run.seconds);
      (side === 'ours' ? packCpu : tarCpu).push(run.cpuSeconds ?? Number.NaN);
      log(
        `pack run ${i + 1}/${runs}: ${side === 'ours' ? 'gpuaas-app pack' : 'tar | sha256sum'} ${seconds(run)}`,
      );
    }
  }
  const { tag, digest, blobBytes } = layoutManifest(layout);
  log(`layout: ${tag} ${digest}, ${blobBytes} blob bytes`);

  // 1b. Pack many small files, against tar -czf of the same folder (both gzip at level 6).
  const small = await packSmallFiles();

  // 2. Push, each side to its own fresh registry. The last pair is kept for steps 3 and 4.
  const pushTimes: number[] = [];
  const pushRss: number[] = [];
  const pushCpu: number[] = [];
  const skopeoTimes: number[] = [];
  const skopeoRss: number[] = [];
  const skopeoCpu: number[] = [];
  let ours: TestRegistry | undefined;
  let theirs: TestRegistry | undefined;
  for (let i = 0; i < runs; i++) {
    const last = i === runs - 1;
    for (const side of i % 2 === 0 ? ['ours', 'skopeo'] : ['skopeo', 'ours']) {
      const registry = await freshRegistry();
      syncDisks();
      if (side === 'ours') {
        const run = await gpuaasApp(['push', layout, '--to', `${registry.host}/bench/app:${tag}`]);
        const uploaded = blobBytesSent(run.json, 'bytesUploaded');
        if (uploaded !== blobBytes)
          throw new Error(`first push uploaded ${uploaded} of ${blobBytes} blob bytes`);
        pushTimes.push(run.seconds);
        pushRss.push(run.maxRssMiB ?? Number.NaN);
        pushCpu.push(run.cpuSeconds ?? Number.NaN);
        log(
          `push run ${i + 1}/${runs}: gpuaas-app push ${seconds(run)}, peak RSS ${run.maxRssMiB?.toFixed(0)} MiB`,
        );
      } else {
        const run = await skopeoCopy(layout, tag, `${registry.host}/bench/app:${tag}`, skopeoHome);
        skopeoTimes.push(run.seconds);
        skopeoRss.push(run.maxRssMiB ?? Number.NaN);
        skopeoCpu.push(run.cpuSeconds ?? Number.NaN);
        log(
          `push run ${i + 1}/${runs}: skopeo copy ${seconds(run)}, peak RSS ${run.maxRssMiB?.toFixed(0)} MiB`,
        );
      }
      expectDigest(await servedDigest(registry.host, 'bench/app', tag), digest, `${side} push`);
      if (!last) await stopRegistry(registry);
      else if (side === 'ours') ours = registry;
      else theirs = registry;
    }
  }
  if (ours === undefined || theirs === undefined) throw new Error('no registry kept from the push runs');

  // 3. Re-publish the unchanged layout, through a counting proxy that checks the CLI's own figure.
  const oursProxy = await startCountingProxy(ours.host);
  const theirsProxy = await startCountingProxy(theirs.host);
  const republish = await gpuaasApp(['push', layout, '--to', `${oursProxy.host}/bench/app:${tag}`]);
  const republished = blobBytesSent(republish.json, 'bytesUploaded');
  const republishWire = oursProxy.bytesUp;
  const recopy = await skopeoCopy(layout, tag, `${theirsProxy.host}/bench/app:${tag}`, skopeoHome);
  const recopyWire = theirsProxy.bytesUp;
  await theirsProxy.close();
  await stopRegistry(theirs);
  log(`re-publish: ${republished} blob bytes, ${republishWire} bytes on the wire, ${seconds(republish)}`);
  log(`re-copy (skopeo): ${recopyWire} bytes on the wire, ${seconds(recopy)}`);

  // 4. Promote by digest into other repositories of the same registry.
  const key = join(work, 'approver');
  await gpuaasApp(['keygen', '--out', key]);
  const blobStore = join(ours.storageDir, 'docker', 'registry', 'v2', 'blobs');
  const promoteTimes: number[] = [];
  const promoteBytes: number[] = [];
  const promoteWire: number[] = [];
  const promoteStored: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursProxy.reset();
    const storedBefore = treeBytes(blobStore);
    syncDisks();
    const target = `release/app-${i + 1}`;
    const run = await gpuaasApp([
      'promote',
      `${oursProxy.host}/bench/app@${digest}`,
      '--to',
      `${oursProxy.host}/${target}:${tag}`,
      '--attest-key',
      `${key}.key`,
    ]);
    expectDigest(await servedDigest(ours.host, target, tag), digest, 'promotion');
    promoteTimes.push(run.seconds);
    promoteBytes.push(blobBytesSent(run.json, 'bytesCopied'));
    promoteWire.push(oursProxy.bytesUp);
    promoteStored.push(treeBytes(blobStore) - storedBefore);
    log(
      `promote run ${i + 1}/${runs}: ${seconds(run)}, ${promoteBytes.at(-1)} blob bytes, ` +
        `${promoteWire.at(-1)} bytes on the wire, blob store +${promoteStored.at(-1)} bytes`,
    );
  }
  await oursProxy.close();

  // The CLI's counts must agree with what crossed the wire: anything near a layer's size means
  // blobs moved whatever the JSON says.
  const halfTheArtifact = blobBytes / 2;
  if (republishWire >= halfTheArtifact || Math.max(...promoteWire) >= halfTheArtifact) {
    throw new Error(
      `blob data crossed the wire (re-publish ${republishWire}, promote ${promoteWire.join(', ')})`,
    );
  }

  const pack_ = median(packTimes);
  const tar_ = median(tarTimes);
  const push = median(pushTimes);
  const skopeo = median(skopeoTimes);
  const promote = median(promoteTimes);
  const label = `${sizeMiB} MiB app (4 random weight shards in a "weights" layer)`;
  return [
    {
      name: `pack: gpuaas-app pack ${label} into an OCI layout, vs tar -cf - | sha256sum`,
      unit: 's',
      value: round(pack_),
      baseline: round(tar_),
      ratio: round(pack_ / tar_),
      target: 1.5,
    },
    ...cpuRow(
      'pack: CPU time (user + system) of gpuaas-app pack, vs tar and sha256sum together',
      packCpu,
      tarCpu,
    ),
    ...small,
    {
      name: 'push: gpuaas-app push of the layout to a fresh Distribution 2.8, vs skopeo copy oci: docker://',
      unit: 's',
      value: round(push),
      baseline: round(skopeo),
      ratio: round(push / skopeo),
      target: 1.0,
    },
    ...cpuRow(
      'push: CPU time (user + system) of the gpuaas-app push process, vs skopeo copy',
      pushCpu,
      skopeoCpu,
    ),
    {
      name: 'push: peak RSS of the gpuaas-app push process (baseline: skopeo copy)',
      unit: 'MiB',
      value: round(Math.max(...pushRss), 1),
      baseline: round(Math.max(...skopeoRss), 1),
      target: 200,
    },
    {
      name: 're-publish: blob bytes uploaded by pushing the unchanged layout again (push --json bytesUploaded)',
      unit: 'bytes',
      value: republished,
      target: 0,
    },
    {
      name: 're-publish: bytes sent to the registry, all requests and headers (counting proxy; baseline skopeo)',
      unit: 'bytes',
      value: republishWire,
      baseline: recopyWire,
    },
    {
      name: 're-publish: time of the unchanged push (baseline: skopeo copy of the unchanged layout)',
      unit: 's',
      value: round(republish.seconds),
      baseline: round(recopy.seconds),
      ratio: round(republish.seconds / recopy.seconds),
    },
    {
      name: 'promote: blob bytes moved promoting by digest to another repository (promote --json bytesCopied)',
      unit: 'bytes',
      value: Math.max(...promoteBytes),
      target: 0,
    },
    {
      name: 'promote: bytes sent to the registry, all requests and headers, attestation included (counting proxy)',
      unit: 'bytes',
      value: Math.max(...promoteWire),
    },
    {
      name: 'promote: time, vs the first push of the same artifact (baseline)',
      unit: 's',
      value: round(promote),
      baseline: round(push),
      ratio: round(promote / push),
      target: 0.1,
    },
  ];
}

try {
  const rows = await main();
  console.log(JSON.stringify(rows, null, 2));
  const missed = rows.filter((r) => r.target !== undefined && (r.ratio ?? r.value) > r.target);
  for (const row of missed) log(`target missed: ${row.name}: ${row.ratio ?? row.value} > ${row.target}`);
  if (missed.length > 0) process.exitCode = 1;
} catch (error) {
  // 2, not 1: the smoke test tells a crashed bench from a missed target by the exit status.
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 2;
} finally {
  await cleanUp();
}
