/**
 * The upgrade sequence with rollback. The new version installs while the old one still serves;
 * only then is the old one stopped. Each version has its own data folder, so when the new one
 * fails (upgrade hook, start, or never ready within its startup budget) the old one starts again
 * on data nothing has touched.
 */
import type { Logger } from 'pino';
import { RuntimeError } from '../errors.js';
import { hookSpec } from './manifest.js';
import type { VersionRun } from './run.js';
import type { AppState } from './states.js';

export interface UpgradeHost {
  readonly dataDir: string;
  readonly logger: Logger;
  state(): AppState;
  setState(state: AppState, reason?: string): void;
  setCurrent(run: VersionRun): void;
  becameReady(reason: string): void;
  /** Ends the instance `failed` (after killing what runs). */
  fail(error: RuntimeError): Promise<void>;
  /** Carries the old version's data over when the new version declares no upgrade hook. */
  copyData(from: string, to: string): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves `upgraded`, or `stopped` when a stop interrupted it; rejects UPGRADE_ROLLED_BACK or APP_FAILED. */
export async function runUpgrade(
  host: UpgradeHost,
  old: VersionRun,
  fresh: VersionRun,
  signal: AbortSignal,
): Promise<'upgraded' | 'stopped'> {
  const before = old.probes.get('readiness')?.verdict === 'failing' ? 'degraded' : 'ready';
  const log = host.logger.child({ from: old.version, to: fresh.version });
  try {
    await fresh.prepare();
    await fresh.install(host.dataDir, signal);
  } catch (error) {
    if (signal.aborted) return 'stopped';
    const reason = `upgrade to ${fresh.version} aborted: ${message(error)}`;
    log.warn({ err: error }, 'upgrade aborted before the old version was stopped');
    host.setState(before, reason);
    throw new RuntimeError('UPGRADE_ROLLED_BACK', reason, {
      cause: error,
      details: { from: old.version, to: fresh.version, stage: 'install' },
    });
  }
  if (signal.aborted) return 'stopped';
  await old.stop({ runHook: true });
  if (signal.aborted) return 'stopped';
  let failure: unknown;
  try {
    if (hookSpec(fresh.manifest, 'upgrade') === undefined)
      await host.copyData(old.appDataDir, fresh.appDataDir);
    host.setCurrent(fresh);
    await fresh.hook('upgrade', signal, {
      GPUAAS_PREVIOUS_APP_DIR: old.appDir,
      GPUAAS_PREVIOUS_DATA_DIR: old.appDataDir,
      GPUAAS_PREVIOUS_VERSION: old.version,
    });
    if (signal.aborted) return 'stopped';
    await fresh.hook('configure', signal);
    await fresh.hook('start', signal);
    if (signal.aborted) return 'stopped';
    const outcome = await fresh.start(signal);
    if (outcome === 'stopped' || signal.aborted) return 'stopped';
    if (outcome === 'ready') {
      log.info('upgraded');
      host.becameReady(`upgraded from ${old.version}`);
      return 'upgraded';
    }
    throw new RuntimeError('APP_FAILED', 'exited before it became ready');
  } catch (error) {
    if (signal.aborted) return 'stopped';
    failure = error;
  }
  const reason = `${fresh.version} failed: ${message(failure)}`;
  log.warn({ reason }, 'upgrade failed; rolling back');
  await fresh.stop({ runHook: false });
  host.setCurrent(old);
  try {
    if (signal.aborted) return 'stopped';
    await old.prepare();
    await old.hook('configure', signal);
    await old.hook('start', signal);
    if (signal.aborted) return 'stopped';
    const outcome = await old.start(signal);
    if (outcome === 'stopped' || signal.aborted) return 'stopped';
    if (outcome !== 'ready') throw new RuntimeError('APP_FAILED', 'exited before it became ready');
  } catch (error) {
    if (signal.aborted) return 'stopped';
    const failed = new RuntimeError(
      'APP_FAILED',
      `rollback to ${old.version} failed: ${message(error)} (after the upgrade failed: ${reason})`,
      { cause: error },
    );
    await host.fail(failed);
    throw failed;
  }
  host.becameReady(`rolled back to ${old.version}: ${reason}`);
  throw new RuntimeError('UPGRADE_ROLLED_BACK', `upgrade rolled back to ${old.version}: ${reason}`, {
    cause: failure,
    details: { from: old.version, to: fresh.version, stage: 'start' },
  });
}
