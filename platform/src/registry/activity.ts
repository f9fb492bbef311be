/**
 * The registry's changes in the platform's audit trail and on its event stream. Manifest pushes
 * (by tag or digest), manifest and blob deletes and namespace claims are audit records (actor,
 * project, `repository@digest`, correlation id), refusals included; successful manifest pushes and
 * deletes are also `registry.manifest_pushed` / `registry.manifest_deleted` events (asyncapi.yaml)
 * of the namespace's project, so only that project's members (and operators) see them. The record
 * and the event are written in one transaction, before the client gets its answer.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { recordAuditEvent } from '../audit/record.js';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from '../events/bus.js';

export const MANIFEST_PUSHED = 'registry.manifest_pushed';
export const MANIFEST_DELETED = 'registry.manifest_deleted';

export type RegistryAuditAction =
  'registry.manifest.push' | 'registry.manifest.delete' | 'registry.blob.delete' | 'registry.namespace.claim';

/** What the change was about: a manifest or blob (`repository@digest`) or a namespace. */
export type RegistryTarget =
  | {
      type: 'registry_manifest' | 'registry_blob';
      repository: string;
      /** The digest; unknown for a refused push of bytes that never parsed, or a tag that did not resolve. */
      digest: string | undefined;
      /** The tag pushed or deleted, or the tags a digest delete removed. */
      tags?: string[];
      /** What the client named (a tag or a digest). */
      reference: string;
      mediaType?: string;
      subject?: string;
    }
  | { type: 'registry_namespace'; namespace: string };

export interface RegistryChange {
  action: RegistryAuditAction;
  principal: Principal | undefined;
  /** The namespace's project (null before any project claimed it). */
  projectId: string | null;
  target: RegistryTarget;
  status: number;
  /** The registry error code of a refusal. */
  code?: string;
  correlationId: string;
  ip: string | undefined;
}

const EVENT_OF: Partial<Record<RegistryAuditAction, string>> = {
  'registry.manifest.push': MANIFEST_PUSHED,
  'registry.manifest.delete': MANIFEST_DELETED,
};

export class RegistryActivity {
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;

  constructor(options: { db: Kysely<Tables>; bus: EventBus }) {
    this.#db = options.db;
    this.#bus = options.bus;
  }

  /** Writes the audit record (and, for a successful manifest push or delete, its event); delivers the event after the commit. */
  async record(change: RegistryChange): Promise<void> {
    const success = change.status < 400;
    const eventType = success ? EVENT_OF[change.action] : undefined;
    const { target } = change;
    const targetId =
      target.type === 'registry_namespace'
        ? target.namespace
        : `${target.repository}@${target.digest ?? target.reference}`;
    const details: Record<string, unknown> =
      target.type === 'registry_namespace'
        ? { namespace: target.namespace }
        : {
            repository: target.repository,
            reference: target.reference,
            ...(target.digest === undefined ? {} : { digest: target.digest }),
            ...(target.tags === undefined ? {} : { tags: target.tags }),
            ...(target.mediaType === undefined ? {} : { media_type: target.mediaType }),
            ...(target.subject === undefined ? {} : { subject: target.subject }),
          };
    if (change.code !== undefined) details.code = change.code;
    const event = await this.#db.transaction().execute(async (trx): Promise<PlatformEvent | undefined> => {
      await recordAuditEvent(trx, {
        actor_type: change.principal?.type ?? 'anonymous',
        actor_id: change.principal?.id ?? null,
        action: change.action,
        target_type: target.type,
        target_id: targetId,
        project_id: change.projectId,
        result: success ? 'success' : 'failure',
        status: change.status,
        correlation_id: change.correlationId,
        ip: change.ip ?? null,
        details: JSON.stringify(details),
      });
      if (eventType === undefined || target.type === 'registry_namespace') return undefined;
      return this.#bus.publish(trx, {
        type: eventType,
        subject: `repository/${targetId}`,
        project_id: change.projectId,
        data: {
          repository: target.repository,
          digest: target.digest ?? null,
          tags: target.tags ?? [],
          ...(target.mediaType === undefined ? {} : { media_type: target.mediaType }),
          ...(target.subject === undefined ? {} : { subject: target.subject }),
          actor: actorOf(change.principal),
        },
      });
    });
    if (event !== undefined) this.#bus.deliver(event);
  }
}

function actorOf(principal: Principal | undefined): string {
  if (principal === undefined) return 'anonymous';
  return principal.type === 'user' ? `user:${principal.id}` : `sa:${principal.id}`;
}
