/**
 * Who tenant code runs as. In a sandbox the runtime is its user namespace's root and starts every
 * tenant process (hooks, the app, terminals, exec) as another uid, so tenant code cannot read the
 * runtime's memory or environment, replace its sockets or touch its write-ahead log. One runtime
 * process serves one allocation, so this is a property of the process, set once at start.
 */
import { chown } from 'node:fs/promises';

export interface TenantUser {
  uid: number;
  gid: number;
}

let tenant: TenantUser | undefined;

export function setTenantUser(user: TenantUser | undefined): void {
  tenant = user;
}

/** spawn()/node-pty options that start a process as the tenant ({} outside a sandbox). */
export function tenantSpawnOptions(): { uid?: number; gid?: number } {
  return tenant === undefined ? {} : { uid: tenant.uid, gid: tenant.gid };
}

/** Hands a file or folder the runtime created to the tenant (no-op outside a sandbox). */
export async function giveToTenant(path: string): Promise<void> {
  if (tenant !== undefined) await chown(path, tenant.uid, tenant.gid);
}
