import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { OciLayout, RegistryClient, type BlobSource, type ImageManifest } from '@gpuaas/sdk';
const [, , host, hwmArg, chunkArg] = process.argv;
const hwm = Number(hwmArg) * 1024;
const chunkSize = Number(chunkArg) * 1024 * 1024;
const layout = await OciLayout.open('/tmp/f2exp/big/oci');
const d = await layout.resolve('1.0.0');
const m = (await layout.readManifest(d)) as ImageManifest;
const client = new RegistryClient({ registry: host! });
const sources: BlobSource[] = [m.config, ...m.layers].map((b) => {
  const path = layout.blobPath(b.digest);
  return {
    open: () => createReadStream(path, { highWaterMark: hwm }),
    openRange: (s: number, e: number) => (e > s ? createReadStream(path, { start: s, end: e - 1, highWaterMark: hwm }) : Readable.from([])),
    size: statSync(path).size,
    digest: b.digest,
  };
});
const t = performance.now();
await client.pushBlobs('bench/app', sources, { concurrency: 4, chunkSize, onProgress: () => {} });
await client.putManifest('bench/app', '1.0.0', await layout.readBlob(d.digest), d.mediaType);
const cpu = process.cpuUsage();
console.error(`hwm=${hwmArg}KiB chunk=${chunkArg}MiB wall=${((performance.now() - t) / 1000).toFixed(2)} cpu=${((cpu.user + cpu.system) / 1e6).toFixed(2)} rss=${(process.resourceUsage().maxRSS / 1024).toFixed(0)}MiB`);
