/**
 * `npm run bench:api` (builds, then runs this file): authenticated GETs against a platform on SQLite (embedded defaults) with
 * autocannon. Prints requests/s and latency percentiles; exits 1 below the target
 * (≥ 3,000 req/s, p99 ≤ 25 ms) when BENCH_ENFORCE=1. Imports the built platform (dist).
 * BENCH_SECONDS and BENCH_CONNECTIONS tune the run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createPlatform } from '@gpuaas/platform';

const duration = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-bench-'));
const platform = await createPlatform({
  dataDir,
  log: { level: 'warn' },
  // The benchmark measures the hot path, not the limiter's 429s.
  rateLimit: { authenticated: { limit: 1_000_000_000, windowSeconds: 60 } },
  validateResponses: 'off',
});
const { url } = await platform.listen({ port: 0 });
const user = await platform.db
  .insertInto('users')
  .values({
    id: '0190a0b0-0000-7000-8000-00000000beef',
    email: 'bench@example.com',
    display_name: null,
    operator: 0,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    version: 1,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const { token } = await platform.issueAccessToken({ sub: user.id, ttlSeconds: 3600 });
const created = await fetch(`${url}/v1/projects`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench' }),
});
const { id } = await created.json();

const cpuBefore = process.cpuUsage();
const result = await autocannon({
  url: `${url}/v1/projects/${id}`,
  connections,
  duration,
  headers: { authorization: `Bearer ${token}` },
});
const cpu = process.cpuUsage(cpuBefore);
const summary = {
  requests_per_second: Math.round(result.requests.average),
  // CPU of this process (server AND load generator) per request: a load-independent figure.
  cpu_us_per_request: Math.round((cpu.user + cpu.system) / result.requests.total),
  latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99 },
  non_2xx: result.non2xx,
  errors: result.errors,
  connections,
  duration_s: duration,
};
console.log(JSON.stringify(summary, null, 2));
await platform.close({ graceMs: 1000 });
await rm(dataDir, { recursive: true, force: true });
const pass = summary.requests_per_second >= 3000 && summary.latency_ms.p99 <= 25 && summary.non_2xx === 0;
if (process.env.BENCH_ENFORCE === '1' && !pass) process.exitCode = 1;
