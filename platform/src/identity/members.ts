/**
 * Project members and their roles. Only owners (and operators) change them; a project always keeps
 * an owner, checked under the project lock after the write, so two concurrent demotions cannot
 * both pass. A removed or re-roled member's open event streams re-check their access at once.
 */
import type { components } from '@gpuaas/platform-contract';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { isUniqueViolation } from '../db/constraint.js';
import type { KeysetPage } from '../db/keyset.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { publishAccessChange } from '../events/access.js';
import type { EventBus } from '../events/bus.js';
import { isoTime } from '../ids.js';
import { projectAccess } from './access.js';
import { ensureUser, lockProject, ownerCount } from './store.js';

export interface MemberRow {
  project_id: string;
  user_id: string;
  email: string;
  role: ProjectRole;
  created_at: string;
  updated_at: string;
  version: number;
}

export function memberView(m: MemberRow): components['schemas']['Member'] {
  return {
    project_id: m.project_id,
    user_id: m.user_id,
    email: m.email,
    role: m.role,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
}

/** Called with a member's current version before it changes (the HTTP layer checks If-Match). */
export type VersionCheck = (version: number) => void;

export class MemberService {
  readonly #db: Kysely<Tables>;
  readonly #bus: EventBus;

  constructor(deps: { db: Kysely<Tables>; bus: EventBus }) {
    this.#db = deps.db;
    this.#bus = deps.bus;
  }

  /** A page of the project's members by user id (`limit + 1` rows; viewers may read). */
  async list(principal: Principal, projectId: string, page: KeysetPage): Promise<MemberRow[]> {
    await projectAccess(this.#db, principal, projectId, 'viewer');
    let query = this.#membersOf(projectId)
      .orderBy('memberships.user_id')
      .limit(page.limit + 1);
    if (page.after !== undefined) query = query.where('memberships.user_id', '>', page.after);
    return query.execute();
  }

  /** Adds a person (created on first sight by email) with `role`; ALREADY_EXISTS if they are one. */
  async add(
    principal: Principal,
    projectId: string,
    input: { email: string; role: ProjectRole },
  ): Promise<MemberRow> {
    await projectAccess(this.#db, principal, projectId, 'owner');
    const user = await ensureUser(this.#db, input.email);
    const now = isoTime();
    const row: MemberRow = {
      project_id: projectId,
      user_id: user.id,
      email: user.email,
      role: input.role,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    try {
      await this.#db
        .insertInto('memberships')
        .values({
          project_id: projectId,
          user_id: user.id,
          role: input.role,
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new PlatformError(
          'ALREADY_EXISTS',
          `${user.email} is already a member of project ${projectId}`,
        );
      }
      throw error;
    }
    return row;
  }

  /** Changes a member's role; LAST_OWNER when it would leave the project without an owner. */
  async changeRole(
    principal: Principal,
    projectId: string,
    userId: string,
    role: ProjectRole,
    checkVersion: VersionCheck,
  ): Promise<{ member: MemberRow; previousRole: ProjectRole }> {
    await projectAccess(this.#db, principal, projectId, 'owner');
    const member = await this.#membersOf(projectId)
      .where('memberships.user_id', '=', userId)
      .executeTakeFirst();
    if (member === undefined)
      throw new PlatformError('NOT_FOUND', `user ${userId} is not a member of ${projectId}`);
    checkVersion(member.version);
    const updated = await this.#db.transaction().execute(async (trx) => {
      await lockProject(trx, projectId);
      const result = await trx
        .updateTable('memberships')
        .set({ role, updated_at: isoTime(), version: member.version + 1 })
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .where('version', '=', member.version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        throw new PlatformError('PRECONDITION_FAILED', `membership of ${userId} changed concurrently`);
      }
      // Checked after the write while holding the project lock: two concurrent demotions cannot both pass.
      if (member.role === 'owner' && role !== 'owner' && (await ownerCount(trx, projectId)) === 0) {
        throw new PlatformError('LAST_OWNER', `user ${userId} is the last owner of project ${projectId}`);
      }
      return { ...member, role, version: member.version + 1 };
    });
    if (member.role !== role) {
      await publishAccessChange(this.#bus, this.#db, {
        change: 'member_role_changed',
        principalType: 'user',
        principalId: userId,
        projectId,
      });
    }
    return { member: updated, previousRole: member.role };
  }

  /** Removes a member; LAST_OWNER when they are the project's last owner. */
  async remove(principal: Principal, projectId: string, userId: string): Promise<void> {
    await projectAccess(this.#db, principal, projectId, 'owner');
    await this.#db.transaction().execute(async (trx) => {
      await lockProject(trx, projectId);
      const result = await trx
        .deleteFrom('memberships')
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .returning('role')
        .executeTakeFirst();
      if (result === undefined)
        throw new PlatformError('NOT_FOUND', `user ${userId} is not a member of ${projectId}`);
      if (result.role === 'owner' && (await ownerCount(trx, projectId)) === 0) {
        throw new PlatformError('LAST_OWNER', `user ${userId} is the last owner of project ${projectId}`);
      }
    });
    // Their open event streams (and those of the service accounts they created) re-check now.
    await publishAccessChange(this.#bus, this.#db, {
      change: 'member_removed',
      principalType: 'user',
      principalId: userId,
      projectId,
    });
  }

  // One shape for a member row, whether listed or looked up.
  #membersOf(projectId: string) {
    return this.#db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'memberships.project_id',
        'memberships.user_id',
        'users.email',
        'memberships.role',
        'memberships.created_at',
        'memberships.updated_at',
        'memberships.version',
      ])
      .where('memberships.project_id', '=', projectId);
  }
}
