/**
 * What every `gpuaas` command shares: the global options (`--api-url`, `--output`, `--json`),
 * choosing the API URL and the credential, building the client, printing results, and turning
 * failures into `error[CODE]: … (correlation_id …)` and the exit statuses of docs/cli.md (`EXIT_CODES`).
 */
import type { Command } from 'commander';
import {
  createPlatformClient,
  ApiError,
  CredentialsStore,
  defaultCredentialsPath,
  tokenProviderFromEnvironment,
} from '@gpuaas/sdk/client';
import { SdkError, exitCodeFor } from '@gpuaas/sdk/common';
import type { PlatformClient } from '@gpuaas/sdk/client';
import { formatTable, printJson, printLine } from '../output.js';
import type { CliIo } from '../output.js';
import type { CommandContext } from '../run.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export interface GlobalOptions {
  apiUrl?: string | undefined;
  output?: 'table' | 'json' | undefined;
  json?: boolean | undefined;
}

/** Drops undefined values, so optional query parameters can be passed as they come from flags. */
export function compact<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Adds `--api-url`, `--output table|json` and `--json` to a command. */
export function withGlobalOptions(command: Command, { output = true } = {}): Command {
  command.option(
    '--api-url <url>',
    `platform URL (env GPUAAS_API_URL, then the logged-in API, then ${DEFAULT_API_URL})`,
  );
  if (output) {
    command.option('--output <format>', 'table (default) or json', (v) => {
      if (v !== 'table' && v !== 'json')
        throw new SdkError('USAGE', `--output must be table or json (got "${v}")`);
      return v;
    });
  }
  return command.option('--json', 'same as --output json');
}

export function wantsJson(options: GlobalOptions): boolean {
  return options.json === true || options.output === 'json';
}

export function credentialsStore(io: CliIo): CredentialsStore {
  return new CredentialsStore(io.env.GPUAAS_CREDENTIALS_FILE || defaultCredentialsPath(io.env));
}

/** `--api-url`, else GPUAAS_API_URL, else the API of the last login, else the local default. */
export async function resolveApiUrl(io: CliIo, options: Pick<GlobalOptions, 'apiUrl'>): Promise<string> {
  const explicit = options.apiUrl ?? (io.env.GPUAAS_API_URL || undefined);
  if (explicit !== undefined) {
    try {
      return new URL(explicit).href.replace(/\/+$/, '');
    } catch {
      throw new SdkError('USAGE', `the API URL "${explicit}" is not an absolute URL`);
    }
  }
  const current = (await credentialsStore(io).read()).current;
  return current ?? DEFAULT_API_URL;
}

/** A client for the command's API with the environment's credential; AUTH_REQUIRED when none. */
export async function platformClientFor(
  io: CliIo,
  options: Pick<GlobalOptions, 'apiUrl'>,
): Promise<PlatformClient> {
  const apiUrl = await resolveApiUrl(io, options);
  const tokenProvider = await tokenProviderFromEnvironment({
    env: io.env,
    apiUrl,
    store: credentialsStore(io),
  });
  if (tokenProvider === undefined) {
    throw new SdkError('AUTH_REQUIRED', `no credential for ${apiUrl}`, {
      details: {
        hint: 'run `gpuaas auth login`, or set GPUAAS_TOKEN (or GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET)',
      },
    });
  }
  return createPlatformClient({ baseUrl: apiUrl, tokenProvider });
}

// Project resolution is the library's (a script resolves names the same way).
export { isUuid, resolveProject, resolveProjectId } from '@gpuaas/sdk/client';

/** Prints a list as a table, or the API's JSON with `--output json`. */
export function printList(
  io: CliIo,
  options: GlobalOptions,
  json: unknown,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  if (wantsJson(options)) printJson(io, json);
  else printLine(io, formatTable(columns, rows));
}

/** Prints one resource as `key  value` lines, or the API's JSON. */
export function printResource(io: CliIo, options: GlobalOptions, resource: Record<string, unknown>): void {
  if (wantsJson(options)) {
    printJson(io, resource);
    return;
  }
  const rows = Object.entries(resource).map(([k, v]) => [k, v]);
  printLine(io, formatTable(['field', 'value'], rows).split('\n').slice(1).join('\n'));
}

/**
 * Wraps a command's action: API and SDK failures are reported here (so the platform's code and
 * correlation id reach the user) and set the exit status; anything else goes to the shared catch.
 */
export function action<Args extends unknown[]>(
  ctx: CommandContext,
  fn: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await fn(...args);
    } catch (error) {
      if (!(error instanceof ApiError) && !(error instanceof SdkError)) throw error;
      const command = args.at(-1) as Command | undefined;
      const opts: GlobalOptions = command?.opts() ?? {};
      reportFailure(ctx.io, error, wantsJson(opts));
      ctx.setExitCode(exitCodeFor(error));
    }
  };
}

/** What to do about a refusal whose problem document cannot say it (the platform knows no CLI). */
function hintFor(error: ApiError): string | undefined {
  switch (error.code) {
    case 'TOKEN_EXPIRED':
    case 'TOKEN_INVALID':
      return 'get a new token: `gpuaas auth login` (a login refreshes itself), or for GPUAAS_TOKEN mint a new one with `gpuaas-platform token --user EMAIL` (or use a service account: GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET)';
    case 'TOKEN_MISSING':
      return 'run `gpuaas auth login`, or set GPUAAS_TOKEN (or GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET)';
    default:
      return undefined;
  }
}

function reportFailure(io: CliIo, error: ApiError | SdkError, json: boolean): void {
  if (error instanceof ApiError) {
    const where = [
      error.runtimeCode === undefined ? undefined : `runtime_code ${error.runtimeCode}`,
      error.correlationId === undefined ? undefined : `correlation_id ${error.correlationId}`,
    ].filter((part) => part !== undefined);
    io.stderr.write(
      `error[${error.code}]: ${error.message}${where.length === 0 ? '' : ` (${where.join(', ')})`}\n`,
    );
    for (const e of error.errors) io.stderr.write(`  ${e.in} ${e.pointer}: ${e.detail}\n`);
    const hint = hintFor(error);
    if (hint !== undefined) io.stderr.write(`  hint: ${hint}\n`);
    if (json) {
      printJson(io, {
        error: {
          code: error.code,
          status: error.status,
          title: error.title,
          detail: error.detail,
          correlation_id: error.correlationId,
          errors: error.errors,
          ...(error.runtimeCode === undefined ? {} : { runtime_code: error.runtimeCode }),
          ...(error.consentDiff === undefined ? {} : { consent_diff: error.consentDiff }),
          ...(hint === undefined ? {} : { hint }),
        },
      });
    }
    return;
  }
  const hint = typeof error.details?.hint === 'string' ? `\n  hint: ${error.details.hint}` : '';
  io.stderr.write(`error[${error.code}]: ${error.message}${hint}\n`);
  if (json) printJson(io, { error: { code: error.code, message: error.message, details: error.details } });
}
