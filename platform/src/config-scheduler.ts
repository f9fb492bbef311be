/**
 * Which system places allocations (`compute.scheduler`; `serve --scheduler`): the platform's own
 * in-process scheduler (the default), or Slurm through slurmrestd (docs/slurm.md).
 */

export type SchedulerOptions =
  | { kind?: 'in-process' }
  | {
      kind: 'slurm';
      /** slurmrestd's base URL, e.g. `http://127.0.0.1:6820`. */
      url: string;
      /** A JWT for slurmrestd (`scontrol token username=USER lifespan=…`). */
      token: string;
      /** The user the token names; jobs run as this user (default `root`). */
      user?: string;
      /** Partition for every job (default: the cluster's default partition). */
      partition?: string;
      /** `project` (default): each job is charged to the account named after its project id. */
      accounts?: 'project' | 'none';
      /** GRES type (gres.conf `Type=`) per GPU model or SKU id; default: the model's SKU id. */
      gresTypes?: Record<string, string>;
    };

export type SchedulerConfig =
  | { kind: 'in-process' }
  | {
      kind: 'slurm';
      url: string;
      token: string;
      user: string;
      partition: string | undefined;
      accounts: 'project' | 'none';
      gresTypes: Record<string, string>;
    };

const GRES_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function compileScheduler(options: SchedulerOptions | undefined, errors: string[]): SchedulerConfig {
  if (options === undefined || options.kind !== 'slurm') {
    const kind = (options?.kind as string | undefined) ?? 'in-process';
    if (kind !== 'in-process') {
      errors.push(`compute.scheduler.kind must be in-process or slurm (got "${kind}")`);
    }
    return { kind: 'in-process' };
  }
  if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
    errors.push(`compute.scheduler.url must be slurmrestd's http(s) URL (got "${options.url}")`);
  }
  if (options.token.trim() === '') {
    errors.push('compute.scheduler.token must be a JWT for slurmrestd (scontrol token username=USER)');
  }
  const user = options.user ?? 'root';
  if (!/^[a-z_][a-z0-9_.-]*$/i.test(user)) errors.push(`compute.scheduler.user "${user}" is not a user name`);
  const accounts = options.accounts ?? 'project';
  if (accounts !== 'project' && accounts !== 'none') {
    errors.push(`compute.scheduler.accounts must be project or none (got "${String(accounts)}")`);
  }
  const gresTypes = { ...options.gresTypes };
  for (const [model, type] of Object.entries(gresTypes)) {
    if (!GRES_TYPE.test(type)) {
      errors.push(
        `compute.scheduler.gresTypes["${model}"] "${type}" is not a GRES type name (letters, digits, _ . -)`,
      );
    }
  }
  return {
    kind: 'slurm',
    url: options.url,
    token: options.token.trim(),
    user,
    partition: options.partition,
    accounts,
    gresTypes,
  };
}
