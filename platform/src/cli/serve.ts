/** `gpuaas-platform serve`: runs the platform until SIGTERM/SIGINT, then drains and stops. */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { inlineTrustPolicyFile } from '@gpuaas/sdk';
import { PlatformError } from '../errors.js';
import { parseSandboxLimits, parseSimulationSpec } from '@gpuaas/node-agent';
import type { SandboxLimitsConfig, SimulationSpec } from '@gpuaas/node-agent';
import { lockSqliteInstance } from '../db/instance-lock.js';
import { createPlatform } from '../platform.js';
import type { Platform } from '../platform.js';
import { DEMO_APP, seedDemoApp } from '../apps/demo.js';
import { startTracing } from '../tracing.js';
import { collect, schedulerOptions } from './serve-scheduler.js';
import type { SchedulerFlags } from './serve-scheduler.js';
import type { CliContext } from './common.js';
import { parsePort, parsePositiveInt, printJson } from './common.js';

interface ServeOptions extends SchedulerFlags {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  publicUrl?: string;
  graceSeconds: number;
  trustIssuer: string[];
  trustAudience?: string;
  claimEmail: string;
  localNode?: boolean;
  gpus: 'auto' | 'nvidia' | 'simulated';
  simulate: string;
  sandbox: 'auto' | 'bubblewrap' | 'none';
  appTrustPolicy?: string;
  sigstoreTrustedRoot?: string;
  sandboxLimits?: string;
  runtimeEgress: string[];
  billingGrace: number;
  billingInterval: number;
  billingLateWindow: number;
  billingCurrency: string;
  starterCredit: string;
  refundApprovalAbove?: string;
  storageMode?: 'auto' | 'image' | 'folder';
  storagePrice?: string;
  demo: boolean;
  relayRateLimit?: number;
  json?: boolean;
}

/** A whole number of seconds, zero included (`--billing-grace 0` releases at once). */
function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a whole number of seconds');
  return n;
}

