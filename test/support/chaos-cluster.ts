/**
 * The cluster the chaos test runs (issue 19): three `gpuaas-platform serve` processes on one fresh
 * PostgreSQL database (same --public-url and GPUAAS_SECRET_KEY, each its own data folder and a
 * fixed port, so a killed instance comes back where clients and agents look for it), two node
 * agents on this machine and one in a network namespace of its own whose link can be cut, all real
 * processes. An in-process platform that takes no lease (as `gpuaas-platform token` runs) mints
 * tokens and records the priced app launches that runtimes' usage is rated against.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPlatform, isoTime, newId } from '@gpuaas/platform';
import type { Platform } from '@gpuaas/platform';
import { createTestStore, freePort } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { createNetworkNamespace } from './netns.js';
import type { NetworkNamespace } from './netns.js';
import { platformBin, run, startProcess } from './processes.js';
import type { StartedProcess } from './processes.js';

const SECRET = Buffer.alloc(32, 29).toString('base64url');
/** Ample: GPU-time holds must never be what refuses a create or releases an allocation. */
const STARTER_CREDIT = '1000000.00';
/** Simulated GPUs per node: 3 nodes × 4 = 12. */
export const GPUS_PER_NODE = 4;
export const REMOTE_NODE = 'chaos-remote';
/** Usage prices of every launch: integers only, so each event's charge is exact (no carries). */
export const PRICES = { images: 250_000n, tokens: 3n } as const;

export interface Instance {
  name: string;
  url: string;
  port: number;
  dataDir: string;
  process: StartedProcess | undefined;
  pid: number | undefined;
}

export interface ChaosCluster {
  store: TestStore;
  netns: NetworkNamespace;
  admin: Platform;
  instances: Instance[];
  publicUrl: string;
  owner: { token: string; projectId: string };
  /** Kills the instance with SIGKILL; resolves once it is dead. */
  kill(instance: Instance): Promise<void>;
  /** Starts it again on its port. */
  start(instance: Instance): Promise<void>;
  /** A launch of a priced app in the allocation and its runtime's usage token. */
  launch(allocationId: string): Promise<{ launchId: string; token: string }>;
  agentLogs(): string;
  stop(): Promise<void>;
}

const cliEnv = { ...process.env, CI: '', GPUAAS_SECRET_KEY: SECRET };

