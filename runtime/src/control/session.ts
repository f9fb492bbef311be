/**
 * One launched app with everything around it: the fetched artifact, its instance (lifecycle), the
 * usage log with its shipper, the runtime's own usage meter, the app-facing local API and the
 * platform credentials. Built by the control API (`POST /v1/app/launch`) and by `dev`-like
 * callers; `stop()` tears all of it down in the order that loses no usage: app stopped → own
 * usage written → log flushed to the platform → API closed → credentials forgotten.
 */
import { join } from 'node:path';
import { clientCredentialsTokenProvider } from '@gpuaas/sdk';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type { Logger } from 'pino';
import { AppInstance } from '../app/instance.js';
import { ParamSet } from '../app/params.js';
import type { ParamValues } from '../app/params.js';
import { createUsageShipper } from '../metering/shipper.js';
import type { UsageShipper } from '../metering/shipper.js';
import { gpuCountFromEnv, startOwnUsage } from '../metering/usage.js';
import type { OwnUsageMeter } from '../metering/usage.js';
import { openUsageWal } from '../metering/wal.js';
import type { UsageRecord, UsageWal } from '../metering/wal.js';
import { startAppApi } from '../metering/app-api.js';
import type { AppApi } from '../metering/app-api.js';
import { uuidv7 } from '../metering/wal.js';

/** How the runtime reaches the platform for this launch (absent: standalone, nothing is shipped). */
export interface PlatformLink {
  url: string;
  allocation_id: string;
  project_id: string;
  credentials?: {
    issuer: string;
    client_id: string;
    client_secret: string;
    /** What the tenant granted (the launch's service account holds exactly these). */
    scopes: string[];
    resource?: string;
  };
}

export interface AppSessionOptions {
  appDir: string;
  manifest: GpuaasAppManifest;
  digest: string;
  params: ParamValues;
  /** Holds the usage log, instance data and logs; survives restarts of the runtime. */
  dataDir: string;
  /** Where the app API's Unix socket goes (short path: sun_path is 108 bytes). */
  socketPath?: string;
  platform?: PlatformLink;
  /** Environment the app and its hooks start from (PATH, HOME, LANG, CUDA_VISIBLE_DEVICES…). */
  env: Record<string, string>;
  logger: Logger;
  /** Own-usage interval (default 60 s). */
  usageIntervalMs?: number;
  onUsage?: (record: UsageRecord) => void;
}

/** Scopes an app token may carry: what the manifest declares and the tenant granted. */
export function appScopes(manifest: GpuaasAppManifest, granted: readonly string[]): string[] {
  const declared = manifest.permissions?.scopes ?? [];
  return declared.filter((s) => granted.includes(s)).sort();
}

export class AppSession {
  readonly instance: AppInstance;
  readonly instanceId: string;
  readonly #wal: UsageWal;
  readonly #api: AppApi;
  readonly #own: OwnUsageMeter;
  readonly #shipper: UsageShipper;
  readonly #regrant: (manifest: GpuaasAppManifest, scopes: readonly string[]) => void;
  #closed: Promise<void> | undefined;

  private constructor(parts: {
    instance: AppInstance;
    instanceId: string;
    wal: UsageWal;
    api: AppApi;
    own: OwnUsageMeter;
    shipper: UsageShipper;
    regrant: (manifest: GpuaasAppManifest, scopes: readonly string[]) => void;
  }) {
    this.instance = parts.instance;
    this.instanceId = parts.instanceId;
    this.#wal = parts.wal;
    this.#api = parts.api;
    this.#own = parts.own;
    this.#shipper = parts.shipper;
    this.#regrant = parts.regrant;
  }

