/** What the member screens share: the roles as the platform names them, and a change's busy/error state. */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { useState } from 'react';

export type Member = PlatformComponents['schemas']['Member'];
export type Role = Member['role'];

export const ROLES: readonly { role: Role; label: string }[] = [
  { role: 'owner', label: 'Owner: everything, members, service accounts and audit' },
  { role: 'member', label: 'Member: allocate GPUs, launch apps' },
  { role: 'viewer', label: 'Viewer: read only' },
];

/** Runs a change with a busy flag and the error it ended with. */
export function useChange() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}
