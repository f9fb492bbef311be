/**
 * Options a caller gives `createPlatform`, compiled into one complete, validated configuration
 * with every default filled in (the rest of the code never checks for `undefined` options).
 */
import { resolve } from 'node:path';
import type { DestinationStream, Level } from 'pino';
import type { TrustedIssuer } from './auth/external.js';
import { compileBilling, priceCatalogIn } from './config-billing.js';
import { parseMoney } from './billing/money.js';
import type { BillingConfig, BillingOptions } from './config-billing.js';
import { compileCompute, compileLocalNode } from './config-compute.js';
import type { ComputeConfig, ComputeOptions, LocalNodeConfig, LocalNodeOptions } from './config-compute.js';

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in seconds (fixed windows aligned to the epoch). */
  windowSeconds: number;
}

export interface PlatformOptions {
  /** Data folder: SQLite file, key-encryption secret (default `./.gpuaas`). */
  dataDir?: string;
  /** `postgres://…` to run on PostgreSQL; omitted: SQLite under `dataDir`. */
  databaseUrl?: string | undefined;
  /**
   * The public base URL, used as the token issuer. Several instances behind one address must all
   * be given the same value. Omitted: the URL `listen()` binds to.
   */
  publicUrl?: string | undefined;
  /** Audience of the platform's access tokens (default `gpuaas-api`). */
  audience?: string;
  /**
   * 32-byte key (base64url) that encrypts signing keys at rest; every instance on one database
   * needs the same. Omitted: `GPUAAS_SECRET_KEY`, else `<dataDir>/secret.key` (created 0600).
   */
  secretKey?: string | undefined;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Lifetime of access tokens the platform issues, in seconds (default 900). */
  accessTokenTtlSeconds?: number;
  rateLimit?: {
    enabled?: boolean;
    /** Per credential (default 1200 per 60 s). */
    authenticated?: Partial<RateLimitPolicy>;
    /** Per client IP when no token is given (default 120 per 60 s). */
    anonymous?: Partial<RateLimitPolicy>;
    /**
     * Per credential, for requests relayed to apps' endpoints (default 6000 per 60 s): the apps'
     * own traffic, counted apart so it neither spends nor is held to the API's budget.
     */
    relay?: Partial<RateLimitPolicy>;
  };
  idempotency?: {
    /** How long a stored response is replayed (default 24 h). */
    ttlSeconds?: number;
    /** After this long an in-flight request is presumed dead and its key may be retried (default 60 s). */
    lockTimeoutSeconds?: number;
  };
  /** Check every JSON response against the OpenAPI document (default `throw` under tests, else `off`). */
  validateResponses?: 'off' | 'warn' | 'throw';
  log?: {
    level?: Level | 'silent';
    /** Where log lines go (default: stdout, asynchronously). */
    destination?: DestinationStream;
  };
  /** Collect the process's default Prometheus metrics (default true). */
  defaultMetrics?: boolean;
  /** Express `trust proxy` setting, for the client IP behind a load balancer (default false). */
  trustProxy?: boolean | number | string;
  /** Interval of the sweeper that deletes expired idempotency keys and rate-limit windows (default 60 s). */
  sweepIntervalSeconds?: number;
  /** External OpenID issuers whose tokens are accepted (docs/auth.md). */
  trustedIssuers?: readonly TrustedIssuer[];
  /** Catalog, heartbeats, deadlines and quotas (docs/allocations.md). */
  compute?: ComputeOptions;
  /**
   * The node agent started inside the platform. Default: on for embedded defaults (no
   * `databaseUrl`), off otherwise; `false` turns it off.
   */
  localNode?: LocalNodeOptions | false;
  /** Currency, starter credit, GPU-time intervals and enforcement (docs/billing.md). */
  billing?: BillingOptions;
  /** Volumes (docs/storage.md). */
  storage?: StorageOptions;
  /** Leases on the background work that runs on one instance at a time (docs/scale-out.md). */
  leases?: LeaseOptions;
}

export interface LeaseOptions {
  /** How long a lease outlives its holder's last heartbeat, in ms (default 10 000; renewed every third). */
  ttlMs?: number;
  /**
   * This process is the only instance on its database (`serve` holding the SQLite instance
   * lock): leases a crashed process left are taken at once instead of after their expiry.
   */
  sole?: boolean;
  /**
   * false: take no lease and run no background work, for a short-lived command over the
   * database (`gpuaas-platform token`, `users add`) beside the servers (default true).
   */
  background?: boolean;
}

