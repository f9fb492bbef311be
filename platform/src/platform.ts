/**
 * `createPlatform`: one process with embedded defaults (SQLite under the data folder, its own
 * token issuer) or production settings (PostgreSQL). All state that matters for correctness is in
 * the database, so several instances on one PostgreSQL behave as one.
 *
 * Lifecycle: `STARTING` (migrating, loading keys) → `RUNNING` → `DRAINING` (readyz answers 503,
 * in-flight requests finish within the grace period) → `STOPPED`.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { bindHandlers, handlerGroups } from './api/handlers.js';
import type { Handlers, Services } from './api/services.js';
import { LocalStorageBackend, probeImageMode, probeVolumeFileSystem } from './storage/local-backend.js';
import { StorageService } from './storage/service.js';
import { rateStorage } from './storage/rater.js';
import { SigningKeyStore, loadSecretKey } from './auth/keys.js';
import { ExternalIssuers } from './auth/external.js';
import { authenticate, authorize } from './auth/middleware.js';
import { SCOPES } from './auth/principal.js';
import { UserDirectory } from './auth/standing.js';
import { TokenService } from './auth/tokens.js';
import type { IssueTokenInput, IssuedToken } from './auth/tokens.js';
import { asBillingDb } from './billing/db.js';
import { foldAllBalanceMoves } from './billing/pooled.js';
import { GpuTimeRater } from './billing/rater-loop.js';
import { syncCatalog } from './catalog/catalog.js';
import { NodeService } from './nodes/node-service.js';
import { QuotaService } from './allocations/quotas.js';
import { AllocationService } from './allocations/service.js';
import { connectSlurmPlacer } from './allocations/slurm-connect.js';
import { startLocalNodes } from './nodes/local-node.js';
import type { LocalNodes } from './nodes/local-node.js';
import { compileOptions } from './config.js';
import type { PlatformConfig, PlatformOptions } from './config.js';
import { createDatabase } from './db/database.js';
import type { PlatformDatabase } from './db/database.js';
import type { Tables } from './db/schema.js';
import { PlatformError } from './errors.js';
import { BillingService } from './billing/service.js';
import { EventBus } from './events/bus.js';
import { MemberService } from './identity/members.js';
import { ServiceAccountService } from './identity/service-accounts.js';
import { auditTrail } from './http/audit.js';
import { answerClientErrors } from './http/client-error.js';
import { DOCS_CSP, renderApiReference, renderErrorCatalog } from './http/docs-page.js';
import { idempotency } from './http/idempotency.js';
import { loadApiDocument } from './http/openapi.js';
import type { ApiDocument } from './http/openapi.js';
import { CursorCodec } from './http/pagination.js';
import {
  matchOperation,
  operationOf,
  parseBody,
  requestContext,
  validateRequest,
  validateResponses,
} from './http/pipeline.js';
import { DEFAULT_CONSOLE_DIR, consoleRoutes } from './http/console.js';
import { errorHandler } from './http/problem.js';
import { rateLimit, sweepExpired } from './http/rate-limit.js';
import { registryRoutes } from './http/registry-routes.js';
import { appEndpointRoutes } from './http/app-endpoint-routes.js';
import type { AppEndpointDeps } from './http/app-endpoint-routes.js';
import { relayFirst } from './http/relay-listener.js';
import { EndpointAccessCache } from './apps/endpoint-access.js';
import { isAppsHost } from './apps/ui-origin.js';
import { appOriginRoutes } from './http/app-origin.js';
import type { AppOriginDeps } from './http/app-origin.js';
import { Registry } from './registry/registry.js';
import { InternalRegistryCaller, RegistryAccess } from './registry/access.js';
import { loadApprovalKey } from './apps/approval-key.js';
import { loadInstanceSecretsKey } from './apps/instance-secrets.js';
import { PendingLauncher } from './apps/pending-launcher.js';
import { EmbeddedRegistry, releaseEntitled } from './apps/release.js';
import { ReviewService } from './apps/review.js';
import { AppInstanceWatcher } from './apps/instance-watcher.js';
import { TrustPolicyFile } from './apps/policy-file.js';
import { isoTime } from './ids.js';
import { LeaseRunner, intervalJob, isLeaseLost } from './leases/index.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { PlatformMetrics } from './metrics.js';
import { sweepExpiredPayloads } from './oidc/adapter.js';
import { InProcessScheduler } from './scheduler/index.js';
import { UsageService } from './usage/service.js';
import { attachUpgrades } from './terminal/upgrade.js';
import { LOGIN_ATTEMPTS_PER_EMAIL, mountOidc } from './oidc/routes.js';
import type { OidcMount } from './oidc/routes.js';

export type PlatformState = 'STARTING' | 'RUNNING' | 'DRAINING' | 'STOPPED';

export interface ListenOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface Platform {
  readonly app: Express;
  readonly db: Kysely<Tables>;
  readonly database: PlatformDatabase;
  readonly config: PlatformConfig;
  readonly logger: Logger;
  readonly metrics: PlatformMetrics;
  readonly api: ApiDocument;
  /** The built-in OpenID Provider (docs/auth.md). */
  readonly oidc: OidcMount;
  /** Allocations, scheduling, the reconciler and the event bus. */
  readonly compute: AllocationService;
  /** Rates GPU time and enforces funds in the background (billing/rater-loop.ts). */
  readonly gpuRater: GpuTimeRater;
  /** The app registry's platform side: embedded registry client, approval key, review. */
  readonly apps: Services['apps'];
  /** Volumes and snapshots (storage/service.ts). */
  readonly storage: StorageService;
  /** The leases on background work this instance holds or waits for (docs/scale-out.md). */
  readonly leases: LeaseRunner;
  /** The node agents this process runs (embedded defaults), once `listen()` started them. */
  readonly localNodes: LocalNodes | undefined;
  readonly state: PlatformState;
  /** The token issuer: `publicUrl`, else the URL `listen()` bound, else the last one a server recorded. */
  readonly issuer: string;
  /** Issues a short-lived access token signed with the platform's current key. */
  issueAccessToken(input: IssueTokenInput): Promise<IssuedToken>;
  /** Starts an HTTP server for `app`; resolves with its base URL once it is listening. */
  listen(options?: ListenOptions): Promise<{ url: string; server: Server }>;
  /** Readyz answers 503 NOT_READY (`why`) until `work` settles: start-up work done after listening. */
  holdReadiness(why: string, work: Promise<unknown>): void;
  /** Drains (readyz → 503), waits up to `graceMs` (default 10 s) for in-flight requests, then closes. */
  close(options?: { graceMs?: number }): Promise<void>;
}