  static async open(options: AppSessionOptions): Promise<AppSession> {
    const { manifest, platform, logger } = options;
    // Refused parameters must not leave a log, a socket and timers behind.
    ParamSet.resolve(manifest, options.params);
    const instanceId = uuidv7();
    const log = logger.child({ instance_id: instanceId });
    const wal = await openUsageWal({ dir: join(options.dataDir, 'usage'), logger: log });
    const credentials = platform?.credentials;
    // Two tokens from one launch account: the runtime ships usage, the app gets what it declared.
    const provider = (scope: string[]) =>
      credentials === undefined
        ? undefined
        : clientCredentialsTokenProvider({
            issuer: credentials.issuer,
            clientId: credentials.client_id,
            clientSecret: credentials.client_secret,
            scope: scope.join(' '),
            ...(credentials.resource === undefined ? {} : { resource: credentials.resource }),
          });
    const runtimeTokens = provider(['usage:write']);
    // The app's token carries what its manifest declares and the tenant granted; an upgrade may
    // change both (regrant), so the provider is swapped rather than fixed at launch.
    const grant: { tokens: ReturnType<typeof provider>; scopes: string[] } = {
      tokens: undefined,
      scopes: [],
    };
    const regrant = (next: GpuaasAppManifest, scopes: readonly string[]) => {
      const granted = appScopes(next, scopes);
      if (granted.join(' ') === grant.scopes.join(' ') && grant.tokens !== undefined) return;
      grant.scopes = granted;
      grant.tokens = granted.length === 0 ? undefined : provider(granted);
    };
    regrant(manifest, credentials?.scopes ?? []);
    let appToken: { token: string; expiresAt: number } | undefined;

    // The API's callbacks reach the instance, which is built once the API's URL is known.
    const ref: { instance?: AppInstance } = {};
    const api = await startAppApi({
      meters: (manifest.meters ?? []).map((m) => ({ name: m.name, unit: m.unit })),
      wal,
      onReady: () => void ref.instance?.markReady(),
      onStatus: (message, progress) => ref.instance?.reportStatus(message, progress),
      ...(credentials === undefined
        ? {}
        : {
            credentials: async () => {
              const tokens = grant.tokens;
              if (tokens === undefined) return undefined;
              const token = await tokens.getToken();
              if (appToken?.token !== token) appToken = { token, expiresAt: tokenExpiry(token) };
              return { token, expires_at: new Date(appToken.expiresAt).toISOString() };
            },
          }),
      ...(options.onUsage === undefined ? {} : { onUsage: options.onUsage }),
      ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }),
      ...(platform === undefined
        ? {}
        : { allocationId: platform.allocation_id, projectId: platform.project_id }),
      logger: log,
    });
    const own = startOwnUsage({
      wal,
      instanceId,
      gpus: gpuCountFromEnv(options.env),
      ...(options.usageIntervalMs === undefined ? {} : { intervalMs: options.usageIntervalMs }),
      ...(platform === undefined
        ? {}
        : { allocationId: platform.allocation_id, projectId: platform.project_id }),
      logger: log,
      ...(options.onUsage === undefined ? {} : { onUsage: options.onUsage }),
    });
    const shipper = createUsageShipper({
      wal,
      allocationId: platform?.allocation_id ?? 'standalone',
      enabled: platform !== undefined,
      ...(platform === undefined ? {} : { baseUrl: platform.url }),
      ...(runtimeTokens === undefined ? {} : { tokenProvider: runtimeTokens }),
      logger: log,
    });
    shipper.start();
    const instance = new AppInstance({
      appDir: options.appDir,
      manifest,
      digest: options.digest,
      params: options.params,
      dataDir: join(options.dataDir, 'instances', instanceId),
      env: { ...options.env, GPUAAS_RUNTIME_URL: api.url },
      logger: log,
      instanceId,
    });
    // Billing runs from ready until the app is gone, through degraded spells and upgrades: the
    // tenant holds the GPUs all along (the instance's contract, which `dev` follows too).
    ref.instance = instance;
    instance.on('ready', () => own.ready());
    instance.on('stopped', () => own.pause());
    return new AppSession({ instance, instanceId, wal, api, own, shipper, regrant });
  }

  /**
   * After an upgrade took: the app's token carries what the new manifest declares and the tenant
   * granted for it (`scopes`: the launch account's scopes as the platform sent them).
   */
  regrant(manifest: GpuaasAppManifest, scopes: readonly string[]): void {
    this.#regrant(manifest, scopes);
  }

  /** Stops the app (if running) and everything around it; idempotent. */
  stop(reason = 'requested'): Promise<void> {
    this.#closed ??= (async () => {
      await this.instance.stop(reason);
      await this.#own.stop();
      await this.#shipper.stop({ flushTimeoutMs: 10_000 });
      await this.#api.close();
      await this.#wal.close();
    })();
    return this.#closed;
  }

  get shipperState() {
    return this.#shipper.state;
  }
}

/** `exp` of a JWT in epoch ms (the app is told when its token expires); now + 5 min when unreadable. */
function tokenExpiry(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
    };
    if (typeof payload.exp === 'number') return payload.exp * 1000;
  } catch {
    // An opaque token: assume a short life.
  }
  return Date.now() + 5 * 60_000;
}