export interface StorageOptions {
  /**
   * `image`: a loop-mounted ext4 image per volume (needs root); `folder`: plain folders without a
   * size limit; `auto` (the default, but `folder` under tests): `image` where it works.
   */
  mode?: 'auto' | 'image' | 'folder';
  /** Default per-project quota (operators may set one per project). */
  quota?: { maxGib?: number; maxVolumes?: number; maxSnapshots?: number };
  /** Price of one GiB of volume or snapshot for a month of 730 hours, decimal text (default `0.10`). */
  pricePerGibMonth?: string;
  /** How often the storage rater charges what accrued (default 60 s). */
  raterIntervalSeconds?: number;
}

/** The complete configuration. */
export interface PlatformConfig {
  dataDir: string;
  storage: {
    mode: 'auto' | 'image' | 'folder';
    quota: { maxGib: number; maxVolumes: number; maxSnapshots: number };
    /** Micros per GiB-month. */
    pricePerGibMonth: bigint;
    raterIntervalSeconds: number;
  };
  databaseUrl: string | undefined;
  publicUrl: string | undefined;
  audience: string;
  secretKey: string | undefined;
  bodyLimitBytes: number;
  accessTokenTtlSeconds: number;
  rateLimit: {
    enabled: boolean;
    authenticated: RateLimitPolicy;
    anonymous: RateLimitPolicy;
    relay: RateLimitPolicy;
  };
  idempotency: { ttlSeconds: number; lockTimeoutSeconds: number };
  validateResponses: 'off' | 'warn' | 'throw';
  log: { level: Level | 'silent'; destination: DestinationStream | undefined };
  defaultMetrics: boolean;
  trustProxy: boolean | number | string;
  sweepIntervalSeconds: number;
  trustedIssuers: TrustedIssuer[];
  compute: ComputeConfig;
  localNode: LocalNodeConfig | undefined;
  billing: BillingConfig;
  leases: { ttlMs: number; sole: boolean; background: boolean };
}

export interface CompileResult {
  value: PlatformConfig | undefined;
  errors: string[];
  warnings: string[];
}

/** `storage.pricePerGibMonth` as micros (decimal text, at most six decimals). */
function storagePrice(text: string | undefined, errors: string[]): bigint {
  try {
    return parseMoney(text ?? '0.10');
  } catch {
    errors.push(`storage.pricePerGibMonth must be a decimal amount such as 0.10 (got "${String(text)}")`);
    return 0n;
  }
}

function underTest(env: NodeJS.ProcessEnv): boolean {
  return env.VITEST !== undefined || env.NODE_ENV === 'test';
}

/**
 * Fills in defaults and checks ranges. Returns `{ value, errors, warnings }`; `value` is undefined
 * when there are errors.
 */