const ISSUER_SETTING = 'issuer';
const DEFAULT_ISSUER = 'http://127.0.0.1:8080';

/**
 * Builds the platform: opens and migrates the database, loads (or creates) the signing keys and
 * assembles the Express app. Throws PlatformError CONFIG_INVALID for bad options.
 *
 * @example
 * const platform = await createPlatform({ dataDir: '.gpuaas' });
 * const { url } = await platform.listen({ port: 8080 });
 */
export async function createPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const compiled = compileOptions(options);
  if (compiled.value === undefined) {
    throw new PlatformError('CONFIG_INVALID', `invalid platform options: ${compiled.errors.join('; ')}`);
  }
  const config = compiled.value;
  const logger = createLogger(config.log);
  for (const warning of compiled.warnings) logger.warn(warning);

  let state: PlatformState = 'STARTING';
  /** Why readyz is held (start-up work after listening), by who holds it. */
  const readinessHolds = new Map<symbol, string>();
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const { db } = database;
  let server: Server | undefined;
  let leases: LeaseRunner | undefined;
  let compute: AllocationService | undefined;
  let localNodes: LocalNodes | undefined;
  let detachUpgrades: (() => void) | undefined;
  try {
    const secret = loadSecretKey(config.secretKey, config.dataDir);
    const keys = new SigningKeyStore(db, secret);
    await keys.init();
    const recorded = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', ISSUER_SETTING)
      .executeTakeFirst();
    let issuer = config.publicUrl ?? recorded?.value ?? DEFAULT_ISSUER;
    // Where this process listens: the platform reaches its own registry there (apps/release.ts).
    let listenUrl: string | undefined;
    const tokens = new TokenService({
      keys,
      issuer: () => issuer,
      audience: config.audience,
      defaultTtlSeconds: config.accessTokenTtlSeconds,
      external: config.trustedIssuers.length > 0 ? new ExternalIssuers(db, config.trustedIssuers) : undefined,
    });
    const api = loadApiDocument();
    const metrics = createMetrics({ defaultMetrics: config.defaultMetrics });
    const leaseRunner = new LeaseRunner({
      db,
      logger,
      ttlMs: config.leases.ttlMs,
      sole: config.leases.sole,
      gauge: metrics.leasesHeld,
    });
    leases = leaseRunner;
    await syncCatalog(db, config.compute.catalog);
    const storageRoot = join(config.dataDir, 'storage');
    const storageMode =
      config.storage.mode === 'auto' ? await probeImageMode(storageRoot) : config.storage.mode;
    if (storageMode === 'folder' && config.storage.mode === 'auto') {
      logger.warn(
        'cannot loop-mount volume images (not root, or no loop devices): volumes are plain folders without a size limit',
      );
    }
    // New volumes are XFS where xfsprogs is installed: it grows online where ext4 cannot (image-grow.ts).
    const volumeFileSystem = storageMode === 'image' ? await probeVolumeFileSystem() : 'ext4';
    if (storageMode === 'image' && volumeFileSystem === 'ext4') {
      logger.warn(
        'mkfs.xfs or xfs_growfs not found: new volumes are ext4, which may not grow while attached',
      );
    }
    const storage = new StorageService(
      db,
      new LocalStorageBackend(storageRoot, storageMode, volumeFileSystem),
      { quota: config.storage.quota },
    );
    // Before the API serves: nothing is left creating, deleting or half-grown after a crash.
    await storage.reconcile();
    // With `--scheduler slurm` Slurm places; the server does not start without a slurmrestd it speaks.
    const scheduler = config.compute.scheduler;
    const placer = scheduler.kind === 'slurm' ? await connectSlurmPlacer(scheduler, logger) : undefined;
    compute = new AllocationService({
      db,
      // On PostgreSQL, other instances' events wake this one's poller (LISTEN/NOTIFY, events/wake.ts).
      bus: new EventBus(
        db,
        logger,
        () => issuer,
        database.dialect === 'postgres' && config.databaseUrl !== undefined
          ? { postgresUrl: config.databaseUrl }
          : {},
      ),
      config: config.compute,
      billing: config.billing,
      logger,
      backend: new InProcessScheduler({ policy: 'best-fit' }),
      volumeSource: (id) => storage.backend.hostPath(id),
      lease: leaseRunner.lease(LEASE.scheduler),
      ...(placer === undefined ? {} : { placer }),
    });
    const internalRegistry = new InternalRegistryCaller();
    // One registry over the data folder, and one rule of who may pull and push there, for /v2 and
    // for registration alike.
    const registry = new Registry(join(config.dataDir, 'registry'));
    const registryAccess = new RegistryAccess({
      db,
      registry,
      internal: internalRegistry,
      entitled: (principal, repository) => releaseEntitled(db, principal, repository),
    });
    const embeddedRegistry = new EmbeddedRegistry({
      publicUrl: () => issuer,
      localUrl: () => listenUrl,
      internal: internalRegistry,
    });
    // Created on first start, so GET /v1/apps/trust answers before any approval.
    const approvalKey = await loadApprovalKey(config.dataDir);
    const instanceSecrets = await loadInstanceSecretsKey(config.dataDir);
    const policyFile =
      config.compute.appTrustPolicyFile === undefined
        ? undefined
        : new TrustPolicyFile(config.compute.appTrustPolicyFile, logger, config.compute.appTrustPolicy);
    if (policyFile !== undefined) await policyFile.current();
    const services: Services = {
      db,
      database,
      config,
      api,
      keys,
      tokens,
      users: new UserDirectory(db),
      cursors: new CursorCodec(secret),
      metrics,
      logger,
      compute,
      members: new MemberService({ db, bus: compute.bus }),
      serviceAccounts: new ServiceAccountService({ db, bus: compute.bus }),
      nodes: new NodeService({
        db,
        compute,
        logger,
        heartbeatIntervalMs: config.compute.heartbeatIntervalMs,
        provisioningTimeoutSeconds: config.compute.provisioningTimeoutSeconds,
      }),
      quotas: new QuotaService({ db, compute, defaultQuota: config.compute.defaultQuota }),
      usage: new UsageService({
        db,
        logger,
        lateWindowDays: config.billing.lateWindowDays,
        refused: metrics.usageEventsRefused,
      }),
      billing: new BillingService({
        db,
        bus: compute.bus,
        currency: config.billing.currency,
        refundApprovalAbove: config.billing.refundApprovalAbove,
      }),
      storage,
      apps: {
        registry,
        access: registryAccess,
        internal: internalRegistry,
        embedded: embeddedRegistry,
        approvalKey,
        instanceSecrets,
        operatorTrustPolicy: () =>
          policyFile === undefined ? Promise.resolve(config.compute.appTrustPolicy) : policyFile.current(),
        review: new ReviewService({
          db,
          bus: compute.bus,
          logger,
          embedded: embeddedRegistry,
          approvalKey: () => Promise.resolve(approvalKey),
        }),
        instanceEvents: new AppInstanceWatcher({ db, bus: compute.bus, logger }),
      },
      accepting: () => state === 'RUNNING',
      readinessHeld: () => readinessHolds.values().next().value,
    };
    const oidc = mountOidc({
      db,
      keys,
      secret,
      issuer: () => issuer,
      audience: config.audience,
      // The contract's vocabulary; every operation's scopes are in it (http/openapi.test.ts).
      apiScopes: [...SCOPES].sort(),
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      proxy: config.trustProxy !== false,
      logger,
      loginRateLimit: config.rateLimit.enabled
        ? { perIp: config.rateLimit.anonymous, perEmail: LOGIN_ATTEMPTS_PER_EMAIL }
        : undefined,
    });
    // The endpoint relay's access decisions, shared by its HTTP and WebSocket paths.
    const endpointAccess = new EndpointAccessCache({ db, users: services.users, bus: compute.bus });
    const relayDeps: AppEndpointDeps = {
      db,
      tokens,
      users: services.users,
      logger,
      endpointAccess,
      rateLimit: config.rateLimit,
    };
    const app = buildApp(services, handlerGroups(services), oidc.handler, relayDeps);
    const computeService = compute;
    // Background work. What must happen once however many instances run on one database runs
    // under a lease, on whichever instance holds it (leases/runner.ts, docs/scale-out.md):
    // - scheduler: the reconciler (TTLs, idle timeouts, deadlines, unreachable nodes) and the
    //   scheduling cycles; GPU claims are fenced, so a stale holder never places anything.
    leaseRunner.run(LEASE.scheduler, {
      start: () => computeService.start(),
      stop: () => computeService.stopReconciling(),
    });
    // - gpu-rater: GPU-time rating and funds enforcement; ledger settlements are fenced.
    const rater = new GpuTimeRater({
      db,
      bus: compute.bus,
      logger,
      config: config.billing,
      release: (id, reason) => computeService.release(id, 'system', reason),
      lease: leaseRunner.lease(LEASE.gpuRater),
    });
    leaseRunner.run(LEASE.gpuRater, { start: () => rater.start(), stop: () => rater.stop() });
    // - storage-rater: volumes and snapshots charged per GiB-second as they accrue
    //   (storage/rater.ts); each charge is fenced.
    const storageLease = leaseRunner.lease(LEASE.storageRater);
    leaseRunner.run(
      LEASE.storageRater,
      intervalJob(config.storage.raterIntervalSeconds * 1000, () =>
        rateStorage(db, {
          currency: config.billing.currency,
          pricePerGibMonth: config.storage.pricePerGibMonth,
          fence: storageLease.fence,
        }).catch((error: unknown) => {
          // A lost lease is the runner's to report; it has stopped this job.
          if (!isLeaseLost(error)) logger.warn({ err: error }, 'rating storage failed');
        }),
      ),
    );
    // - app-launcher: catalog launches waiting for their allocation to run (found again after a
    //   restart). Each launch is claimed compare-and-set, so a stale holder cannot launch twice.
    const pendingLauncher = new PendingLauncher({ services, bus: computeService.bus, logger });
    leaseRunner.run(LEASE.appLauncher, pendingLauncher);
    // - sweeper: garbage collection of expired idempotency keys, rate-limit windows and OIDC
    //   payloads; deleting what expired twice is harmless, so it is not fenced. It also folds
    //   the platform accounts' balance moves (a fold that races another rolls back).
    leaseRunner.run(
      LEASE.sweeper,
      intervalJob(config.sweepIntervalSeconds * 1000, () =>
        Promise.all([
          sweepExpired(db).catch((error: unknown) =>
            logger.warn({ err: error }, 'sweeping expired rows failed'),
          ),
          sweepExpiredPayloads(db).catch((error: unknown) =>
            logger.warn({ err: error }, 'sweeping expired OIDC payloads failed'),
          ),
          // The platform accounts' balance moves into their rows (billing/pooled.ts).
          foldAllBalanceMoves(asBillingDb(db)).catch((error: unknown) =>
            logger.warn({ err: error }, 'folding balance moves failed'),
          ),
        ]),
      ),
    );
    // Every instance runs the rest, for itself: the event bus's poller (its own subscribers),
    // the endpoint-access cache's sweep (its own cache), its local node agents, and the app
    // instance watcher, whose runtime streams back the launches this instance makes (watch())
    // and whose events are recorded once under ids derived from the runtime's.
    if (config.leases.background) {
      services.apps.instanceEvents.start();
      await leaseRunner.start();
    }
    state = 'RUNNING';

    const platform: Platform = {
      app,
      db,
      database,
      config,
      logger,
      metrics,
      api,
      oidc,
      compute: computeService,
      gpuRater: rater,
      apps: services.apps,
      storage,
      leases: leaseRunner,
      get localNodes() {
        return localNodes;
      },
      get state() {
        return state;
      },
      get issuer() {
        return issuer;
      },
      issueAccessToken: (input) => tokens.issueAccessToken(input),
      holdReadiness(why, work) {
        const hold = Symbol(why);
        readinessHolds.set(hold, why);
        const release = () => readinessHolds.delete(hold);
        work.then(release, release);
      },
      async listen(listenOptions = {}) {
        if (server !== undefined) throw new Error('listen() was already called');
        // App endpoint relays are answered before Express is entered (http/relay-listener.ts).
        const listener = relayFirst(app, {
          ...relayDeps,
          metrics: services.metrics,
          isAppsHost: (host) => isAppsHost(host, tokens.issuer),
        });
        const s = createServer(listener).listen(
          listenOptions.port ?? 8080,
          listenOptions.host ?? '127.0.0.1',
        );
        server = s;
        answerClientErrors(s, logger);
        await new Promise<void>((resolve, reject) => {
          s.once('listening', resolve);
          s.once('error', reject);
        });
        const address = s.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const url = `http://${host}:${address.port}`;
        listenUrl = url;
        if (config.publicUrl === undefined) {
          issuer = url;
          // Lets `gpuaas-platform token` (another process) mint tokens this server accepts.
          await db
            .insertInto('settings')
            .values({ key: ISSUER_SETTING, value: url, updated_at: isoTime() })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: url, updated_at: isoTime() }))
            .execute();
        }
        detachUpgrades = attachUpgrades(s, {
          db,
          compute: computeService,
          tokens,
          users: services.users,
          logger,
          accepting: () => state === 'RUNNING',
          appOrigin: appOriginDeps(services),
          endpointAccess,
          rateLimit: config.rateLimit,
        });
        if (config.localNode !== undefined) {
          localNodes = await startLocalNodes({
            config: config.localNode,
            dataDir: config.dataDir,
            baseUrl: url,
            db,
            compute: computeService,
            issueToken: (input) => tokens.issueAccessToken(input),
            logger,
            heartbeatIntervalMs: config.compute.heartbeatIntervalMs,
            issuer: tokens.issuer,
            trustPolicy: () => policyFile?.latest ?? config.compute.appTrustPolicy,
          });
        }
        logger.info({ url, issuer }, 'listening');
        return { url, server: s };
      },
      async close(closeOptions = {}) {
        if (state === 'STOPPED' || state === 'DRAINING') return;
        state = 'DRAINING';
        await localNodes?.stop();
        detachUpgrades?.();
        endpointAccess.close();
        // Stops the leased jobs and gives their leases up: another instance takes over at once.
        await leaseRunner.stop();
        computeService.stop();
        await services.apps.instanceEvents.stop();
        if (server !== undefined) {
          const s = server;
          const closed = new Promise<void>((resolve) => s.close(() => resolve()));
          s.closeIdleConnections();
          const grace = closeOptions.graceMs ?? 10_000;
          let timer: NodeJS.Timeout | undefined;
          const expired = new Promise<'expired'>((resolve) => {
            timer = setTimeout(() => resolve('expired'), grace);
          });
          if ((await Promise.race([closed, expired])) === 'expired') {
            logger.warn({ grace_ms: grace }, 'grace period expired: closing remaining connections');
            s.closeAllConnections();
            await closed;
          }
          clearTimeout(timer);
        }
        await database.close();
        state = 'STOPPED';
        logger.info('stopped');
        logger.flush();
      },
    };
    return platform;
  } catch (error) {
    await leases?.stop();
    compute?.stop();
    await database.close();
    throw error;
  }
}

