/**
 * A real Slurm 22.05 cluster for tests (Debian's slurm-wlm, slurmrestd and munge): munged,
 * slurmctld, one slurmd per node and slurmrestd with JWT auth, all on loopback in a temporary
 * folder (scripts/slurm-cluster.sh; docs/slurm.md), with accounting (slurmdbd on a MariaDB server
 * of its own) so that accounts and fair-share are real. Needs root. Gate suites with
 * `requireSlurm(suite)`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isCi, requireTools } from './tools.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/slurm-cluster.sh', import.meta.url));

export interface SlurmCluster {
  /** slurmrestd, `http://127.0.0.1:PORT`. */
  url: string;
  /** A JWT for user root (a day long). */
  token: string;
  /** The cluster's slurm.conf (set SLURM_CONF to it for scontrol, squeue, sinfo). */
  conf: string;
  nodes: string[];
  /** The folder holding its configuration, state and logs. */
  dir: string;
  stop(): Promise<void>;
}

/**
 * True when the Slurm daemons are installed and this process is root; under CI a missing tool
 * or a non-root run fails instead.
 */
export function requireSlurm(suite: string): boolean {
  const tools = ['munged', 'slurmctld', 'slurmd', 'slurmrestd', 'scontrol', 'sinfo', 'sacctmgr', 'python3'];
  // Accounting (per-project accounts, fair-share): slurmdbd on a MariaDB server of the cluster's own.
  if (!requireTools(suite, ...tools, 'slurmdbd', 'mariadbd', 'mariadb-install-db')) {
    return false;
  }
  if (process.getuid?.() === 0) return true;
  const message = `${suite}: slurmd must run as root to start jobs as their users`;
  if (isCi()) throw new Error(`CI=true and ${message}`);
  console.warn(`\n!!! SKIPPING ${message}\n`);
  return false;
}

/**
 * Starts a cluster of `nodes` (`NAME:GRES_TYPE:GPUS`) and resolves once every node is idle and
 * slurmrestd answers. `plugins`: slurmrestd's `-s` list (default: openapi v0.0.36–v0.0.38).
 */
export async function startSlurmCluster(
  nodes: readonly string[] = ['local-1:h100-80gb:4', 'local-2:h100-80gb:4'],
  options: { plugins?: string } = {},
): Promise<SlurmCluster> {
  // Short: munge's socket lives in it, and unix socket paths hold 107 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'slurm-'));
  let stdout: string;
  try {
    ({ stdout } = await run(script, ['start', dir, ...nodes], {
      env: {
        ...process.env,
        SLURM_ACCOUNTING: '1',
        ...(options.plugins === undefined ? {} : { SLURMRESTD_PLUGINS: options.plugins }),
      },
      timeout: 120_000,
    }));
  } catch (error) {
    await run(script, ['stop', dir]).catch(() => undefined);
    throw new Error(`the Slurm cluster did not start (logs in ${dir}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const value = (key: string) => {
    const line = stdout.split('\n').find((l) => l.startsWith(`${key}=`));
    if (line === undefined) throw new Error(`slurm-cluster.sh printed no ${key}: ${stdout}`);
    return line.slice(key.length + 1).replace(/^"|"$/g, '');
  };
  return {
    url: value('SLURMRESTD_URL'),
    token: value('SLURM_JWT'),
    conf: value('SLURM_CONF'),
    nodes: value('SLURM_NODES').split(' '),
    dir,
    async stop() {
      await run(script, ['stop', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
