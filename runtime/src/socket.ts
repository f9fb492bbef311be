/** Unix-socket housekeeping shared by the runtime's servers (control API and app API). */
import { lstat, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { RuntimeError } from './errors.js';

/** Removes a socket file nobody serves any more; refuses a live one or a non-socket. */
export async function clearStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stat === undefined) return;
  if (!stat.isSocket()) throw new RuntimeError('CONFIG_INVALID', `${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new RuntimeError('SOCKET_IN_USE', `another process is serving on ${path}`);
  await rm(path, { force: true });
}
