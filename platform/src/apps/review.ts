/**
 * Operator review of registered app versions: approve (promotion by digest into the release
 * namespace with an approval attestation signed by the platform's approval key), reject, publish,
 * deprecate and revoke (optionally stopping running instances). Each action is one state change
 * of one version, checked against the state machine below and written in one transaction with its
 * `app_version.state_changed` event; approving one version never touches another.
 *
 *   submitted → verified | rejected        verified → approved | rejected
 *   approved → published → deprecated      approved | published | deprecated → revoked
 */
import type { Kysely, Transaction } from 'kysely';
import { promoteArtifact, registryClientFor } from '@gpuaas/sdk';
import type { RegistryClient, RegistryConnection } from '@gpuaas/sdk';
import { isSdkError } from '@gpuaas/sdk/common';
import { callRuntime } from '../allocations/runtime-client.js';
import type { AppVersionState, Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';
import { PlatformError } from '../errors.js';
import { endLaunches } from './launcher.js';
import { isoTime } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ApprovalKey } from './approval-key.js';
import type { ApprovalScope, EmbeddedRegistry } from './release.js';
import { releaseRepositoryOf } from './release.js';
import type { AppVersionRow } from './versions.js';

export type ReviewAction = 'approve' | 'reject' | 'publish' | 'deprecate' | 'revoke';

/** The event every review action publishes (asyncapi.yaml). */
export const STATE_CHANGED = 'app_version.state_changed';

/** Which states each action leaves from, and where it goes. */
export const REVIEW_TRANSITIONS: Readonly<
  Record<ReviewAction, { from: readonly AppVersionState[]; to: AppVersionState }>
> = {
  approve: { from: ['verified'], to: 'approved' },
  reject: { from: ['submitted', 'verified'], to: 'rejected' },
  publish: { from: ['approved'], to: 'published' },
  deprecate: { from: ['published'], to: 'deprecated' },
  revoke: { from: ['approved', 'published', 'deprecated'], to: 'revoked' },
};

/** Who reviews: recorded as `reviewed_by` and as the approval attestation's approver. */
export interface Reviewer {
  id: string;
  /** The operator's email when known (else the id is recorded). */
  email?: string | null;
}

export interface ApproveInput {
  scope: ApprovalScope;
  scopeId?: string | null;
}

export interface RevokeOutcome {
  version: AppVersionRow;
  /** Allocations whose app was asked to stop (with `stop_running`). */
  stopped: string[];
}

export interface ReviewServiceOptions {
  db: Kysely<Tables>;
  bus: EventBus;
  logger: Logger;
  embedded: EmbeddedRegistry;
  approvalKey: () => Promise<ApprovalKey>;
  /** How to reach external source registries (default: the SDK's default credentials). */
  connection?: RegistryConnection;
  now?: () => Date;
}

function conflict(row: { id: string; state: string }, action: ReviewAction): PlatformError {
  const { to, from } = REVIEW_TRANSITIONS[action];
  return new PlatformError(
    'APP_VERSION_STATE_CONFLICT',
    `app version ${row.id} is ${row.state}: it cannot go ${row.state} → ${to} (${action} needs ${from.join(' or ')})`,
  );
}

/** Release tags are OCI tags: semver build metadata (`+…`) is not allowed there, so `+` becomes `_`. */
export function releaseTagOf(version: string): string {
  return version.replace(/\+/g, '_');
}

export class ReviewService {
  readonly #options: ReviewServiceOptions;

  constructor(options: ReviewServiceOptions) {
    this.#options = options;
  }