export async function startChaosCluster(): Promise<ChaosCluster> {
  const store = await createTestStore('postgres');
  const netns = await createNetworkNamespace();
  const agents: StartedProcess[] = [];
  const instances: Instance[] = [];
  let admin: Platform | undefined;
  const stop = async () => {
    await Promise.all(agents.map((a) => a.stop('SIGKILL')));
    await Promise.all(instances.map((i) => i.process?.stop('SIGKILL') ?? Promise.resolve(null)));
    await admin?.close().catch(() => undefined);
    await netns.destroy();
    // CHAOS_KEEP_DATABASE=1 leaves the database for a look afterwards (its URL is logged).
    if (process.env.CHAOS_KEEP_DATABASE !== '1') await store.drop();
    else console.error(`chaos: database kept: ${store.databaseUrl}`);
  };
  try {
    const ports = [await freePort(), await freePort(), await freePort()];
    const publicUrl = `http://${netns.hostIp}:${ports[0]}`;
    const cliDir = join(store.dataDir, 'cli');
    await mkdir(cliDir);
    for (const [i, port] of ports.entries()) {
      const dataDir = join(store.dataDir, `instance-${i}`);
      await mkdir(dataDir);
      instances.push({
        name: `i${i}`,
        url: `http://${netns.hostIp}:${port}`,
        port,
        dataDir,
        process: undefined,
        pid: undefined,
      });
    }
    const start = async (instance: Instance) => {
      const started = await startProcess(
        process.execPath,
        [
          platformBin,
          'serve',
          ...['--host', netns.hostIp, '--port', String(instance.port), '--json', '--no-demo'],
          ...['--data-dir', instance.dataDir, '--database-url', store.databaseUrl!],
          ...['--public-url', publicUrl, '--no-local-node', '--starter-credit', STARTER_CREDIT],
        ],
        { env: cliEnv, ready: /"url":\s*"([^"]+)"/, name: `serve ${instance.name}`, timeoutMs: 90_000 },
      );
      instance.process = started;
      instance.pid = started.child.pid;
    };
    const kill = async (instance: Instance) => {
      await instance.process?.stop('SIGKILL');
      instance.process = undefined;
    };
    // The first migrates; the others then start together.
    await start(instances[0]!);
    await Promise.all(instances.slice(1).map(start));

    const cli = async (args: string[]) => {
      const result = await run(
        platformBin,
        [...args, '--database-url', store.databaseUrl!, '--data-dir', cliDir],
        cliEnv,
      );
      if (result.code !== 0) throw new Error(`gpuaas-platform ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    const token = async (args: string[]) =>
      JSON.parse(await cli(['token', '--json', '--public-url', publicUrl, '--ttl', '14400', ...args])) as {
        access_token: string;
        project_id: string;
        user_id: string;
      };
    const owner = await token([
      '--user',
      'tenant@example.com',
      '--project',
      'chaos',
      '--starter-credit',
      STARTER_CREDIT,
    ]);
    const publisher = await token(['--user', 'publisher@example.com', '--project', 'chaos-pub']);

    // Node agents: two on this machine, one "elsewhere" (the namespace), each 4 simulated GPUs,
    // every instance's URL given so that each fails over on a kill.
    const urls = instances.flatMap((i) => ['--platform-url', i.url]);
    for (const [name, remote] of [
      ['chaos-local-0', false],
      ['chaos-local-1', false],
      [REMOTE_NODE, true],
    ] as const) {
      const credentialFile = join(store.dataDir, `${name}.credential`);
      await writeFile(credentialFile, await cli(['node-credentials', 'issue', '--node', name]), {
        mode: 0o600,
      });
      const argv = [
        process.execPath,
        platformBin,
        'node-agent',
        ...urls,
        ...['--credential-file', credentialFile, '--name', name, '--gpus', 'simulated'],
        ...['--simulate', `1x${GPUS_PER_NODE}`, '--sandbox', 'none', '--max-backoff', '2'],
        ...['--advertise-address', remote ? netns.nodeIp : netns.hostIp],
        ...['--data-dir', join(store.dataDir, name)],
      ];
      const [command, ...args] = remote ? ['ip', ...netns.wrap(argv)] : argv;
      agents.push(
        await startProcess(command!, args, {
          env: cliEnv,
          ready: /registered with/,
          name,
          timeoutMs: 90_000,
        }),
      );
    }

    admin = await createPlatform({
      dataDir: cliDir,
      databaseUrl: store.databaseUrl,
      publicUrl,
      secretKey: SECRET,
      log: { level: 'silent' },
      defaultMetrics: false,
      localNode: false,
      leases: { background: false },
    });
    const db = admin.db;
    // One published version of a priced app; each allocation gets a launch of it.
    const versionId = newId();
    const now = isoTime();
    await db
      .insertInto('app_versions')
      .values({
        id: versionId,
        project_id: publisher.project_id,
        registry: 'registry.test:5000',
        repository: 'pub/chat',
        tag: '1.0.0',
        digest: `sha256:${'c'.repeat(64)}`,
        app: 'chat',
        version: '1.0.0',
        state: 'published',
        manifest: '{}',
        signer_key_id: null,
        errors: null,
        submitted_by: 'chaos',
        submitted_at: now,
        updated_at: now,
        reviewed_by: null,
        reviewed_at: null,
        reason: null,
        approval_scope: 'platform',
        approval_scope_id: null,
        release_reference: null,
        approval_digest: null,
        revoked_at: null,
      })
      .execute();
    const pricing = JSON.stringify({
      currency: 'USD',
      hourly_price_micros: null,
      meters: [
        { meter: 'images', unit: 'image', micros: PRICES.images.toString(), per_units: '1' },
        { meter: 'tokens', unit: 'token', micros: PRICES.tokens.toString(), per_units: '1' },
      ],
      publisher_project_id: publisher.project_id,
      fee_bps: 2000,
    });
    const platform = admin;
    const launch = async (allocationId: string) => {
      // As api/apps.ts does at a launch: the runtime's service account, then the launch row.
      const accountId = newId();
      const launchId = newId();
      const at = isoTime();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('service_accounts')
          .values({
            id: accountId,
            project_id: owner.project_id,
            name: `launch-${accountId.slice(-8)}`,
            scopes: 'usage:write',
            secret_hash: null,
            created_by: owner.user_id,
            created_at: at,
            revoked_at: null,
            allocation_id: allocationId,
          })
          .execute();
        await trx
          .insertInto('app_launches')
          .values({
            id: launchId,
            allocation_id: allocationId,
            project_id: owner.project_id,
            version_id: versionId,
            reference: 'registry.test:5000/pub/chat:1.0.0',
            digest: `sha256:${'c'.repeat(64)}`,
            service_account_id: accountId,
            launched_by: owner.user_id,
            launched_at: at,
            ended_at: null,
            pricing,
            instance_id: null,
          })
          .execute();
      });
      const issued = await platform.issueAccessToken({
        sub: accountId,
        principalType: 'service_account',
        projectId: owner.project_id,
        scopes: ['usage:write'],
        ttlSeconds: 14_400,
      });
      return { launchId, token: issued.token };
    };
    return {
      store,
      netns,
      admin,
      instances,
      publicUrl,
      owner: { token: owner.access_token, projectId: owner.project_id },
      kill,
      start,
      launch,
      agentLogs: () => agents.map((a) => a.stderr().slice(-3000)).join('\n---\n'),
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
