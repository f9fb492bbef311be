/**
 * A new user's journey, timed step by step on this machine, as README.md tells it: a fresh clone in
 * a 200-character path, a fresh HOME, an EMPTY npm cache and Debian's Node 20 first on PATH →
 * `. scripts/use-node24.sh && npm ci` → `npm start` → a token → an allocation running → a command
 * in it; then an app from `gpuaas-app init` (python-inference) to ready in an allocation through
 * the platform. Targets: under 60 s from clone to a running allocation, under 60 s from init to
 * ready.
 *
 *   npm run bench:journey
 *
 * Downloads every package (and Node 24) from the npm registry: several minutes on a slow link.
 * Prints a JSON array of { name, unit, value, target? } and exits 1 when a target is missed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyTrustPolicy, startRegistry } from '@gpuaas/test-support';
import type { BenchRow } from '@gpuaas/test-support';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const rows: BenchRow[] = [];

function sh(
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], { cwd, env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function step(name: string, script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const started = performance.now();
  const { code, out } = await sh(script, env, cwd);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${name} failed (${code}):\n${out.slice(-3000)}`);
  rows.push({ name, unit: 's', value: Number(seconds.toFixed(2)) });
  return out;
}

function background(
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  ready: RegExp,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env, detached: true });
    let out = '';
    const check = (c: Buffer): void => {
      out += c.toString();
      if (ready.test(out)) resolve(child);
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('close', (code) => reject(new Error(`${script} ended (${code}):\n${out.slice(-3000)}`)));
  });
}

const base = await mkdtemp(join(tmpdir(), 'gpuaas-journey-'));
const clone = join(base, 'c'.repeat(200 - base.length - 1));
const home = join(base, 'home');
await mkdir(home);
const node20 = '/usr/bin';
// The machine's own setup for reaching the registry (CA certificates) stays; npm's settings, the
// node on PATH and HOME are a new user's.
const machine = Object.fromEntries(
  Object.entries(process.env).filter(([k]) =>
    /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|HTTPS?_PROXY|NO_PROXY|no_proxy)$/.test(k),
  ),
);
const env: NodeJS.ProcessEnv = {
  ...machine,
  PATH: `${node20}:/usr/local/bin:/usr/sbin:/sbin:/bin`,
  HOME: home,
  npm_config_cache: join(base, 'npm-cache'),
  ...(process.env.BENCH_NPM_CAFILE === undefined ? {} : { npm_config_cafile: process.env.BENCH_NPM_CAFILE }),
  LANG: 'C.UTF-8',
  GPUAAS_PORT: '18080',
};
const registry = await startRegistry();
let platform: ChildProcess | undefined;
try {
  const t0 = performance.now();
  await step('git clone (a 200-character path)', `git clone -q "${repoRoot}" "${clone}"`, env, base);
  await step(
    '. scripts/use-node24.sh && npm ci (Node 20 first, empty npm cache, fresh HOME)',
    '. scripts/use-node24.sh && npm ci --no-audit --no-fund',
    env,
    clone,
  );
  // The key and policy first: the platform reads its trust policy at start.
  await step('gpuaas-app keygen', 'npx gpuaas-app keygen --out "$HOME/keys/me"', env, clone);
  await writeFile(
    join(base, 'policy.yaml'),
    keyTrustPolicy({
      authority: 'me',
      publicKeyPem: await readFile(join(home, 'keys', 'me.pub'), 'utf8'),
      scopes: [`${registry.host}/me/**`],
    }),
  );
  const startAt = performance.now();
  platform = await background(
    `npm start -- --app-trust-policy "${join(base, 'policy.yaml')}"`,
    env,
    clone,
    /listening on http/,
  );
  rows.push({
    name: 'npm start (until listening)',
    unit: 's',
    value: Number(((performance.now() - startAt) / 1000).toFixed(2)),
  });
  const api = { ...env, GPUAAS_API_URL: 'http://127.0.0.1:18080', CI: 'true' };
  const token = (
    await step(
      'gpuaas-platform token',
      'npx gpuaas-platform token --data-dir .gpuaas --user dev@example.com --project demo',
      api,
      clone,
    )
  )
    .trim()
    .split('\n')
    .at(-1);
  const tenant = { ...api, GPUAAS_TOKEN: token ?? '' };
  const created = await step(
    'gpuaas allocations create --gpus 2 --wait (running)',
    'npx gpuaas allocations create --gpus 2 --project demo --wait --output json',
    tenant,
    clone,
  );
  const allocation = (JSON.parse(created.slice(created.indexOf('{'))) as { id: string }).id;
  rows.push({
    name: 'clone → a running allocation',
    unit: 's',
    value: Number(((performance.now() - t0) / 1000).toFixed(2)),
    target: 60,
  });
  await step(
    'gpuaas exec ALLOC -- nvidia-smi -L',
    `npx gpuaas exec ${allocation} -- nvidia-smi -L`,
    tenant,
    clone,
  );

  const appAt = performance.now();
  await step(
    'gpuaas-app init python-inference',
    'npx gpuaas-app init "$HOME/my-app" --template python-inference --name my-app --publisher me --yes',
    tenant,
    clone,
  );
  await step(
    'gpuaas-app publish',
    `npx gpuaas-app publish "$HOME/my-app" --to ${registry.host}/me/my-app:0.1.0 --key "$HOME/keys/me.key" --json`,
    tenant,
    clone,
  );
  await step(
    'gpuaas app launch --wait (ready in the allocation)',
    `npx gpuaas app launch ${allocation} --artifact ${registry.host}/me/my-app:0.1.0 --wait`,
    tenant,
    clone,
  );
  rows.push({
    name: 'gpuaas-app init → ready in an allocation (python-inference)',
    unit: 's',
    value: Number(((performance.now() - appAt) / 1000).toFixed(2)),
    target: 60,
  });
} finally {
  if (platform?.pid !== undefined) {
    try {
      process.kill(-platform.pid, 'SIGTERM');
    } catch {
      // gone
    }
    await new Promise((r) => setTimeout(r, 3000));
  }
  await registry.stop();
  await rm(base, { recursive: true, force: true }).catch(() => undefined);
}
console.log(JSON.stringify(rows, null, 2));
const missed = rows.filter((r) => r.target !== undefined && r.value > r.target);
if (missed.length > 0) {
  console.error(`missed: ${missed.map((r) => r.name).join(', ')}`);
  process.exitCode = 1;
}
