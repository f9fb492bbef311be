/**
 * `serve --scheduler slurm` and its `--slurm-*` options (docs/slurm.md), kept apart from serve.ts.
 * The token is read from a file or the environment (`SLURM_JWT`, as Slurm's own tools read it),
 * never from the command line, where every user of the machine could read it in `ps`.
 */
import { readFile } from 'node:fs/promises';
import type { SchedulerOptions } from '../config-scheduler.js';
import { PlatformError } from '../errors.js';

export interface SchedulerFlags {
  scheduler: string;
  slurmrestdUrl?: string;
  slurmTokenFile?: string;
  slurmUser?: string;
  slurmPartition?: string;
  slurmAccounts?: string;
  slurmGresType: string[];
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `compute.scheduler` options the flags ask for; CONFIG_INVALID naming the flag when they do not add up. */
export async function schedulerOptions(
  flags: SchedulerFlags,
  env: NodeJS.ProcessEnv,
): Promise<SchedulerOptions> {
  if (flags.scheduler === 'in-process') return { kind: 'in-process' };
  if (flags.scheduler !== 'slurm') {
    throw new PlatformError(
      'CONFIG_INVALID',
      `--scheduler must be in-process or slurm (got "${flags.scheduler}")`,
    );
  }
  const url = flags.slurmrestdUrl ?? env.SLURMRESTD_URL;
  if (url === undefined || url === '') {
    throw new PlatformError(
      'CONFIG_INVALID',
      '--scheduler slurm needs --slurmrestd-url (or env SLURMRESTD_URL)',
    );
  }
  let token = env.SLURM_JWT;
  if (flags.slurmTokenFile !== undefined) {
    try {
      token = (await readFile(flags.slurmTokenFile, 'utf8')).trim();
    } catch (error) {
      throw new PlatformError('CONFIG_INVALID', `--slurm-token-file: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (token === undefined || token === '') {
    throw new PlatformError(
      'CONFIG_INVALID',
      '--scheduler slurm needs a token: --slurm-token-file FILE or env SLURM_JWT (mint one with `scontrol token username=USER lifespan=SECONDS`)',
    );
  }
  if (
    flags.slurmAccounts !== undefined &&
    flags.slurmAccounts !== 'project' &&
    flags.slurmAccounts !== 'none'
  ) {
    throw new PlatformError(
      'CONFIG_INVALID',
      `--slurm-accounts must be project or none (got "${flags.slurmAccounts}")`,
    );
  }
  const gresTypes: Record<string, string> = {};
  for (const pair of flags.slurmGresType) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new PlatformError(
        'CONFIG_INVALID',
        `--slurm-gres-type wants MODEL=TYPE, e.g. h100-80gb=h100 (got "${pair}")`,
      );
    }
    gresTypes[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    kind: 'slurm',
    url,
    token,
    ...(flags.slurmUser === undefined ? {} : { user: flags.slurmUser }),
    ...(flags.slurmPartition === undefined ? {} : { partition: flags.slurmPartition }),
    ...(flags.slurmAccounts === undefined ? {} : { accounts: flags.slurmAccounts }),
    gresTypes,
  };
}
