/**
 * The one top-level catch shared by the CLIs: parses argv with commander, runs the command, and
 * turns whatever escapes into an exit status and a short report. Command files stay thin: they
 * parse options, call the library, print, and set a non-zero exit status only for "check failed".
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, exitCodeFor, isSdkError, unknownBeforeMissing } from '@gpuaas/sdk/common';
import type { SdkError } from '@gpuaas/sdk/common';
import type { CliIo } from './output.js';

export interface CommandContext {
  io: CliIo;
  /** Sets the exit status the CLI returns when the command ends normally (e.g. 1 for "invalid"). */
  setExitCode(code: number): void;
}

/** A command module adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export interface CliDefinition {
  name: string;
  description: string;
  version: string;
  commands: readonly RegisterCommand[];
}

export async function runCli(definition: CliDefinition, argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT_CODES.OK;
  const ctx: CommandContext = { io, setExitCode: (code) => void (exitCode = code) };
  const program = createProgram(definition, ctx);

  // Only options before `--`: what follows belongs to a remote command (`gpuaas exec A -- cmd --json`).
  const end = argv.indexOf('--');
  const own = end < 0 ? argv : argv.slice(0, end);
  const wantsJson =
    own.includes('--json') || own.includes('--format=json') || hasPair(own, '--output', 'json');
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    return reportError(error, io, wantsJson);
  }
}

/** The CLI's commander program with every command registered and configured (tests walk it). */
export function createProgram(definition: CliDefinition, ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command(definition.name)
    .description(definition.description)
    .version(definition.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride();
  for (const register of definition.commands) register(program, ctx);
  // Subcommands inherit exitOverride/configureOutput only when set before they are created.
  for (const sub of program.commands) propagate(program, sub);
  return program;
}

function propagate(parent: Command, sub: Command): void {
  sub.exitOverride();
  sub.configureOutput(parent.configureOutput());
  unknownBeforeMissing(sub);
  for (const child of sub.commands) propagate(sub, child);
}

function hasPair(argv: readonly string[], flag: string, value: string): boolean {
  const i = argv.indexOf(flag);
  return (i >= 0 && argv[i + 1] === value) || argv.includes(`${flag}=${value}`);
}

function reportError(error: unknown, io: CliIo, wantsJson: boolean): number {
  if (error instanceof CommanderError) return exitCodeFor(error); // commander has printed the message
  if (isSdkError(error)) return reportSdkError(error, io, wantsJson);
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`internal error: ${message}\n`);
  if (io.env.GPUAAS_DEBUG && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
  if (wantsJson) io.stdout.write(JSON.stringify({ error: { code: 'INTERNAL', message } }) + '\n');
  return EXIT_CODES.INTERNAL;
}

function reportSdkError(error: SdkError, io: CliIo, wantsJson: boolean): number {
  const hint = typeof error.details?.hint === 'string' ? `\n  hint: ${error.details.hint}` : '';
  io.stderr.write(`error[${error.code}]: ${error.message}${hint}\n`);
  if (wantsJson) {
    io.stdout.write(
      JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }) + '\n',
    );
  }
  return exitCodeFor(error);
}
