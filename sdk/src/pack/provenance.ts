/**
 * Where the `created` and `revision` annotations come from, chosen so that packing the same
 * sources twice gives the same manifest: SOURCE_DATE_EPOCH when set (the reproducible-builds
 * convention), else the last git commit that touched the app folder, else the Unix epoch.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SdkError } from '../errors.js';

const run = promisify(execFile);

export interface Provenance {
  /** RFC 3339 UTC timestamp, second precision. */
  created: string;
  /** Seconds since the epoch matching `created`. */
  epoch: number;
  /** Commit that last touched the app folder, when it is in a git work tree. */
  revision?: string;
  /** Where `created` came from. */
  createdFrom: 'SOURCE_DATE_EPOCH' | 'git' | 'epoch';
}

/** Parses SOURCE_DATE_EPOCH; undefined when unset or empty, USAGE when it is not an integer. */
export function parseSourceDateEpoch(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,12}$/.test(value)) {
    throw new SdkError('USAGE', `SOURCE_DATE_EPOCH="${value}" is not a whole number of seconds since 1970`, {
      details: { variable: 'SOURCE_DATE_EPOCH' },
    });
  }
  return Number(value);
}

/** RFC 3339 form of an epoch, without milliseconds (2024-05-01T12:00:00Z). */
export function epochToRfc3339(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The last commit touching `dir`, or undefined when git is missing or `dir` is not tracked. */
export async function lastGitCommit(dir: string): Promise<{ revision: string; epoch: number } | undefined> {
  try {
    const { stdout } = await run('git', ['log', '-1', '--format=%H %ct', '--', '.'], {
      cwd: dir,
      timeout: 15_000,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    const match = /^([0-9a-f]{40,64}) (\d+)$/.exec(stdout.trim());
    return match ? { revision: match[1] ?? '', epoch: Number(match[2]) } : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves `created` and `revision` for the app folder. */
export async function resolveProvenance(
  dir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Provenance> {
  const sourceDateEpoch = parseSourceDateEpoch(env.SOURCE_DATE_EPOCH);
  const commit = await lastGitCommit(dir);
  const revision = commit ? { revision: commit.revision } : {};
  if (sourceDateEpoch !== undefined) {
    return {
      created: epochToRfc3339(sourceDateEpoch),
      epoch: sourceDateEpoch,
      createdFrom: 'SOURCE_DATE_EPOCH',
      ...revision,
    };
  }
  if (commit)
    return { created: epochToRfc3339(commit.epoch), epoch: commit.epoch, createdFrom: 'git', ...revision };
  return { created: epochToRfc3339(0), epoch: 0, createdFrom: 'epoch' };
}