  async approve(id: string, input: ApproveInput, reviewer: Reviewer): Promise<AppVersionRow> {
    const { db } = this.#options;
    const row = await this.#require(id);
    if (!REVIEW_TRANSITIONS.approve.from.includes(row.state)) throw conflict(row, 'approve');
    const scopeId = await this.#checkScope(input);
    const publisher = await db
      .selectFrom('projects')
      .select('name')
      .where('id', '=', row.project_id)
      .executeTakeFirstOrThrow();
    const { embedded } = this.#options;
    const releaseRepository = releaseRepositoryOf(publisher.name, row.repository);
    const destination = `${embedded.host}/${releaseRepository}:${releaseTagOf(row.version)}`;
    const key = await this.#options.approvalKey();
    const destinationClient = embedded.client();
    let promoted;
    try {
      promoted = await promoteArtifact(`${row.registry}/${row.repository}@${row.digest}`, destination, {
        client: this.#sourceClient(row.registry),
        destinationClient,
        attestKey: key.signingKey,
        approver: approverOf(reviewer),
        ...(this.#options.now === undefined ? {} : { now: this.#options.now }),
      });
    } catch (error) {
      if (isSdkError(error) && error.code === 'TAG_CONFLICT') {
        throw new PlatformError(
          'APP_VERSION_STATE_CONFLICT',
          `${destination} already holds another digest (release tags are immutable): version ${row.version} of this app was approved before under another digest`,
          { cause: error },
        );
      }
      if (isSdkError(error) && error.code === 'REGISTRY_UNREACHABLE') {
        throw new PlatformError('REGISTRY_UNREACHABLE', error.message, { cause: error });
      }
      // The registered artifact (or one of its blobs) was deleted from its registry since.
      if (isSdkError(error) && error.code === 'NOT_FOUND') {
        throw new PlatformError(
          'APP_REFERENCE_INVALID',
          `${row.registry}/${row.repository}@${row.digest} is no longer in its registry (${error.message}); publish it again and register the new digest`,
          { cause: error },
        );
      }
      throw error;
    }
    this.#options.logger.info(
      {
        version_id: id,
        release: promoted.reference,
        bytes_copied: promoted.bytesCopied,
        referrers_copied: promoted.referrersCopied,
      },
      'app version promoted into the release namespace',
    );
    return this.#transition(row, 'approve', reviewer, {
      approval_scope: input.scope,
      approval_scope_id: scopeId,
      release_reference: promoted.reference,
      approval_digest: promoted.approval.digest,
    });
  }

  async reject(id: string, reason: string, reviewer: Reviewer): Promise<AppVersionRow> {
    return this.#transition(await this.#require(id), 'reject', reviewer, { reason });
  }

  async publish(id: string, reviewer: Reviewer): Promise<AppVersionRow> {
    return this.#transition(await this.#require(id), 'publish', reviewer, {});
  }

  async deprecate(id: string, reason: string | null, reviewer: Reviewer): Promise<AppVersionRow> {
    return this.#transition(
      await this.#require(id),
      'deprecate',
      reviewer,
      reason === null ? {} : { reason },
    );
  }

  /**
   * Revokes at once (launches check the database, so every instance refuses the digest from the
   * commit on); with `stopRunning`, then asks each running instance's runtime to stop the app.
   * A runtime that does not answer is logged, not fatal: the revocation itself stands.
   */
  async revoke(
    id: string,
    input: { reason: string; stopRunning?: boolean },
    reviewer: Reviewer,
  ): Promise<RevokeOutcome> {
    const row = await this.#require(id);
    const now = isoTime();
    const version = await this.#transition(row, 'revoke', reviewer, {
      reason: input.reason,
      revoked_at: now,
    });
    const stopped = input.stopRunning === true ? await this.#stopRunning(version) : [];
    return { version, stopped };
  }

  async #stopRunning(version: AppVersionRow): Promise<string[]> {
    const { db, logger } = this.#options;
    const launches = await db
      .selectFrom('app_launches')
      .innerJoin('allocations', 'allocations.id', 'app_launches.allocation_id')
      .leftJoin('nodes', 'nodes.id', 'allocations.node_id')
      .select([
        'app_launches.id as launch_id',
        'allocations.id as allocation_id',
        'allocations.state',
        'allocations.endpoint',
        'allocations.runtime_secret',
        'nodes.status as node_status',
        'nodes.runtime_certificate_sha256 as node_certificate_sha256',
      ])
      .where('app_launches.ended_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('app_launches.version_id', '=', version.id),
          eb('app_launches.digest', '=', version.digest),
        ]),
      )
      .execute();
    const stopped: string[] = [];
    for (const launch of launches) {
      if (launch.state !== 'running' || launch.endpoint === null || launch.runtime_secret === null) continue;
      try {
        await callRuntime(
          {
            endpoint: launch.endpoint,
            secret: launch.runtime_secret,
            certificateSha256: launch.node_certificate_sha256,
          },
          { method: 'POST', path: '/v1/app/stop', timeoutMs: 10 * 60_000 },
        );
        await endLaunches(db, { launchId: launch.launch_id });
        stopped.push(launch.allocation_id);
      } catch (error) {
        logger.warn(
          { err: error, allocation_id: launch.allocation_id, version_id: version.id },
          'could not stop a running instance of a revoked app version',
        );
      }
    }
    return stopped;
  }

  /**
   * One state change in one transaction with its event. The update is guarded by the state read
   * before, so of two reviewers acting at once one wins and the other gets the conflict.
   */
  async #transition(
    row: AppVersionRow,
    action: ReviewAction,
    reviewer: Reviewer,
    changes: Partial<
      Pick<
        AppVersionRow,
        | 'reason'
        | 'approval_scope'
        | 'approval_scope_id'
        | 'release_reference'
        | 'approval_digest'
        | 'revoked_at'
      >
    >,
  ): Promise<AppVersionRow> {
    const { db, bus } = this.#options;
    const { from, to } = REVIEW_TRANSITIONS[action];
    if (!from.includes(row.state)) throw conflict(row, action);
    const now = isoTime();
    let event: PlatformEvent | undefined;
    const updated = await db.transaction().execute(async (trx: Transaction<Tables>) => {
      const result = await trx
        .updateTable('app_versions')
        .set({ ...changes, state: to, updated_at: now, reviewed_by: approverOf(reviewer), reviewed_at: now })
        .where('id', '=', row.id)
        .where('state', '=', row.state)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return undefined;
      event = await bus.publish(trx, {
        type: STATE_CHANGED,
        subject: `app_version/${row.id}`,
        project_id: row.project_id,
        data: {
          id: row.id,
          project_id: row.project_id,
          digest: row.digest,
          from: row.state,
          to,
          reason: changes.reason ?? null,
        },
      });
      return trx.selectFrom('app_versions').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    });
    if (updated === undefined) throw conflict(await this.#require(row.id), action);
    if (event !== undefined) bus.deliver(event);
    return updated;
  }

  async #require(id: string): Promise<AppVersionRow> {
    const row = await this.#options.db
      .selectFrom('app_versions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new PlatformError('NOT_FOUND', `app version ${id} not found`);
    return row;
  }

  /** The scope's target must exist: an approval for a mistyped organisation would admit nobody. */
  async #checkScope(input: ApproveInput): Promise<string | null> {
    if (input.scope === 'platform') {
      if (input.scopeId !== undefined && input.scopeId !== null)
        throw scopeError('a platform approval takes no scope_id');
      return null;
    }
    const id = input.scopeId ?? undefined;
    if (id === undefined || id === '')
      throw scopeError(`an approval scoped to one ${input.scope} needs its scope_id`);
    const table = input.scope === 'organization' ? 'organizations' : 'projects';
    const found = await this.#options.db
      .selectFrom(table)
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (found === undefined) throw new PlatformError('NOT_FOUND', `${input.scope} ${id} not found`);
    return id;
  }

  #sourceClient(registry: string): RegistryClient {
    const { embedded } = this.#options;
    if (embedded.serves(registry)) return embedded.client(registry);
    return registryClientFor(
      registry,
      this.#options.connection === undefined ? {} : { connection: this.#options.connection },
    );
  }
}

function approverOf(reviewer: Reviewer): string {
  return reviewer.email ?? reviewer.id;
}

function scopeError(detail: string): PlatformError {
  return new PlatformError('VALIDATION_FAILED', detail, {
    errors: [{ in: 'body', pointer: '/scope_id', detail }],
  });
}
