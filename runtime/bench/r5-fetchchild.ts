// TEMPORARY diagnostic (helper R5)
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseTrustPolicy } from '@gpuaas/sdk';
import { fetchArtifact } from '../dist/fetch/fetch.js';
const [ref, policyFile, cache] = process.argv.slice(2) as [string, string, string];
const mib = (n: number) => (n / 1048576).toFixed(1);
const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const policy = parseTrustPolicy(readFileSync(policyFile, 'utf8'), { baseDir: '/nonexistent' }).value!;
console.log(
  'before: hwm',
  hwm().toFixed(1),
  JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mib(v)]))),
);
let max = { rss: 0 } as NodeJS.MemoryUsage;
const samples: string[] = [];
const t = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > max.rss) max = m;
}, 10);
const started = performance.now();
await fetchArtifact({
  reference: ref,
  cacheDir: cache,
  trustPolicy: policy,
  logger: pino({ level: 'silent' }),
});
clearInterval(t);
console.log(
  (performance.now() - started).toFixed(0),
  'ms hwm',
  hwm().toFixed(1),
  'at max:',
  JSON.stringify(Object.fromEntries(Object.entries(max).map(([k, v]) => [k, mib(v)]))),
  samples.length,
);
