/**
 * The compute service: allocations from request to release, and the reconciler that enforces what
 * the server promises whatever the agents do — TTLs, idle timeouts, provisioning deadlines and
 * unreachable nodes. The reconciler and the scheduling cycles run on the one instance holding the
 * `scheduler` lease (platform.ts, docs/scale-out.md); each reconciler step is still a conditional
 * update, so a former holder that has not noticed its loss yet changes nothing twice, and the
 * GPU claims of its cycles are fenced by the lease (scheduling.ts).
 */
import { attachVolumes } from '../storage/attachments.js';
import { createHash, randomBytes } from 'node:crypto';
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { principalKey } from '../auth/principal.js';
import { holdPriceAmong, openGpuMeter } from '../billing/gpu-meters.js';
import type { BillingConfig } from '../config-billing.js';
import type { ComputeConfig } from '../config-compute.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { projectAccess } from '../identity/access.js';
import { isoTime, newId } from '../ids.js';
import type { JobLease } from '../leases/runner.js';
import type { Logger } from '../logger.js';
import type { SchedulerBackend } from '../scheduler/index.js';
import {
  MAX_IDLE_TIMEOUT_SECONDS,
  MAX_TTL_SECONDS,
  RecordInvalid,
  parseDurationField,
  storedSeconds,
  storedTime,
} from './bounds.js';
import { nodeStatusEvent } from '../nodes/nodes.js';
import { gpuInventory } from './inventory.js';
import { assertSatisfiable } from './satisfiable.js';
import { Scheduling } from './scheduling.js';
import type { ExternalPlacer, PlacerContext } from './scheduling.js';
import { recordCreation, transition } from './transitions.js';
import { requireAllocation } from './views.js';
import type { AllocationRow } from './views.js';

/** `POST /v1/allocations`'s body, as the contract defines it. */
export type AllocationRequest = components['schemas']['AllocationCreate'];

export function actorOf(principal: Principal): string {
  return principalKey(principal);
}

