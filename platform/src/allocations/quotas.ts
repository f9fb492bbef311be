/**
 * Project quotas: GPUs a project is guaranteed (`nominal_gpus`) and may reach by borrowing
 * (`max_gpus`). Anyone who may see the project reads its quota; only operators set one, and the
 * scheduler applies it on its next cycle.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { ComputeConfig } from '../config-compute.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { isOperator, projectAccess } from '../identity/access.js';
import { isoTime } from '../ids.js';
import type { AllocationService } from './service.js';

type Quota = components['schemas']['Quota'];

export class QuotaService {
  readonly #db: Kysely<Tables>;
  readonly #compute: AllocationService;
  readonly #defaultQuota: ComputeConfig['defaultQuota'];

  constructor(deps: {
    db: Kysely<Tables>;
    compute: AllocationService;
    defaultQuota: ComputeConfig['defaultQuota'];
  }) {
    this.#db = deps.db;
    this.#compute = deps.compute;
    this.#defaultQuota = deps.defaultQuota;
  }

  async get(principal: Principal, projectId: string): Promise<Quota> {
    await projectAccess(this.#db, principal, projectId, 'viewer');
    return this.#view(projectId);
  }

  /** Sets the project's quota (operators only); VALIDATION_FAILED when `max_gpus < nominal_gpus`. */
  async set(
    principal: Principal,
    projectId: string,
    input: components['schemas']['QuotaUpdate'],
  ): Promise<Quota> {
    if (!isOperator(principal)) throw new PlatformError('FORBIDDEN', 'only operators may set quotas');
    await projectAccess(this.#db, principal, projectId, 'viewer');
    const { nominal_gpus, max_gpus } = input;
    if (max_gpus < nominal_gpus) {
      throw new PlatformError('VALIDATION_FAILED', 'max_gpus must be at least nominal_gpus', {
        errors: [{ in: 'body', pointer: '/max_gpus', detail: `must be ≥ nominal_gpus (${nominal_gpus})` }],
      });
    }
    const row = { nominal_gpus, max_gpus, updated_at: isoTime() };
    await this.#db
      .insertInto('project_quotas')
      .values({ project_id: projectId, ...row })
      .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
      .execute();
    void this.#compute.scheduling.trigger();
    return this.#view(projectId);
  }

  async #view(projectId: string): Promise<Quota> {
    const row = await this.#db
      .selectFrom('project_quotas')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    const used = await this.#db
      .selectFrom('allocation_gpus')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const fallback = this.#defaultQuota;
    return {
      project_id: projectId,
      nominal_gpus: row?.nominal_gpus ?? fallback?.nominalGpus ?? 0,
      max_gpus: row?.max_gpus ?? fallback?.maxGpus ?? 1_000_000,
      used_gpus: Number(used.n),
      default: row === undefined,
    };
  }
}
