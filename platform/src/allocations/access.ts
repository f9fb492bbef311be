/** Who may act on an allocation: its project decides, and an invisible one is simply not found. */
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import type { ProjectRole, Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { requireAllocation } from './views.js';
import type { AllocationRow } from './views.js';

/** Loads an allocation the caller may act on with at least `minimum` role (404 when invisible). */
export async function allocationAccess(
  db: Kysely<Tables>,
  principal: Principal,
  id: string,
  minimum: ProjectRole,
): Promise<AllocationRow> {
  const row = await requireAllocation(db, id);
  try {
    await projectAccess(db, principal, row.project_id, minimum);
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'NOT_FOUND') {
      throw new PlatformError('NOT_FOUND', `allocation ${id} not found`);
    }
    throw error;
  }
  return row;
}
