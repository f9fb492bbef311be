/**
 * `gpuaas terminal ALLOCATION` (an interactive shell) and `gpuaas exec ALLOCATION -- CMD ARGS…`
 * (a command, output streamed, exit status passed on). Both mint a single-use terminal token and
 * open the platform's `gpuaas.terminal.v1` WebSocket with it.
 */
import { Writable } from 'node:stream';
import type { PlatformClient } from '@gpuaas/sdk/client';
import type { components } from '@gpuaas/platform-contract';
import { attachTty, execCommand, openTerminal } from '@gpuaas/sdk/terminal';
import type { TerminalOutput } from '@gpuaas/sdk/terminal';
import { printJson } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { action, platformClientFor, wantsJson, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { resolveAllocationId } from '../compute.js';
import { PtyLineEnds } from '../line-ends.js';

type TerminalToken = components['schemas']['TerminalToken'];

async function mintToken(
  client: PlatformClient,
  allocationId: string,
  command?: string[],
): Promise<TerminalToken> {
  const { data } = await client.api.POST('/v1/allocations/{allocation_id}/terminal-tokens', {
    params: { path: { allocation_id: allocationId } },
    ...(command === undefined ? {} : { body: { command } }),
  });
  return data!;
}

/** The socket URL without its `token` query: the token travels as a subprotocol, not in logs. */
function socketUrl(token: TerminalToken): string {
  const url = new URL(token.url);
  url.searchParams.delete('token');
  return url.toString();
}

/** The local terminal's size, when stdout is one. */
function windowSize(stdout: TerminalOutput): { cols?: number; rows?: number } {
  if (stdout.isTTY !== true || !stdout.columns || !stdout.rows) return {};
  return { cols: stdout.columns, rows: stdout.rows };
}

export const registerTerminal: RegisterCommand = (program, ctx) => {
  const { io } = ctx;

  withGlobalOptions(
    program
      .command('terminal')
      .description("Open an interactive shell in a running allocation; exits with the shell's status")
      .argument('<allocation>', 'id, or the name of an active allocation'),
  ).action(
    action(ctx, async (ref: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const token = await mintToken(client, await resolveAllocationId(client, ref));
      const stdout = io.stdout as TerminalOutput;
      const session = await openTerminal({
        url: socketUrl(token),
        token: token.token,
        ...windowSize(stdout),
        ...(io.env.TERM ? { term: io.env.TERM } : {}),
      });
      ctx.setExitCode(await attachTty(session, { stdin: io.stdin, stdout }));
    }),
  );

  withGlobalOptions(
    program
      .command('exec')
      .description('Run a command in a running allocation, stream its output, exit with its status')
      .argument('<allocation>', 'id, or the name of an active allocation')
      .argument('<command...>', 'the command and its arguments (put them after --)')
      .option('-i, --stdin', 'pass stdin to the command (default: it reads end-of-file)'),
  ).action(
    action(ctx, async (ref: string, command: string[], options: GlobalOptions & { stdin?: boolean }) => {
      const client = await platformClientFor(io, options);
      const allocationId = await resolveAllocationId(client, ref);
      const token = await mintToken(client, allocationId, command);
      const json = wantsJson(options);
      const chunks: Buffer[] = [];
      const local = io.stdout as TerminalOutput;
      // With --output json the output is collected and printed inside one JSON document.
      const stdout = json
        ? new Writable({
            write(chunk: Buffer, _encoding, callback) {
              chunks.push(chunk);
              callback();
            },
          })
        : local.isTTY === true
          ? local
          : new PtyLineEnds(local);
      const status = await execCommand({
        url: socketUrl(token),
        token: token.token,
        stdout,
        ...(options.stdin === true ? { stdin: io.stdin } : {}),
        ...windowSize(local),
        ...(io.env.TERM ? { term: io.env.TERM } : {}),
      });
      if (stdout instanceof PtyLineEnds) {
        await new Promise<void>((resolve) => stdout.end(resolve));
      }
      if (json) {
        printJson(io, {
          allocation_id: allocationId,
          command,
          exit_code: status,
          output: Buffer.concat(chunks).toString('utf8').replaceAll('\r\n', '\n'),
        });
      }
      ctx.setExitCode(status);
    }),
  );
};
