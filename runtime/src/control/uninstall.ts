/**
 * `POST /v1/app/uninstall`: the app leaves the allocation. It is stopped (stop hook, signals), its
 * uninstall hook runs, then its files go: the instance folders (each version's data and logs)
 * and the artifact cache (unpacked trees and blobs). The usage log stays: what the app used
 * before it was stopped is still shipped and billed.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { exists, removeTree } from '../fetch/cache.js';
import type { AppSession } from './session.js';

export interface UninstallResult {
  /** The uninstall hook's outcome: `none` when there was no app or it declares none. */
  hook: 'ok' | 'failed' | 'none';
  /** Folders under the allocation's data folder that were removed. */
  removed: string[];
}

/** What belongs to the app under `dataDir` (the usage log does not: it outlives the app). */
const APP_FOLDERS = ['instances', 'cache'] as const;

export async function uninstallApp(input: {
  session: AppSession | undefined;
  dataDir: string;
  logger: Logger;
}): Promise<UninstallResult> {
  const { session, logger } = input;
  let hook: UninstallResult['hook'] = 'none';
  if (session !== undefined) {
    await session.stop('uninstalled');
    try {
      const result = await session.instance.uninstall();
      hook = result === undefined ? 'none' : result.ok ? 'ok' : 'failed';
    } catch (error) {
      // A failing uninstall hook does not keep the app's files: the tenant asked for them gone.
      logger.warn({ err: error }, 'the uninstall hook failed; removing the app anyway');
      hook = 'failed';
    }
  }
  const removed: string[] = [];
  for (const folder of APP_FOLDERS) {
    const path = join(input.dataDir, folder);
    if (!(await exists(path))) continue;
    await removeTree(path);
    removed.push(folder);
  }
  logger.info({ hook, removed }, 'app uninstalled');
  return { hook, removed };
}