/** The leases of the background work that runs on one instance at a time (docs/scale-out.md). */
export const LEASE = {
  scheduler: 'scheduler',
  gpuRater: 'gpu-rater',
  storageRater: 'storage-rater',
  appLauncher: 'app-launcher',
  sweeper: 'sweeper',
} as const;

function appOriginDeps(services: Services): AppOriginDeps {
  const { db, keys, users, logger, tokens, config } = services;
  return { db, keys, users, logger, issuer: () => tokens.issuer, rateLimit: config.rateLimit };
}

function buildApp(
  services: Services,
  groups: Handlers[],
  oidc: RequestHandler,
  relayDeps: AppEndpointDeps,
): Express {
  const { api, config, db, logger, metrics, tokens } = services;
  const handlers = bindHandlers(
    api.operations.map((o) => o.operationId),
    groups,
  );

  const app = express();
  app.disable('x-powered-by');
  // ETags are ours (resource versions); Express's body-hash ETags would mislead If-Match users.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);

  app.use(requestContext(logger, metrics));
  // Instance origins (`<allocation>.apps.<host>`) are the app's, never the platform's API: routed by
  // Host before anything else (http/app-origin.ts).
  app.use(appOriginRoutes(appOriginDeps(services)));
  const reference = renderApiReference(api.document);
  const catalog = renderErrorCatalog();
  const html =
    (body: string): RequestHandler =>
    (_req, res) => {
      res.setHeader('Content-Security-Policy', DOCS_CSP);
      res.type('html').send(body);
    };
  // The mounts beside the API. None answers under /v1/, where nearly all requests go, so those skip
  // them: walking two nested routers (OpenID Provider, console) cost an API request more than its
  // query. OPTIONS still passes through: the console's router answers it, as it always has.
  const mounts = express.Router();
  mounts.get('/docs', html(reference));
  mounts.get('/docs/errors', html(catalog));
  // The OpenID Provider and its sign-in pages speak OAuth, not the API's conventions.
  mounts.use(oidc);
  // The embedded OCI registry speaks the distribution spec, not our REST contract (registry/README.md).
  mounts.use(
    '/v2',
    registryRoutes({
      registry: services.apps.registry,
      db,
      tokens,
      users: services.users,
      logger,
      bus: services.compute.bus,
      rateLimit: config.rateLimit,
      internal: services.apps.internal,
      access: services.apps.access,
    }),
  );
  // The web console: `/` and its deep links, never a path of the API or of the mounts above
  // (http/console.ts).
  mounts.use(
    consoleRoutes({
      dir: DEFAULT_CONSOLE_DIR,
      apiPaths: Object.keys((api.document.paths ?? {}) as Record<string, unknown>),
      issuer: () => tokens.issuer,
    }),
  );

  // An app's endpoints: any method, sub-path and body, relayed (http/app-endpoint-routes.ts). Its
  // paths (/v1/allocations/…) are none of the mounts', so it may come first.
  app.use(appEndpointRoutes(relayDeps));
  app.use((req, res, next) => {
    if (req.method !== 'OPTIONS' && req.path.startsWith('/v1/')) next();
    else mounts(req, res, next);
  });
  app.use(matchOperation(api));
  app.use(validateResponses(config.validateResponses, logger));
  // Audit before authentication, so refused attempts (401/403) are recorded too.
  app.use(auditTrail(db, logger));
  app.use(authenticate(tokens, db, services.users));
  // Counted before refusals, so failed authentication attempts spend the client IP's budget.
  app.use(rateLimit(db, config));
  app.use(authorize());
  app.use(parseBody(config.bodyLimitBytes));
  app.use(validateRequest());
  app.use(idempotency(db, config, logger));
  app.use((req, res) => {
    const handler = handlers.get(operationOf(res).def.operationId);
    return handler?.(req, res);
  });
  app.use(errorHandler(logger));
  return app;
}
