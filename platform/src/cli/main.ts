/**
 * `gpuaas-platform`: `serve` runs the platform; `token` mints a short-lived access token straight
 * from the data folder or database (bootstrap for automation and tests: whoever holds those holds
 * the platform anyway), `node-credentials` issues node agents' credentials the same way, and
 * `node-agent` runs the node agent on a GPU machine that joins a platform elsewhere. One top-level catch turns errors into `error[CODE]: message` and an exit
 * status from the one table of the CLIs (`EXIT_CODES`, docs/cli.md): 0 ok, 2 usage or configuration,
 * 70 internal.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, exitCodeFor, unknownBeforeMissing } from '@gpuaas/sdk';
import { isPlatformError } from '../errors.js';
import type { PlatformErrorCode } from '../errors.js';
import { registerBilling } from './billing.js';
import { printJson } from './common.js';
import { NODE_AGENT_COMMAND, registerNodeAgent, runNodeAgent } from './node-agent.js';
import { registerNodeCredentials } from './node-credentials.js';
import type { CliContext, PlatformCliIo } from './common.js';
import { registerRegistry } from './registry.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';
import { registerUsers } from './users.js';

export type { PlatformCliIo } from './common.js';

function defaultIo(): PlatformCliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Runs the CLI; resolves with the exit status.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: PlatformCliIo = defaultIo()): Promise<number> {
  // The node agent parses its own options (and prints its own help and errors).
  if (argv[2] === NODE_AGENT_COMMAND) return runNodeAgent(argv.slice(3), io);
  const program = new Command('gpuaas-platform')
    .description('The GPUaaS platform core: REST API, identity, audit, nodes and allocations')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride();
  let exitCode: number = EXIT_CODES.OK;
  const ctx: CliContext = { io, setExitCode: (code) => void (exitCode = code) };
  registerServe(program, ctx);
  registerToken(program, ctx);
  registerUsers(program, ctx);
  registerBilling(program, ctx);
  registerRegistry(program, ctx);
  registerNodeCredentials(program, ctx);
  registerNodeAgent(program);
  const subcommands = (command: Command): Command[] =>
    command.commands.flatMap((c) => [c, ...subcommands(c)]);
  for (const sub of subcommands(program)) {
    sub.exitOverride();
    sub.configureOutput(program.configureOutput());
    // `token --usr x` says "unknown option '--usr' (Did you mean --user?)", not "--user required".
    unknownBeforeMissing(sub);
  }
  const json = argv.some(
    (arg, i) => arg === '--json' || arg === '--output=json' || (arg === '--output' && argv[i + 1] === 'json'),
  );
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeFor(error); // commander has printed it
    const code: PlatformErrorCode = isPlatformError(error) ? error.code : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error[${code}]: ${message}\n`);
    if (json) printJson(io, { error: { code, message } });
    // The server's own errors here are configuration it refused (a port in use, a bad flag value).
    return code === 'INTERNAL' ? EXIT_CODES.INTERNAL : EXIT_CODES.USAGE;
  }
}
