/** What the member screens share: the roles as the platform names them. */
import type { PlatformComponents } from '@gpuaas/sdk/browser';

export type Member = PlatformComponents['schemas']['Member'];
export type Role = Member['role'];

export const ROLES: readonly { role: Role; label: string }[] = [
  { role: 'owner', label: 'Owner: everything, members, service accounts and audit' },
  { role: 'member', label: 'Member: allocate GPUs, launch apps' },
  { role: 'viewer', label: 'Viewer: read only' },
];
