/**
 * `gpuaas app launch|status|stop|logs ALLOCATION`: the app a running allocation hosts. Launch
 * asks the platform to have the allocation's runtime pull, verify and start a signed artifact
 * (docs/runtime.md); `--wait` follows it until `ready` (exit 0) or a final state (exit 6).
 */
import { randomUUID } from 'node:crypto';
import type { PlatformClient } from '../../../client/client.js';
import { SdkError } from '../../../errors.js';
import { printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { printAppStatus } from '../app-view.js';
import { action, clientFor, wantsJson, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveAllocationId } from '../compute.js';
import { collect, parseDuration } from '../format.js';

type AppStatus = { state: string; reason?: string | null; code?: string } & Record<string, unknown>;

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

async function appStatus(client: PlatformClient, allocationId: string): Promise<AppStatus> {
  const { data } = await client.api.GET('/v1/allocations/{allocation_id}/app', {
    params: { path: { allocation_id: allocationId } },
  });
  return data as AppStatus;
}

/**
 * Polls the status until `ready` or a final state; returns the last status. An app that ends
 * `failed` or `stopped` is APP_ENDED (the allocation keeps running), carrying the runtime's own
 * code (e.g. HOOK_FAILED) unchanged as `runtime_code`.
 */
export async function waitForApp(
  read: () => Promise<AppStatus>,
  options: {
    timeoutMs: number;
    onChange?: (status: AppStatus) => void;
    pollMs?: number;
    /** Named in the hint. */
    allocationId?: string;
  },
): Promise<AppStatus> {
  const deadline = Date.now() + options.timeoutMs;
  const allocation = options.allocationId ?? 'ALLOCATION';
  let last: string | undefined;
  for (;;) {
    const status = await read();
    if (status.state !== last) options.onChange?.(status);
    last = status.state;
    if (status.state === 'ready') return status;
    if (status.state === 'stopped' || status.state === 'failed') {
      const code = typeof status.code === 'string' ? status.code : undefined;
      throw new SdkError(
        'APP_ENDED',
        `the app is ${status.state}${code === undefined ? '' : ` (${code})`}: ${status.reason ?? 'no reason given'}; the allocation keeps running`,
        {
          details: {
            allocation_id: options.allocationId,
            state: status.state,
            runtime_code: code ?? null,
            reason: status.reason ?? null,
            status,
            hint: `read its output with \`gpuaas app logs ${allocation} --stderr\`, then launch a fixed version, or free the GPUs with \`gpuaas allocations release ${allocation}\``,
          },
        },
      );
    }
    if (Date.now() > deadline) {
      throw new SdkError('WAIT_TIMEOUT', `the app is still ${status.state} after the timeout`, {
        details: { status },
      });
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
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
        parseDuration('--timeout'),
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
        const client = await clientFor(io, options);
        const allocationId = await resolveAllocationId(client, ref);
        const { data } = await client.api.POST('/v1/allocations/{allocation_id}/app', {
          params: { path: { allocation_id: allocationId }, header: { 'Idempotency-Key': randomUUID() } },
          body: {
            artifact: options.artifact,
            parameters: parseParams(options.param ?? []),
            ...(options.scope === undefined ? {} : { scopes: options.scope }),
          },
        });
        let status = data as AppStatus;
        if (options.wait === true) {
          status = await waitForApp(() => appStatus(client, allocationId), {
            allocationId,
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
      const client = await clientFor(io, options);
      printAppStatus(io, options, await appStatus(client, await resolveAllocationId(client, ref)));
    }),
  );

  withGlobalOptions(
    app
      .command('stop')
      .description('Stop the app: stop hook, signal, then the whole process group')
      .argument('<allocation>'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await clientFor(io, options);
      const allocationId = await resolveAllocationId(client, ref);
      const { data } = await client.api.POST('/v1/allocations/{allocation_id}/app/stop', {
        params: { path: { allocation_id: allocationId }, header: { 'Idempotency-Key': randomUUID() } },
      });
      printAppStatus(io, options, data as AppStatus);
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
    action(
      ctx,
      async (ref: string, options: GlobalOptions & { stderr?: boolean; tail?: number; follow?: boolean }) => {
        const client = await clientFor(io, options);
        const allocationId = await resolveAllocationId(client, ref);
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
      },
    ),
  );
};
