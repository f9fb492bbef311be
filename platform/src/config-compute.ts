/**
 * Options of the compute side: the GPU catalog, node heartbeats, allocation deadlines, quotas and
 * the local node agent the platform starts on embedded defaults.
 */
import { compileScheduler } from './config-scheduler.js';
import type { SchedulerConfig, SchedulerOptions } from './config-scheduler.js';
import type { SandboxLimitsConfig } from '@gpuaas/node-agent';

/** One GPU SKU on offer. GPUs reported by node agents belong to the SKU whose `model` they name. */
export interface GpuSkuSpec {
  /** Stable id, e.g. `h100-80gb`. */
  id: string;
  /** The model name exactly as `nvidia-smi --query-gpu=name` prints it. */
  model: string;
  memoryGib: number;
  interconnect: string;
  /** Price per GPU-hour in integer micro-units (1 USD = 1_000_000). */
  pricePerGpuHourMicros: bigint | number;
  /** ISO 4217 (default USD). */
  currency?: string;
  regions: readonly string[];
}

/** The default catalog: list prices of common data-centre GPUs. */
export const DEFAULT_SKUS: readonly GpuSkuSpec[] = [
  {
    id: 'h100-80gb',
    model: 'NVIDIA H100 80GB HBM3',
    memoryGib: 80,
    interconnect: 'nvlink',
    pricePerGpuHourMicros: 2_490_000n,
    regions: ['local'],
  },
  {
    id: 'h200-141gb',
    model: 'NVIDIA H200',
    memoryGib: 141,
    interconnect: 'nvlink',
    pricePerGpuHourMicros: 3_590_000n,
    regions: ['local'],
  },
  {
    id: 'a100-80gb',
    model: 'NVIDIA A100-SXM4-80GB',
    memoryGib: 80,
    interconnect: 'nvlink',
    pricePerGpuHourMicros: 1_790_000n,
    regions: ['local'],
  },
  {
    id: 'l40s-48gb',
    model: 'NVIDIA L40S',
    memoryGib: 48,
    interconnect: 'pcie',
    pricePerGpuHourMicros: 990_000n,
    regions: ['local'],
  },
];

/** A simulated node inventory for the local agent: `nodes` × `gpusPerNode` GPUs of `model`. */
export interface SimulatedNodes {
  nodes: number;
  gpusPerNode: number;
  model: string;
  memoryMib: number;
  /** GPUs per NVLink domain (default: the whole node). */
  nvlinkDomainSize?: number;
}

export interface LocalNodeOptions {
  /** Name of the (first) node (default `local`; simulated nodes get `-1`, `-2`…). */
  name?: string;
  /**
   * `auto` (default): real GPUs when `nvidia-smi` answers, else `simulated`.
   */
  gpus?: 'auto' | 'nvidia' | 'simulated';
  /** Default: two nodes × eight H100 80 GB. */
  simulated?: SimulatedNodes;
  /** Allocation sandbox: `auto` uses bubblewrap when `bwrap` is installed (default). */
  sandbox?: 'auto' | 'bubblewrap' | 'none';
  /** What each sandbox may use, per GPU (defaults in docs/security.md). */
  limits?: Partial<SandboxLimitsConfig>;
  /**
   * More host:port destinations the runtimes may reach through the egress tunnel, besides the
   * platform and the trust policy's registries (e.g. a registry behind a `**` scope).
   */
  runtimeEgress?: string[];
}

export interface ComputeOptions {
  catalog?: readonly GpuSkuSpec[];
  /** How often node agents are asked to heartbeat (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /** A node silent this long becomes `unreachable` (default 15 s). */
  nodeUnreachableSeconds?: number;
  /** An allocation not running this long after placement fails and frees its GPUs (default 120 s). */
  provisioningTimeoutSeconds?: number;
  /** Period of the reconciler: deadlines, TTLs, idle timeouts, unreachable nodes, retries (default 1000 ms). */
  reconcileIntervalMs?: number;
  /** Quota of projects without their own (default: none, i.e. unlimited). */
  defaultQuota?: { nominalGpus: number; maxGpus: number } | null;
  /** Lifetime of terminal tokens (default and maximum 60 s). */
  terminalTokenTtlSeconds?: number;
  /**
   * The trust policy runtimes apply to every app launched through the platform (docs/trust-policy.md),
   * as self-contained YAML/JSON text (keys inline as PEM). Without one, the platform launches no app.
   */
  appTrustPolicy?: string;
  /**
   * The file `appTrustPolicy` came from (`serve --app-trust-policy FILE`): re-read when it changes,
   * so operators change keys and rules without a restart (apps/policy-file.ts).
   */
  appTrustPolicyFile?: string;
  /**
   * Sigstore's trusted root (trusted_root.json, parsed): with it, publishers' keyless identities
   * verify at registration and in the trust policies the platform issues for launches.
   */
  sigstoreTrustedRoot?: unknown;
  /** Who places allocations: the in-process scheduler (default) or Slurm (docs/slurm.md). */
  scheduler?: SchedulerOptions;
}