/** Reads the app trust policy runtimes will apply, with its key files inlined (runtimes cannot read them). */
async function readAppTrustPolicy(file: string): Promise<string> {
  try {
    return await inlineTrustPolicyFile(file);
  } catch (error) {
    throw new PlatformError('CONFIG_INVALID', `--app-trust-policy: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Sigstore's trusted_root.json for keyless publisher identities. */
async function readTrustedRoot(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PlatformError('CONFIG_INVALID', `--sigstore-trusted-root: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    const root: unknown = JSON.parse(text);
    if (typeof root !== 'object' || root === null || Array.isArray(root))
      throw new Error('not a JSON object');
    return root;
  } catch (error) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `--sigstore-trusted-root: ${file} is not a Sigstore trusted root: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** `--sandbox-limits`, with the bad entry named. */
export function sandboxLimitsOption(text: string | undefined): Partial<SandboxLimitsConfig> {
  if (text === undefined) return {};
  try {
    return parseSandboxLimits(text);
  } catch (error) {
    throw new PlatformError('CONFIG_INVALID', `--sandbox-limits: ${(error as Error).message}`);
  }
}

/** `2x8` or `2x8:NVIDIA H100 80GB HBM3` → two simulated nodes of eight GPUs (of that model). */
export function parseSimulation(text: string): SimulationSpec {
  try {
    return parseSimulationSpec(text);
  } catch (error) {
    throw new PlatformError('CONFIG_INVALID', `--simulate ${(error as Error).message}`);
  }
}

export function registerServe(program: Command, { io }: CliContext): void {
  program
    .command('serve')
    .description('Run the platform; ready when GET /readyz answers 200')
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'data folder: SQLite file, key-encryption secret', './.gpuaas')
    .option('--database-url <url>', 'postgres://… to run on PostgreSQL (env GPUAAS_DATABASE_URL)')
    .option('--public-url <url>', 'public base URL, the token issuer (same for every instance)')
    .option('--grace-seconds <n>', 'time in-flight requests get on shutdown', parsePositiveInt, 10)
    .option(
      '--trust-issuer <url>',
      'accept tokens of this external OpenID issuer (repeatable; docs/auth.md)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--trust-audience <aud>', 'the audience tokens of the trusted issuers must carry')
    .option('--claim-email <claim>', 'claim of external tokens that holds the user email', 'email')
    .option('--local-node', 'run node agents in this process (default on SQLite, off on PostgreSQL)')
    .option('--no-local-node', 'do not run node agents in this process')
    .option('--gpus <source>', 'local node GPUs: auto (nvidia-smi if present), nvidia or simulated', 'auto')
    .option('--simulate <NxG[:model]>', 'simulated local nodes: N nodes × G GPUs', '2x8')
    .option(
      '--sandbox <mode>',
      'allocation sandbox: auto (bubblewrap when installed), bubblewrap or none',
      'auto',
    )
    .option(
      '--app-trust-policy <file>',
      'trust policy runtimes apply to launched apps (docs/trust-policy.md); without one, no launches',
    )
    .option(
      '--sigstore-trusted-root <file>',
      "Sigstore's trusted_root.json: publishers' keyless identities (OIDC issuer + subject) verify against it",
    )
    .option(
      '--sandbox-limits <spec>',
      'what each local sandbox may use: pids=N,memory=SIZE,cpus=N,tmp=SIZE,home=SIZE (per GPU but pids; docs/security.md)',
    )
    .option(
      '--runtime-egress <host:port>',
      'one more destination runtimes may reach besides the platform and the trust policy’s registries (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--billing-grace <seconds>',
      'seconds between a project running out of funds and the release of its running allocations',
      parseSeconds,
      30,
    )
    .option(
      '--billing-interval <seconds>',
      'length of a rated interval of GPU time; each hold covers one',
      parsePositiveInt,
      60,
    )
    .option(
      '--billing-late-window <days>',
      'days after a month ends during which late usage still rates into it; then its statements close and older events are refused',
      parsePositiveInt,
      35,
    )
    .option('--billing-currency <code>', 'the one currency of every balance and price (ISO 4217)', 'USD')
    .option(
      '--starter-credit <amount>',
      'promotional credit each new project gets, expiring after 30 days (0 disables it)',
      '25.00',
    )
    .option(
      '--refund-approval-above <amount>',
      "refunds above this amount need a second operator's approval (default: none do)",
    )
    .option(
      '--storage-price <amount>',
      'price of one GiB of volume or snapshot per month of 730 hours (default 0.10)',
    )
    .option(
      '--storage-mode <mode>',
      'volumes: image (an ext4 image per volume, root), folder (no size limit) or auto (docs/storage.md)',
    )
    .option(
      '--relay-rate-limit <n>',
      "requests a minute each caller may send to apps' endpoints through the platform (default 6000)",
      parsePositiveInt,
    )
    .option('--no-demo', `do not seed the example app ${DEMO_APP} into the catalog (env GPUAAS_DEMO=off)`)
    .option('--scheduler <kind>', 'who places allocations: in-process or slurm (docs/slurm.md)', 'in-process')
    .option('--slurmrestd-url <url>', "slurmrestd's URL, e.g. http://127.0.0.1:6820 (env SLURMRESTD_URL)")
    .option('--slurm-token-file <file>', 'file holding a JWT for slurmrestd (default: env SLURM_JWT)')
    .option('--slurm-user <name>', 'the user the token names; jobs run as this user (default root)')
    .option('--slurm-partition <name>', "partition for the platform's jobs (default: the cluster's default)")
    .option('--slurm-accounts <mode>', "project (each project's jobs charged to its account) or none")
    .option('--slurm-gres-type <model=type>', 'GRES type of a GPU model or SKU id (repeatable)', collect, [])
    .option('--json', 'print the bound URL as JSON')
    .action(async (options: ServeOptions) => {
      if (options.trustIssuer.length > 0 && options.trustAudience === undefined) {
        throw new PlatformError('CONFIG_INVALID', '--trust-issuer needs --trust-audience');
      }
      if (!['auto', 'nvidia', 'simulated'].includes(options.gpus)) {
        throw new PlatformError(
          'CONFIG_INVALID',
          `--gpus must be auto, nvidia or simulated (got "${options.gpus}")`,
        );
      }
      if (!['auto', 'bubblewrap', 'none'].includes(options.sandbox)) {
        throw new PlatformError(
          'CONFIG_INVALID',
          `--sandbox must be auto, bubblewrap or none (got "${options.sandbox}")`,
        );
      }
      if (options.storageMode !== undefined && !['auto', 'image', 'folder'].includes(options.storageMode)) {
        throw new PlatformError(
          'CONFIG_INVALID',
          `--storage-mode must be auto, image or folder (got "${String(options.storageMode)}")`,
        );
      }
      const simulated = parseSimulation(options.simulate);
      const limits = sandboxLimitsOption(options.sandboxLimits);
      const appTrustPolicy =
        options.appTrustPolicy === undefined ? undefined : await readAppTrustPolicy(options.appTrustPolicy);
      const sigstoreTrustedRoot =
        options.sigstoreTrustedRoot === undefined
          ? undefined
          : await readTrustedRoot(options.sigstoreTrustedRoot);
      const databaseUrl = options.databaseUrl ?? io.env.GPUAAS_DATABASE_URL;
      const scheduler = await schedulerOptions(options, io.env);
      // One server per SQLite file: a second refuses with DATABASE_IN_USE (db/instance-lock.ts).
      const instanceLock = lockSqliteInstance({ url: databaseUrl, dataDir: options.dataDir });
      try {
        const tracing = await startTracing(io.env);
        const platform = await createPlatform({
          dataDir: options.dataDir,
          databaseUrl,
          publicUrl: options.publicUrl,
          // Alone on its SQLite file: leases a crashed server left are taken at once.
          leases: { sole: instanceLock !== undefined },
          ...(options.relayRateLimit === undefined
            ? {}
            : { rateLimit: { relay: { limit: options.relayRateLimit, windowSeconds: 60 } } }),
          trustedIssuers: options.trustIssuer.map((issuer) => ({
            issuer,
            audience: options.trustAudience ?? '',
            claim: options.claimEmail,
          })),
          compute: {
            ...(appTrustPolicy === undefined
              ? {}
              : { appTrustPolicy, appTrustPolicyFile: options.appTrustPolicy }),
            ...(sigstoreTrustedRoot === undefined ? {} : { sigstoreTrustedRoot }),
            scheduler,
          },
          storage: {
            ...(options.storageMode === undefined ? {} : { mode: options.storageMode }),
            ...(options.storagePrice === undefined ? {} : { pricePerGibMonth: options.storagePrice }),
          },
          billing: {
            currency: options.billingCurrency,
            starterCredit: options.starterCredit,
            intervalSeconds: options.billingInterval,
            graceSeconds: options.billingGrace,
            lateWindowDays: options.billingLateWindow,
            ...(options.refundApprovalAbove === undefined
              ? {}
              : { refundApprovalAbove: options.refundApprovalAbove }),
          },
          // On PostgreSQL (production) nodes are remote agents unless asked for explicitly.
          localNode:
            (options.localNode ?? databaseUrl === undefined)
              ? {
                  gpus: options.gpus,
                  simulated: { memoryMib: 81_559, model: 'NVIDIA H100 80GB HBM3', ...simulated },
                  sandbox: options.sandbox,
                  limits,
                  runtimeEgress: options.runtimeEgress,
                }
              : false,
        });
        let url: string;
        try {
          ({ url } = await platform.listen({ port: options.port, host: options.host }));
        } catch (error) {
          await platform.close({ graceMs: 0 });
          await tracing?.shutdown();
          throw listenError(error, options.host, options.port);
        }
        // Seeded once listening (the demo is pushed through the platform's own /v2/), and before
        // the line that says the server is up: whatever waits for that line or for /readyz (a
        // script, the README's walkthrough) finds the example app in the catalog. A first start
        // takes about a second more; later starts only check it is there.
        const seeding = demoWanted(options.demo, io.env.GPUAAS_DEMO) ? seedDemo(platform) : undefined;
        if (seeding !== undefined) {
          platform.holdReadiness('seeding the example app', seeding);
          await Promise.race([
            seeding,
            new Promise<void>((resolve) => setTimeout(resolve, SEED_WAIT_MS).unref()),
          ]);
        }
        if (options.json === true) printJson(io, { url, issuer: platform.issuer });
        else io.stdout.write(`gpuaas-platform listening on ${url}\n`);

        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
            io.signal?.removeEventListener('abort', stop);
            resolve();
          };
          process.on('SIGTERM', stop);
          process.on('SIGINT', stop);
          io.signal?.addEventListener('abort', stop);
          if (io.signal?.aborted === true) stop();
        });
        io.stderr.write('gpuaas-platform: shutting down\n');
        // A seed in flight writes to the database: it ends before the database closes.
        await seeding;
        await platform.close({ graceMs: options.graceSeconds * 1000 });
        await tracing?.shutdown();
      } finally {
        instanceLock?.release();
      }
    });
}

/** How long the up line waits for the demo seed; a slower seed finishes in the background. */
const SEED_WAIT_MS = 30_000;

/** `--no-demo` or `GPUAAS_DEMO=off|0|false|no` turns the example app off. */
export function demoWanted(option: boolean, env: string | undefined): boolean {
  return option && !['off', '0', 'false', 'no'].includes((env ?? '').trim().toLowerCase());
}

/** Seeds the example app in the background; a failure is logged, never fatal to the server. */
async function seedDemo(platform: Platform): Promise<void> {
  const started = performance.now();
  try {
    const seeded = await seedDemoApp({
      db: platform.db,
      dataDir: platform.config.dataDir,
      apps: platform.apps,
    });
    platform.logger.info(
      { app: DEMO_APP, ...seeded, ms: Math.round(performance.now() - started) },
      seeded.outcome === 'skipped' ? 'demo app not seeded' : 'demo app in the catalog',
    );
  } catch (error) {
    platform.logger.warn({ err: error, app: DEMO_APP }, 'seeding the demo app failed');
  }
}

/** Why the server could not listen, with what to do about it; anything else as it came. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `${host}:${port}`;
  const hint = `\n  hint: choose another port with --port N (\`npm start\`: GPUAAS_PORT=N npm start), or stop what listens on ${where}`;
  if (code === 'EADDRINUSE')
    return new PlatformError('PORT_IN_USE', `${where} is in use by another process${hint}`, { cause: error });
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new PlatformError(
      'CONFIG_INVALID',
      `cannot listen on ${where} (${code}: ${code === 'EACCES' ? 'ports below 1024 need privileges' : 'no interface has this address'})${hint.replace('choose another port', 'choose another port or --host')}`,
      { cause: error },
    );
  return error;
}