export class AllocationService {
  readonly scheduling: Scheduling;
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;
  readonly #config: ComputeConfig;
  readonly #billing: BillingConfig;
  readonly #logger: Logger;
  readonly #nudgers = new Map<string, () => void>();
  readonly #volumeSource: ((volumeId: string) => string) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconciling = false;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: {
    db: Kysely<Tables>;
    bus: EventBus;
    config: ComputeConfig;
    billing: BillingConfig;
    logger: Logger;
    backend: SchedulerBackend;
    /** Where a volume is on its node (the storage backend's mount), for allocations that attach volumes. */
    volumeSource?: (volumeId: string) => string;
    /** The `scheduler` lease (scheduling.ts); none: this service schedules whenever asked. */
    lease?: JobLease;
    /** Placement by another system instead of `backend` (`--scheduler slurm`), given this service. */
    placer?: (context: PlacerContext) => ExternalPlacer;
  }) {
    this.#volumeSource = deps.volumeSource;
    this.#db = deps.db;
    this.#bus = deps.bus;
    this.#config = deps.config;
    this.#billing = deps.billing;
    this.#logger = deps.logger;
    this.scheduling = new Scheduling({
      db: deps.db,
      bus: deps.bus,
      backend: deps.backend,
      logger: deps.logger,
      provisioningTimeoutSeconds: deps.config.provisioningTimeoutSeconds,
      defaultQuota: deps.config.defaultQuota,
      onPlaced: (nodes) => {
        for (const id of nodes) this.nudge(id);
      },
      lease: deps.lease,
      placer: deps.placer?.({
        db: deps.db,
        bus: deps.bus,
        logger: deps.logger,
        provisioningTimeoutSeconds: deps.config.provisioningTimeoutSeconds,
        lease: deps.lease,
        nudge: (nodeId) => this.nudge(nodeId),
        release: (id, reason) => this.release(id, 'system', reason),
      }),
    });
  }

  get bus(): EventBus {
    return this.#bus;
  }

  /** Lets an in-process agent be told at once that its node has work (else it waits a heartbeat). */
  registerNudger(nodeId: string, nudge: () => void): () => void {
    this.#nudgers.set(nodeId, nudge);
    return () => this.#nudgers.delete(nodeId);
  }

  nudge(nodeId: string | null): void {
    if (nodeId !== null) this.#nudgers.get(nodeId)?.();
  }

  /**
   * Starts the reconciler (every `reconcileIntervalMs`; each pass ends with a scheduling cycle),
   * and places what other instances queue as soon as their `allocation.state_changed` event
   * reaches this one (the bus polls every 250 ms) rather than at the next pass.
   */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.reconcile(), this.#config.reconcileIntervalMs);
    this.#timer.unref();
    this.#unsubscribe = this.#bus.subscribe((event) => {
      // trigger() coalesces: a burst of creates is one cycle, and its failures are the cycle's to log.
      if (event.type === 'allocation.state_changed' && event.data.to === 'queued') {
        this.scheduling.trigger().catch(() => undefined);
      }
    });
  }

  /** Stops the reconciler only (the `scheduler` lease was lost); the service keeps serving. */
  stopReconciling(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  stop(): void {
    this.stopReconciling();
    this.#bus.stop();
  }

  /** `inTransaction` runs in the transaction that inserts the allocation (the HTTP layer notes it). */
  async create(
    principal: Principal,
    body: AllocationRequest,
    inTransaction?: (trx: Kysely<Tables>, id: string) => Promise<void>,
  ): Promise<AllocationRow> {
    await projectAccess(this.#db, principal, body.project_id, 'member');
    // The catalog and the inventory are read once for the whole check (models, fit, hold price).
    const inventory = await gpuInventory(this.#db);
    const skus = await this.#db
      .selectFrom('gpu_skus')
      .select(['id', 'model', 'memory_gib', 'price_micros'])
      .orderBy('id')
      .execute();
    const models = this.#resolveModels(body.gpus.models ?? [], skus, inventory.models);
    await assertSatisfiable(
      this.#db,
      {
        count: body.gpus.count,
        models,
        minMemoryMib: (body.gpus.min_memory_gib ?? 0) * 1024,
        topology: body.gpus.topology ?? 'node',
      },
      { inventory, skus },
    );
    const ttl = body.ttl === undefined ? null : parseDurationField(body.ttl, 'ttl', MAX_TTL_SECONDS);
    const idle =
      body.idle_timeout === undefined
        ? null
        : parseDurationField(body.idle_timeout, 'idle_timeout', MAX_IDLE_TIMEOUT_SECONDS);
    const id = newId();
    const now = isoTime();
    const actor = actorOf(principal);
    const price = holdPriceAmong(skus, inventory.models, models);
    const event = await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('allocations')
        .values({
          id,
          project_id: body.project_id,
          name: body.name ?? null,
          created_by: actor,
          state: 'queued',
          state_reason: 'created',
          pending_reason: null,
          pending_message: null,
          priority: body.priority ?? 100,
          gpu_count: body.gpus.count,
          models: JSON.stringify(models),
          min_memory_mib: body.gpus.min_memory_gib === undefined ? null : body.gpus.min_memory_gib * 1024,
          topology: body.gpus.topology ?? 'node',
          node_id: null,
          gpus: '[]',
          ttl_seconds: ttl,
          expires_at: null,
          idle_timeout_seconds: idle,
          last_activity_at: null,
          provisioning_deadline: null,
          endpoint: null,
          runtime_secret: null,
          torn_down: 1,
          released_at: null,
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
      // The first interval is held now (402 INSUFFICIENT_FUNDS rolls the allocation back), but
      // charged only from `running`: queued and provisioning time is free. The hold locks the
      // platform's revenue account until the commit; it comes before the create's other writes
      // because the other transactions that lock that account (settlements, releases) take it
      // first too: taken later, creates deadlocked with them (concurrency.test.ts on PostgreSQL).
      await openGpuMeter(trx, {
        allocationId: id,
        projectId: body.project_id,
        currency: this.#billing.currency,
        gpuCount: body.gpus.count,
        intervalSeconds: this.#billing.intervalSeconds,
        holdPriceMicros: price,
        at: now,
      });
      const volumes = body.volumes ?? [];
      if (volumes.length > 0) {
        const hostPath = this.#volumeSource;
        if (hostPath === undefined) {
          throw new PlatformError('VOLUME_NOT_AVAILABLE', 'this platform has no storage backend');
        }
        await attachVolumes(trx, {
          projectId: body.project_id,
          allocationId: id,
          requests: volumes,
          hostPath,
        });
      }
      await inTransaction?.(trx, id);
      return recordCreation(trx, this.#bus, { id, project_id: body.project_id }, actor);
    });
    this.#bus.deliver(event);
    // The allocation exists now: a cycle that fails (logged by the cycle) leaves it queued for
    // the next one, and must not turn the create into a 5xx a client would retry into a second.
    await this.scheduling.trigger().catch(() => undefined);
    return requireAllocation(this.#db, id);
  }

  /** Idempotent: releasing a finished allocation returns it unchanged. */
  async release(id: string, actor: string, reason = 'released_by_user'): Promise<AllocationRow> {
    const events: PlatformEvent[] = [];
    await requireAllocation(this.#db, id);
    // The target follows the state at the moment of the change, not an earlier read: a queued
    // allocation placed meanwhile is released through its node instead.
    await this.#db.transaction().execute(async (trx) => {
      const outcome =
        (await transition(trx, this.#bus, { id, to: 'released', from: ['queued'], reason, actor })) ??
        (await transition(trx, this.#bus, { id, to: 'releasing', reason, actor, patch: { torn_down: 0 } }));
      if (outcome !== undefined) events.push(outcome.event);
    });
    for (const event of events) this.#bus.deliver(event);
    const row = await requireAllocation(this.#db, id);
    this.nudge(row.node_id);
    // A queued request left the queue: what waited behind it may fit now.
    if (events.some((e) => e.data.from === 'queued')) void this.scheduling.trigger();
    return row;
  }

  /** Mints a single-use terminal token; only its hash is stored. */
  async mintTerminalToken(principal: Principal, allocationId: string, command: string[] | undefined) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = isoTime(Date.now() + this.#config.terminalTokenTtlSeconds * 1000);
    await this.#db
      .insertInto('terminal_tokens')
      .values({
        token_hash: hashToken(token),
        allocation_id: allocationId,
        principal: principalKey(principal),
        command: command === undefined ? null : JSON.stringify(command),
        created_at: isoTime(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    return { token, expiresAt };
  }

  /** One reconciler pass; safe to run on every instance at once. */
  async reconcile(): Promise<void> {
    if (this.#reconciling) return;
    this.#reconciling = true;
    try {
      const now = Date.now();
      const nowIso = isoTime(now);
      await this.#markUnreachable(isoTime(now - this.#config.nodeUnreachableSeconds * 1000));
      const expired = await this.#db
        .selectFrom('allocations')
        .select([
          'id',
          'state',
          'expires_at',
          'idle_timeout_seconds',
          'last_activity_at',
          'provisioning_deadline',
        ])
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'running'), eb('expires_at', '<=', nowIso)]),
            eb.and([eb('state', '=', 'running'), eb('idle_timeout_seconds', 'is not', null)]),
            eb.and([
              eb('state', 'in', ['scheduled', 'provisioning']),
              eb('provisioning_deadline', '<=', nowIso),
            ]),
          ]),
        )
        .execute();
      // Each allocation on its own: one that cannot be reconciled must not stall the others.
      for (const a of expired) {
        try {
          if (a.state !== 'running') {
            await this.#fail(a.id, 'provisioning_timeout');
          } else if (a.expires_at !== null && a.expires_at <= nowIso) {
            await this.release(a.id, 'system', 'ttl_expired');
          } else if (a.idle_timeout_seconds !== null && a.last_activity_at !== null) {
            const idleSince = storedTime(a.last_activity_at, 'last_activity_at');
            if (idleSince + storedSeconds(a.idle_timeout_seconds, 'idle_timeout_seconds') * 1000 <= now) {
              await this.release(a.id, 'system', 'idle_timeout');
            }
          }
        } catch (error) {
          await this.#failInvalid(a.id, error);
        }
      }
      await this.scheduling.trigger();
    } catch (error) {
      this.#logger.warn({ err: error }, 'reconciling allocations failed');
    } finally {
      this.#reconciling = false;
    }
  }

  /**
   * What a loop does when one allocation breaks it: a malformed record (RecordInvalid) fails that
   * allocation with the reason; anything else is logged and retried on the next pass.
   */
  async #failInvalid(id: string, error: unknown): Promise<void> {
    if (!(error instanceof RecordInvalid)) {
      this.#logger.error({ err: error, allocation_id: id }, 'reconciling one allocation failed');
      return;
    }
    this.#logger.error(
      { allocation_id: id, field: error.field },
      `allocation record invalid: ${error.message}`,
    );
    try {
      await this.#fail(id, error.reason);
    } catch (failure) {
      this.#logger.error({ err: failure, allocation_id: id }, 'failing an invalid allocation failed');
    }
  }

  async #fail(id: string, reason: string): Promise<void> {
    const row = await requireAllocation(this.#db, id);
    const outcome = await this.#db
      .transaction()
      .execute((trx) =>
        transition(trx, this.#bus, { id, to: 'failed', reason, actor: 'system', patch: { torn_down: 0 } }),
      );
    if (outcome !== undefined) this.#bus.deliver(outcome.event);
    this.nudge(row.node_id);
  }

  async #markUnreachable(silentSince: string): Promise<void> {
    const stale = await this.#db
      .selectFrom('nodes')
      .select(['id'])
      .where('status', '=', 'ready')
      .where('last_heartbeat_at', '<', silentSince)
      .execute();
    for (const node of stale) {
      const event = await this.#db.transaction().execute(async (trx) => {
        const changed = await trx
          .updateTable('nodes')
          .set({ status: 'unreachable', updated_at: isoTime() })
          .where('id', '=', node.id)
          .where('status', '=', 'ready')
          .where('last_heartbeat_at', '<', silentSince)
          .executeTakeFirst();
        if (changed.numUpdatedRows !== 1n) return undefined;
        const held = await trx
          .selectFrom('allocations')
          .select(['id', 'project_id'])
          .where('node_id', '=', node.id)
          .where('state', 'in', ['scheduled', 'provisioning', 'running', 'releasing'])
          .execute();
        // Each affected allocation is surfaced to its project's subscribers, never dropped.
        const perAllocation = [];
        for (const a of held) {
          perAllocation.push(
            await this.#bus.publish(trx, {
              type: 'allocation.node_unreachable',
              subject: `allocation/${a.id}`,
              project_id: a.project_id,
              data: { allocation_id: a.id, node_id: node.id },
            }),
          );
        }
        return [await nodeStatusEvent(trx, this.#bus, node.id, 'ready', 'unreachable'), ...perAllocation];
      });
      for (const e of event ?? []) this.#bus.deliver(e);
      if (event !== undefined)
        this.#logger.warn({ node_id: node.id }, 'node missed its heartbeats: unreachable');
    }
  }

  #resolveModels(
    requested: string[],
    skus: readonly { id: string; model: string }[],
    fleetModels: readonly string[],
  ): string[] {
    if (requested.length === 0) return [];
    const known = fleetModels.map((model) => ({ model }));
    const models: string[] = [];
    for (const wanted of requested) {
      const sku = skus.find(
        (s) => s.id === wanted.toLowerCase() || s.model.toLowerCase() === wanted.toLowerCase(),
      );
      const raw = known.find((k) => k.model.toLowerCase() === wanted.toLowerCase());
      const model = sku?.model ?? raw?.model;
      if (model === undefined) {
        throw new PlatformError(
          'MODEL_UNKNOWN',
          `GPU model "${wanted}" is not in the catalog; known: ${skus.map((s) => s.id).join(', ')}`,
          {
            errors: [
              { in: 'body', pointer: `/gpus/models/${requested.indexOf(wanted)}`, detail: 'unknown model' },
            ],
          },
        );
      }
      if (!models.includes(model)) models.push(model);
    }
    return models;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