export interface ComputeConfig {
  catalog: GpuSkuSpec[];
  heartbeatIntervalMs: number;
  nodeUnreachableSeconds: number;
  provisioningTimeoutSeconds: number;
  reconcileIntervalMs: number;
  defaultQuota: { nominalGpus: number; maxGpus: number } | null;
  terminalTokenTtlSeconds: number;
  appTrustPolicy: string | undefined;
  appTrustPolicyFile: string | undefined;
  sigstoreTrustedRoot: unknown;
  scheduler: SchedulerConfig;
}

export interface LocalNodeConfig {
  name: string;
  gpus: 'auto' | 'nvidia' | 'simulated';
  simulated: Required<SimulatedNodes>;
  sandbox: 'auto' | 'bubblewrap' | 'none';
  limits: Partial<SandboxLimitsConfig>;
  runtimeEgress: string[];
}

type Check = (name: string, value: number | undefined, fallback: number, max?: number) => number;

export function compileCompute(options: ComputeOptions, positive: Check, errors: string[]): ComputeConfig {
  const catalog = [...(options.catalog ?? DEFAULT_SKUS)];
  const ids = new Set<string>();
  const models = new Set<string>();
  for (const [i, sku] of catalog.entries()) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(sku.id))
      errors.push(`compute.catalog[${i}].id must be a lower-case name`);
    if (ids.has(sku.id)) errors.push(`compute.catalog[${i}].id "${sku.id}" is listed twice`);
    if (models.has(sku.model)) errors.push(`compute.catalog[${i}].model "${sku.model}" is listed twice`);
    ids.add(sku.id);
    models.add(sku.model);
    const price = BigInt(sku.pricePerGpuHourMicros);
    if (typeof sku.pricePerGpuHourMicros === 'number' && !Number.isSafeInteger(sku.pricePerGpuHourMicros)) {
      errors.push(`compute.catalog[${i}].pricePerGpuHourMicros must be an integer number of micro-units`);
    } else if (price < 0n) {
      errors.push(`compute.catalog[${i}].pricePerGpuHourMicros must not be negative`);
    }
  }
  const quota = options.defaultQuota ?? null;
  if (quota !== null && (quota.nominalGpus < 0 || quota.maxGpus < quota.nominalGpus)) {
    errors.push('compute.defaultQuota needs 0 ≤ nominalGpus ≤ maxGpus');
  }
  return {
    catalog,
    heartbeatIntervalMs: positive('compute.heartbeatIntervalMs', options.heartbeatIntervalMs, 1000, 600_000),
    nodeUnreachableSeconds: positive(
      'compute.nodeUnreachableSeconds',
      options.nodeUnreachableSeconds,
      15,
      86_400,
    ),
    provisioningTimeoutSeconds: positive(
      'compute.provisioningTimeoutSeconds',
      options.provisioningTimeoutSeconds,
      120,
      86_400,
    ),
    reconcileIntervalMs: positive('compute.reconcileIntervalMs', options.reconcileIntervalMs, 1000, 600_000),
    defaultQuota: quota,
    terminalTokenTtlSeconds: positive(
      'compute.terminalTokenTtlSeconds',
      options.terminalTokenTtlSeconds,
      60,
      60,
    ),
    appTrustPolicy: options.appTrustPolicy,
    appTrustPolicyFile: options.appTrustPolicyFile,
    sigstoreTrustedRoot: options.sigstoreTrustedRoot,
    scheduler: compileScheduler(options.scheduler, errors),
  };
}

export function compileLocalNode(
  options: LocalNodeOptions | false | undefined,
  embedded: boolean,
): LocalNodeConfig | undefined {
  if (options === false || (options === undefined && !embedded)) return undefined;
  const o = options ?? {};
  return {
    name: o.name ?? 'local',
    gpus: o.gpus ?? 'auto',
    simulated: {
      nodes: 2,
      gpusPerNode: 8,
      model: 'NVIDIA H100 80GB HBM3',
      memoryMib: 81_559,
      nvlinkDomainSize: o.simulated?.gpusPerNode ?? 8,
      ...o.simulated,
    },
    sandbox: o.sandbox ?? 'auto',
    limits: o.limits ?? {},
    runtimeEgress: o.runtimeEgress ?? [],
  };
}
