/**
 * `access.changed`: published when someone's rights shrink or move (a member removed or given
 * another role, a service account revoked or rotated, the operator flag granted or removed). It
 * goes through the event bus like any event, so every instance's open streams hear of it within a
 * poll and re-authorise their subscriber (events/subscription.ts).
 */
import type { Kysely } from 'kysely';
import type { Tables } from '../db/schema.js';
import type { EventBus, PlatformEvent } from './bus.js';

export const ACCESS_CHANGED = 'access.changed';

export type AccessChange =
  | 'member_removed'
  | 'member_role_changed'
  | 'service_account_revoked'
  | 'service_account_rotated'
  | 'operator_granted'
  | 'operator_removed';

export interface AccessChangeInput {
  change: AccessChange;
  principalType: 'user' | 'service_account';
  principalId: string;
  /** The project the change is about; null for the platform-wide operator flag. */
  projectId: string | null;
}

/** Records the change (after it committed) and hands it to this instance's streams at once. */
export async function publishAccessChange(
  bus: EventBus,
  db: Kysely<Tables>,
  input: AccessChangeInput,
): Promise<void> {
  const event = await bus.publish(db, {
    type: ACCESS_CHANGED,
    subject: `${input.principalType}/${input.principalId}`,
    project_id: input.projectId,
    data: { change: input.change, principal_type: input.principalType, principal_id: input.principalId },
  });
  bus.deliver(event);
}

/** The principal an `access.changed` event is about, as `user:<id>` or `sa:<id>`. */
export function accessChangeSubject(event: PlatformEvent): string | undefined {
  if (event.type !== ACCESS_CHANGED) return undefined;
  const { principal_type: type, principal_id: id } = event.data;
  if (typeof id !== 'string') return undefined;
  return type === 'service_account' ? `sa:${id}` : `user:${id}`;
}