export function compileOptions(
  options: PlatformOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): CompileResult {
  const errors: string[] = [];
  const warnings: string[] = [];

  const positive = (
    name: string,
    value: number | undefined,
    fallback: number,
    max = Number.MAX_SAFE_INTEGER,
  ) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1 || v > max) {
      errors.push(`${name} must be an integer from 1 to ${max} (got ${String(value)})`);
    }
    return v;
  };

  let publicUrl = options.publicUrl;
  if (publicUrl !== undefined) {
    try {
      const url = new URL(publicUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
        warnings.push(
          `publicUrl ${publicUrl} is plain http on a non-loopback host: tokens travel unencrypted`,
        );
      }
      publicUrl = url.toString().replace(/\/$/, '');
    } catch {
      errors.push(`publicUrl must be an absolute http(s) URL (got "${publicUrl}")`);
    }
  }

  if (options.databaseUrl !== undefined && !/^(postgres(ql)?:\/\/|sqlite:)/.test(options.databaseUrl)) {
    errors.push('databaseUrl must start with postgres://, postgresql:// or sqlite:');
  }

  const secretKey = options.secretKey ?? env.GPUAAS_SECRET_KEY;
  if (secretKey !== undefined && Buffer.from(secretKey, 'base64url').length !== 32) {
    errors.push('secretKey (GPUAAS_SECRET_KEY) must be 32 bytes in base64url');
  }

  const trustedIssuers: TrustedIssuer[] = [];
  for (const [i, trusted] of (options.trustedIssuers ?? []).entries()) {
    if (!URL.canParse(trusted.issuer) || !/^https?:$/.test(new URL(trusted.issuer).protocol)) {
      errors.push(`trustedIssuers[${i}].issuer must be an absolute http(s) URL (got "${trusted.issuer}")`);
    } else if (trusted.audience === '') {
      errors.push(`trustedIssuers[${i}].audience must not be empty`);
    } else {
      trustedIssuers.push({ ...trusted });
    }
  }

  const rl = options.rateLimit ?? {};
  const billing = compileBilling(options.billing ?? {}, positive, errors);
  const compute = compileCompute(options.compute ?? {}, positive, errors);
  compute.catalog = priceCatalogIn(compute.catalog, billing.currency, errors);
  const config: PlatformConfig = {
    dataDir: resolve(options.dataDir ?? '.gpuaas'),
    storage: {
      mode: options.storage?.mode ?? (underTest(env) ? 'folder' : 'auto'),
      quota: {
        maxGib: positive('storage.quota.maxGib', options.storage?.quota?.maxGib, 1024, 1_000_000_000),
        maxVolumes: positive('storage.quota.maxVolumes', options.storage?.quota?.maxVolumes, 20, 1_000_000),
        maxSnapshots: positive(
          'storage.quota.maxSnapshots',
          options.storage?.quota?.maxSnapshots,
          50,
          1_000_000,
        ),
      },
      pricePerGibMonth: storagePrice(options.storage?.pricePerGibMonth, errors),
      raterIntervalSeconds: positive(
        'storage.raterIntervalSeconds',
        options.storage?.raterIntervalSeconds,
        60,
        86_400,
      ),
    },
    databaseUrl: options.databaseUrl,
    publicUrl,
    audience: options.audience ?? 'gpuaas-api',
    secretKey,
    bodyLimitBytes: positive('bodyLimitBytes', options.bodyLimitBytes, 1024 * 1024, 64 * 1024 * 1024),
    accessTokenTtlSeconds: positive('accessTokenTtlSeconds', options.accessTokenTtlSeconds, 900, 86_400),
    rateLimit: {
      enabled: rl.enabled ?? true,
      authenticated: {
        limit: positive('rateLimit.authenticated.limit', rl.authenticated?.limit, 1200),
        windowSeconds: positive(
          'rateLimit.authenticated.windowSeconds',
          rl.authenticated?.windowSeconds,
          60,
          86_400,
        ),
      },
      anonymous: {
        limit: positive('rateLimit.anonymous.limit', rl.anonymous?.limit, 120),
        windowSeconds: positive('rateLimit.anonymous.windowSeconds', rl.anonymous?.windowSeconds, 60, 86_400),
      },
      relay: {
        limit: positive('rateLimit.relay.limit', rl.relay?.limit, 6000),
        windowSeconds: positive('rateLimit.relay.windowSeconds', rl.relay?.windowSeconds, 60, 86_400),
      },
    },
    idempotency: {
      ttlSeconds: positive('idempotency.ttlSeconds', options.idempotency?.ttlSeconds, 86_400),
      lockTimeoutSeconds: positive(
        'idempotency.lockTimeoutSeconds',
        options.idempotency?.lockTimeoutSeconds,
        60,
      ),
    },
    validateResponses: options.validateResponses ?? (underTest(env) ? 'throw' : 'off'),
    log: { level: options.log?.level ?? 'info', destination: options.log?.destination },
    defaultMetrics: options.defaultMetrics ?? true,
    trustProxy: options.trustProxy ?? false,
    sweepIntervalSeconds: positive('sweepIntervalSeconds', options.sweepIntervalSeconds, 60),
    trustedIssuers,
    compute,
    localNode: compileLocalNode(options.localNode, options.databaseUrl === undefined),
    billing,
    leases: {
      ttlMs: positive('leases.ttlMs', options.leases?.ttlMs, 10_000, 600_000),
      sole: options.leases?.sole ?? false,
      background: options.leases?.background ?? true,
    },
  };
  if (config.idempotency.ttlSeconds < 86_400) {
    warnings.push('idempotency.ttlSeconds is below 24 h: clients retrying later may repeat side effects');
  }
  if (!config.rateLimit.enabled) warnings.push('rate limiting is disabled');
  return { value: errors.length === 0 ? config : undefined, errors, warnings };
}
