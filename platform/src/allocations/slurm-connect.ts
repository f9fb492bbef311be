/**
 * `serve --scheduler slurm` at startup: the slurmrestd client (its API version detected) and the
 * placer AllocationService runs its cycles with (slurm-placement.ts; docs/slurm.md).
 */
import type { SchedulerConfig } from '../config-scheduler.js';
import { PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SlurmClient, SlurmError } from '../scheduler/slurm/client.js';
import type { PlacerContext } from './scheduling.js';
import { SlurmPlacement } from './slurm-placement.js';

/**
 * Connects to slurmrestd at startup (detecting its API version) and returns the placer
 * AllocationService runs its cycles with. A server that cannot reach Slurm, or speaks none of its
 * API versions, does not start: SLURM_UNAVAILABLE, SLURM_API_UNSUPPORTED.
 */
export async function connectSlurmPlacer(
  config: Extract<SchedulerConfig, { kind: 'slurm' }>,
  logger: Logger,
): Promise<(context: PlacerContext) => SlurmPlacement> {
  let client: SlurmClient;
  try {
    client = await SlurmClient.connect({ url: config.url, token: config.token, user: config.user });
  } catch (error) {
    if (error instanceof SlurmError && error.code !== 'SLURM_REJECTED') {
      throw new PlatformError(error.code, error.message, { cause: error });
    }
    throw error;
  }
  logger.info(
    { slurmrestd: config.url, api: client.version, served: client.served },
    'allocations are placed by Slurm',
  );
  return (context) =>
    new SlurmPlacement({
      ...context,
      client,
      partition: config.partition,
      accounts: config.accounts,
      gresTypes: config.gresTypes,
      onPlaced: (nodes) => {
        for (const id of nodes) context.nudge(id);
      },
    });
}
