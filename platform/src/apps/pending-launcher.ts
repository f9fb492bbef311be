/**
 * Launches pending app instances once their allocation runs. It listens for
 * `allocation.state_changed` (this process's changes at once, other processes' through the bus's
 * poller) and sweeps periodically as a backstop, so a platform that restarts, or missed an event,
 * still launches what is pending. Each launch claims the instance (`pending` → `launching`,
 * compare-and-set), so two processes never launch one instance twice.
 *
 * Outcomes: `running` once the runtime accepted it; `failed` with {code, detail} when the launch
 * is refused (the runtime's own code, as `runtime_code` would relay it, else the platform's) or
 * the allocation fails or is released first (ALLOCATION_NOT_RUNNING). A running instance whose
 * allocation ends is `stopped`.
 */
import type { Kysely } from 'kysely';
import { UserDirectory } from '../auth/standing.js';
import type { AllocationState, Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import { creatorPrincipal } from './instance-principal.js';
import { openSecrets } from './instance-secrets.js';
import { currentLaunch, endInstance, instanceRow, moveInstance } from './instance-store.js';
import type { InstanceFailure, InstanceRow } from './instance-store.js';
import type { InstanceServices } from './instance-pending.js';
import { endLaunches, launchInAllocation } from './launcher.js';
import { requestedPermissions, storedManifest } from './versions.js';

/** Allocation states after which nothing launches in it any more. */
const ENDED: readonly AllocationState[] = ['releasing', 'released', 'failed', 'preempted'];
/** A claim older than this (a process died mid-launch) is given back to `pending`. */
const STALE_CLAIM_MS = 15 * 60_000;

export interface PendingLauncherOptions {
  services: InstanceServices;
  bus: EventBus;
  logger: Logger;
  /** How often the backstop sweep runs (default 5 s). */
  sweepIntervalMs?: number;
}

/** The failure an error becomes: the runtime's code unchanged when it refused, else ours. */
export function failureOfError(error: unknown): InstanceFailure {
  const e = error as { code?: unknown; runtimeCode?: unknown; message?: unknown } | null;
  const code =
    typeof e?.runtimeCode === 'string' ? e.runtimeCode : typeof e?.code === 'string' ? e.code : 'INTERNAL';
  const detail = typeof e?.message === 'string' && code !== 'INTERNAL' ? e.message : 'the launch failed';
  return { code, detail };
}

export class PendingLauncher {
  readonly #s: InstanceServices;
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #users: UserDirectory;
  readonly #sweepMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #sweeping = false;

  constructor(options: PendingLauncherOptions) {
    this.#s = options.services;
    this.#db = options.services.db;
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#users = new UserDirectory(this.#db);
    this.#sweepMs = options.sweepIntervalMs ?? 5_000;
  }

  /** Subscribes, and sweeps at once: instances left pending before a restart are found now. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#unsubscribe = this.#bus.subscribe((event) => this.#onEvent(event));
    this.#timer = setInterval(() => this.#track(this.sweep()), this.#sweepMs);
    this.#timer.unref();
    this.#track(this.sweep());
  }

  /** Stops listening and waits for launches under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    // Startable again: it runs only while its instance holds the lease (platform.ts).
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await Promise.allSettled([...this.#inFlight]);
  }

  /** One pass over every live instance whose allocation runs or ended, and stale claims. */
  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const rows = await this.#db
        .selectFrom('app_instances')
        .innerJoin('allocations', 'allocations.id', 'app_instances.allocation_id')
        .selectAll('app_instances')
        .select('allocations.state as allocation_state')
        .where('app_instances.ended_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('app_instances.state', 'in', ['pending', 'launching']),
            eb('allocations.state', 'in', [...ENDED]),
          ]),
        )
        .execute();
      for (const row of rows) {
        if (ENDED.includes(row.allocation_state)) await this.#allocationEnded(row, row.allocation_state);
        else if (row.state === 'pending' && row.allocation_state === 'running') await this.launch(row.id);
        else if (row.state === 'launching') await this.#reclaim(row);
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'sweeping pending app instances failed');
    } finally {
      this.#sweeping = false;
    }
  }

  #onEvent(event: PlatformEvent): void {
    if (event.type !== 'allocation.state_changed') return;
    const allocationId = event.data.allocation_id as string;
    const to = event.data.to as AllocationState;
    if (to !== 'running' && !ENDED.includes(to)) return;
    this.#track(this.#allocationChanged(allocationId, to));
  }

  async #allocationChanged(allocationId: string, to: AllocationState): Promise<void> {
    const rows = await this.#db
      .selectFrom('app_instances')
      .selectAll()
      .where('allocation_id', '=', allocationId)
      .where('ended_at', 'is', null)
      .execute();
    for (const row of rows) {
      if (to === 'running') {
        if (row.state === 'pending') await this.launch(row.id);
      } else {
        await this.#allocationEnded(row, to);
      }
    }
  }

  async #allocationEnded(row: InstanceRow, state: AllocationState): Promise<void> {
    if (row.state === 'running') {
      await endInstance(this.#db, row.id, { state: 'stopped' });
      return;
    }
    await endInstance(this.#db, row.id, {
      state: 'failed',
      failure: {
        code: 'ALLOCATION_NOT_RUNNING',
        detail: `allocation ${row.allocation_id} is ${state}: the app was never launched`,
      },
    });
  }

  /** A claim whose process died: back to pending (or on to running if its launch was recorded). */
  async #reclaim(row: InstanceRow): Promise<void> {
    if (Date.now() - Date.parse(row.updated_at) < STALE_CLAIM_MS) return;
    const launched = await currentLaunch(this.#db, row.id);
    await moveInstance(this.#db, row.id, ['launching'], launched === undefined ? 'pending' : 'running');
  }

  /** Launches the instance if it is pending and its allocation runs; records the outcome. */
  async launch(id: string): Promise<void> {
    const allocation = await this.#db
      .selectFrom('app_instances')
      .innerJoin('allocations', 'allocations.id', 'app_instances.allocation_id')
      .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
      .selectAll('allocations')
      .select(['nodes.status as node_status', 'nodes.runtime_certificate_sha256 as node_certificate_sha256'])
      .where('app_instances.id', '=', id)
      .where('app_instances.state', '=', 'pending')
      .executeTakeFirst();
    if (allocation?.state !== 'running') return;
    if (!(await moveInstance(this.#db, id, ['pending'], 'launching'))) return;
    const row = await instanceRow(this.#db, id);
    if (row === undefined) return;
    try {
      const version = await this.#db
        .selectFrom('app_versions')
        .selectAll()
        .where('id', '=', row.version_id)
        .executeTakeFirstOrThrow();
      const secrets =
        row.sealed_secrets === null ? {} : openSecrets(this.#s.apps.instanceSecrets, id, row.sealed_secrets);
      await launchInAllocation(this.#s, {
        allocation,
        launcher: await creatorPrincipal(this.#db, this.#users, row),
        artifact: version.release_reference ?? `${version.registry}/${version.repository}@${version.digest}`,
        parameters: { ...(JSON.parse(row.parameters) as Record<string, unknown>), ...secrets },
        scopes: requestedPermissions(storedManifest(version)),
        scopesPointer: '/accepted_permissions',
        instanceId: id,
      });
      if (!(await moveInstance(this.#db, id, ['launching'], 'running'))) {
        // Stopped while it launched: its launch period ends too.
        await endLaunches(this.#db, { instanceId: id }, isoTime(), { outcome: { state: 'stopped' } });
      }
    } catch (error) {
      const failure = failureOfError(error);
      if (failure.code === 'INTERNAL')
        this.#logger.error({ err: error, instance_id: id }, 'app launch failed');
      else this.#logger.warn({ instance_id: id, code: failure.code }, 'app instance launch refused');
      await endInstance(this.#db, id, { state: 'failed', failure });
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.#logger.warn({ err: error }, 'launching a pending app instance failed');
    });
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
  }
}
