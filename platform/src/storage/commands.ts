/** The system commands the local backend runs (mkfs, losetup, cp …), with their errors made short. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { StorageBackendError } from './backend.js';

const run = promisify(execFile);
/** Only the system's tools, whatever PATH the platform was started with. */
export const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** The first line of a failed command's stderr (or its message). */
export function commandError(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  const text = (e.stderr ?? '').trim() || (e.message ?? String(error));
  return text.split('\n')[0] ?? text;
}

/** Runs `file` with `args`; its stdout, or a StorageBackendError naming the command. */
export async function sh(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { env: { PATH: SYSTEM_PATH } });
    return stdout;
  } catch (error) {
    throw new StorageBackendError(`${file} ${args.join(' ')}: ${commandError(error)}`, { cause: error });
  }
}
