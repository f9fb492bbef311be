/**
 * A small client of slurmrestd (JWT auth: `X-SLURM-USER-NAME` + `X-SLURM-USER-TOKEN`), bound to
 * the API version `connect()` detected (api-version.ts). It submits, lists and cancels jobs; the
 * payloads are jobs.ts's. Failures are `SlurmError`s with a stable code and what the server said.
 */
import { chooseApiVersion } from './api-version.js';
import type { SlurmApiVersion } from './api-version.js';
import { readJob } from './jobs.js';
import type { SlurmJob } from './jobs.js';

export type SlurmErrorCode =
  /** slurmrestd serves no API version this backend supports. */
  | 'SLURM_API_UNSUPPORTED'
  /** slurmrestd did not answer, refused the token, or answered with a server error. */
  | 'SLURM_UNAVAILABLE'
  /** slurmctld refused a request (an invalid job, an unknown job). */
  | 'SLURM_REJECTED';

export class SlurmError extends Error {
  override readonly name = 'SlurmError';
  constructor(
    readonly code: SlurmErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SlurmClientOptions {
  /** slurmrestd's base URL, e.g. http://127.0.0.1:6820 */
  url: string;
  /** A JWT slurmctld accepts (`scontrol token username=USER`). */
  token: string;
  /** The user the token names; jobs run as this user. */
  user: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

export class SlurmClient {
  private constructor(
    private readonly options: SlurmClientOptions,
    /** The version every request uses. */
    readonly version: SlurmApiVersion,
    /** Every version the server serves, newest first. */
    readonly served: readonly string[],
    /** slurmrestd serves the slurmdbd API of `version` too (the cluster has accounting). */
    readonly accounting: boolean,
  ) {}

  /** Reads slurmrestd's OpenAPI document and binds to the newest version both sides speak. */
  static async connect(options: SlurmClientOptions): Promise<SlurmClient> {
    const document = await request(options, 'GET', '/openapi/v3');
    const choice = chooseApiVersion(document);
    if (!choice.ok) throw new SlurmError('SLURM_API_UNSUPPORTED', `${options.url}: ${choice.message}`);
    const paths = Object.keys((document as { paths?: object }).paths ?? {});
    const accounting = paths.some((p) => p.startsWith(`/slurmdb/${choice.version}/`));
    const client = new SlurmClient(options, choice.version, choice.served, accounting);
    // slurmrestd hands the token to slurmctld only for calls that reach it (the OpenAPI document
    // does not): a ping checks the token and that slurmctld answers before anything relies on them.
    await client.ping();
    return client;
  }

  /** Asks slurmctld (through slurmrestd) whether it is up; SLURM_UNAVAILABLE when not or when the token is refused. */
  async ping(): Promise<void> {
    let answer: { pings?: unknown };
    try {
      answer = (await this.#call('GET', '/ping')) as { pings?: unknown };
    } catch (error) {
      if (error instanceof SlurmError && error.code === 'SLURM_REJECTED') {
        throw new SlurmError('SLURM_UNAVAILABLE', `${error.message}${tokenHint(this.options.user)}`, {
          cause: error,
        });
      }
      throw error;
    }
    const pings = Array.isArray(answer.pings) ? (answer.pings as { ping?: unknown }[]) : [];
    if (!pings.some((p) => p.ping === 'UP')) {
      throw new SlurmError('SLURM_UNAVAILABLE', `slurmrestd at ${this.options.url} reports no slurmctld UP`);
    }
  }

  /** Submits a job (jobs.ts `submitBody`); its id. */
  async submit(body: Record<string, unknown>): Promise<number> {
    const answer = (await this.#call('POST', '/job/submit', body)) as { job_id?: unknown };
    if (typeof answer.job_id !== 'number') {
      throw new SlurmError('SLURM_UNAVAILABLE', 'slurmrestd accepted a job but answered no job_id');
    }
    return answer.job_id;
  }

  /** The platform's jobs slurmctld still knows (finished ones stay for MinJobAge). */
  async jobs(): Promise<SlurmJob[]> {
    const answer = (await this.#call('GET', '/jobs')) as { jobs?: unknown };
    if (!Array.isArray(answer.jobs)) {
      throw new SlurmError('SLURM_UNAVAILABLE', 'slurmrestd answered GET /jobs without a jobs list');
    }
    return answer.jobs.map(readJob).filter((job) => job !== undefined);
  }

  /**
   * Makes sure `account` exists in slurmdbd with an association for this client's user on every
   * cluster slurmdbd knows (`sacctmgr add account NAME` + `add user USER account=NAME`), so jobs
   * may be charged to it under `AccountingStorageEnforce=associations`. Adding what exists is no
   * error in slurmdbd, so this is idempotent.
   */
  async ensureAccount(account: string, description: string): Promise<void> {
    const db = (path: string) => `/slurmdb/${this.version}${path}`;
    await request(this.options, 'POST', db('/accounts'), {
      accounts: [{ name: account, description, organization: 'gpuaas' }],
    });
    const answer = (await request(this.options, 'GET', db('/clusters'))) as { clusters?: unknown };
    const clusters = Array.isArray(answer.clusters)
      ? answer.clusters.map((c: { name?: unknown }) => c.name).filter((n) => typeof n === 'string')
      : [];
    await request(this.options, 'POST', db('/associations'), {
      associations: clusters.map((cluster) => ({
        account,
        cluster,
        user: this.options.user,
        parent_account: 'root',
      })),
    });
  }

  /** Cancels a job (scancel); a job that has already ended is no error. */
  async cancel(jobId: number): Promise<void> {
    try {
      await this.#call('DELETE', `/job/${jobId}`);
    } catch (error) {
      // "Job/step already completing or completed" (and unknown ids, purged after MinJobAge).
      if (error instanceof SlurmError && error.code === 'SLURM_REJECTED') return;
      throw error;
    }
  }

  #call(method: string, path: string, body?: unknown): Promise<unknown> {
    return request(this.options, method, `/slurm/${this.version}${path}`, body);
  }
}

async function request(
  options: SlurmClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = new URL(path, options.url.endsWith('/') ? options.url : `${options.url}/`);
  url.pathname = path;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        'X-SLURM-USER-NAME': options.user,
        'X-SLURM-USER-TOKEN': options.token,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new SlurmError(
      'SLURM_UNAVAILABLE',
      `slurmrestd at ${options.url} did not answer ${method} ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.status === 401 || response.status === 403) {
    throw new SlurmError(
      'SLURM_UNAVAILABLE',
      `slurmrestd at ${options.url} refused the token for user ${options.user} (HTTP ${response.status})${tokenHint(options.user)}`,
    );
  }
  const errors = slurmErrors(parsed);
  if (!response.ok || errors.length > 0) {
    const said = errors.length > 0 ? errors.join('; ') : text.slice(0, 200);
    // slurmrestd answers slurmctld's refusals (bad gres, unknown job) with 4xx/500 and an errors list.
    throw new SlurmError(
      response.status >= 500 && errors.length === 0 ? 'SLURM_UNAVAILABLE' : 'SLURM_REJECTED',
      `slurmrestd ${method} ${path}: HTTP ${response.status}: ${said}`,
    );
  }
  if (parsed === undefined) {
    throw new SlurmError('SLURM_UNAVAILABLE', `slurmrestd ${method} ${path} answered no JSON`);
  }
  return parsed;
}

/** The `errors[].error` (or `description`) strings of a slurmrestd answer. */
function slurmErrors(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: unknown) => {
    if (typeof e !== 'object' || e === null) return String(e);
    const { error, description, error_number } = e as Record<string, unknown>;
    return [error, description, typeof error_number === 'number' ? `(${error_number})` : undefined]
      .filter((x) => typeof x === 'string' || typeof x === 'number')
      .join(' ');
  });
}

function tokenHint(user: string): string {
  return `; is the token valid? mint one with: scontrol token username=${user} lifespan=SECONDS`;
}
