/**
 * `gpuaas app launch|status|open|stop|logs ALLOCATION`: the app a running allocation hosts. Launch
 * asks the platform to have the allocation's runtime pull, verify and start a signed artifact
 * (docs/runtime.md); `--wait` follows it until `ready` (exit 0) or a final state (APP_ENDED, exit 8).
 */
import { randomUUID } from 'node:crypto';
import { readAppStatus, waitForApp } from '@gpuaas/sdk/client';
import type { PlatformClient } from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import { printJson, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { printAppStatus } from '../app-view.js';
import { action, platformClientFor, wantsJson, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveAllocationId } from '../compute.js';
import { collect, durationFlag } from '../format.js';

/** `k=v` pairs → parameters; values stay text and the runtime types them by the manifest. */
export function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SdkError('USAGE', `--param must be name=value (got "${pair}")`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return params;
}

/** What to do after an app ended, in this CLI's commands (added to APP_ENDED's details). */
export function appEndedHint(allocationId: string): string {
  return `read its output with \`gpuaas app logs ${allocationId} --stderr\`, then launch a fixed version, or free the GPUs with \`gpuaas allocations release ${allocationId}\``;
}

export const registerApp: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const app = program.command('app').description('Launch, watch and stop the app a running allocation hosts');

  withGlobalOptions(
    app
      .command('launch')
      .description('Have the allocation’s runtime pull, verify and start a signed app artifact')
      .argument('<allocation>', 'id, or the name of an active allocation')
      .requiredOption('--artifact <ref>', 'OCI reference, by tag or digest (a tag is pinned once)')
      .option('--param <name=value>', 'launch parameter (repeatable), typed by the app’s manifest', collect)
      .option('--scope <scope>', 'platform scope granted to the app (repeatable)', collect)
      .option('--wait', 'follow the launch until the app is ready')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (default 10m, exit 7); exit 8 when the app fails',
        durationFlag('--timeout'),
      ),
  ).action(
    action(
      ctx,
      async (
        ref: string,
        options: GlobalOptions & {
          artifact: string;
          param?: string[];
          scope?: string[];
          wait?: boolean;
          timeout?: number;
        },
      ) => {
        const client = await platformClientFor(io, options);
        const allocationId = await resolveAllocationId(client, ref);
        const { data } = await client.api.POST('/v1/allocations/{allocation_id}/app', {
          params: { path: { allocation_id: allocationId }, header: { 'Idempotency-Key': randomUUID() } },
          body: {
            artifact: options.artifact,
            parameters: parseParams(options.param ?? []),
            ...(options.scope === undefined ? {} : { scopes: options.scope }),
          },
        });
        let status = data!;
        if (options.wait === true) {
          status = await waitForApp(() => readAppStatus(client, allocationId), {
            allocationId,
            hint: appEndedHint(allocationId),
            timeoutMs: options.timeout ?? 10 * 60_000,
            // Progress on stderr: stdout carries only the result (JSON with --output json).
            onChange: (s) => void io.stderr.write(`app ${s.state}${s.reason ? `: ${s.reason}` : ''}\n`),
          });
        }
        printAppStatus(io, options, status);
      },
    ),
  );

  withGlobalOptions(
    app.command('status').description('The app’s state, version, probes and hooks').argument('<allocation>'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      printAppStatus(io, options, await readAppStatus(client, await resolveAllocationId(client, ref)));
    }),
  );

  withGlobalOptions(
    app
      .command('open')
      .description(
        'Print a one-time URL (valid 60 s) that signs you in to the app’s console UI extension on its own origin',
      )
      .argument('<allocation>')
      .option('--endpoint <name>', 'the UI extension endpoint (default: the first the manifest declares)'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions & { endpoint?: string }) => {
      const client = await platformClientFor(io, options);
      const allocationId = await resolveAllocationId(client, ref);
      const { data } = await client.api.POST('/v1/allocations/{allocation_id}/app/ui-sessions', {
        params: { path: { allocation_id: allocationId }, header: { 'Idempotency-Key': randomUUID() } },
        body: options.endpoint === undefined ? {} : { endpoint: options.endpoint },
      });
      if (wantsJson(options)) printJson(io, data);
      // Only the URL on stdout, so `xdg-open "$(gpuaas app open A)"` works.
      else printLine(io, data!.url);
    }),
  );

  withGlobalOptions(
    app
      .command('stop')
      .description('Stop the app: stop hook, signal, then the whole process group')
      .argument('<allocation>'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const allocationId = await resolveAllocationId(client, ref);
      const { data } = await client.api.POST('/v1/allocations/{allocation_id}/app/stop', {
        params: { path: { allocation_id: allocationId }, header: { 'Idempotency-Key': randomUUID() } },
      });
      printAppStatus(io, options, data!);
    }),
  );

  withGlobalOptions(
    app
      .command('logs')
      .description('The app’s stdout (or --stderr); --follow streams new lines')
      .argument('<allocation>')
      .option('--stderr', 'the app’s stderr instead of stdout')
      .option('--tail <n>', 'lines to start with (default 200)', (v: string) => Number(v))
      .option('--follow', 'keep streaming new lines'),
    { output: false },
  ).action(
    action(ctx, async (ref: string, options: AppLogsOptions) => {
      const client = await platformClientFor(io, options);
      await printAppLogs(io, client, await resolveAllocationId(client, ref), options);
    }),
  );
};

/** What `gpuaas app logs` and `gpuaas apps instances logs` take. */
export interface AppLogsOptions extends GlobalOptions {
  stderr?: boolean;
  tail?: number;
  follow?: boolean;
}

/** Prints the allocation's app logs line by line (`--follow`: until the stream ends). */
export async function printAppLogs(
  io: CliIo,
  client: PlatformClient,
  allocationId: string,
  options: AppLogsOptions,
): Promise<void> {
  const res = await client.request('GET', `/v1/allocations/${allocationId}/app/logs`, {
    query: {
      stream: options.stderr === true ? 'stderr' : 'stdout',
      tail: options.tail ?? 200,
      follow: options.follow === true,
    },
  });
  if (res.body === null) return;
  const decoder = new TextDecoder();
  let partial = '';
  for await (const chunk of res.body) {
    const text = partial + decoder.decode(chunk as Uint8Array, { stream: true });
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    // --json: one object per line, so a consumer never splits a line itself.
    for (const line of lines) printLine(io, wantsJson(options) ? JSON.stringify({ line }) : line);
  }
  if (partial !== '') printLine(io, wantsJson(options) ? JSON.stringify({ line: partial }) : partial);
}
