/**
 * The one top-level catch shared by the CLIs: parses argv with commander, runs the command, and
 * turns whatever escapes into an exit status and a short report. Command files stay thin: they
 * parse options, call the library, print, and set a non-zero exit status only for "check failed".
 */
import { Command, CommanderError } from 'commander';
import type { Option } from 'commander';
import { SdkError, exitCodeFor } from '../errors.js';
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

/** Exit statuses shared by every command; docs and tests rely on them. */
export const EXIT = { OK: 0, CHECK_FAILED: 1, USAGE_OR_IO: 2, INTERNAL: 70 } as const;

export async function runCli(definition: CliDefinition, argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.OK;
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

const requiredByCommand = new WeakMap<Command, readonly Option[]>();

/** The required options of a command of a program built by createProgram. */
export function requiredOptions(command: Command): readonly Option[] {
  return requiredByCommand.get(command) ?? command.options.filter((o) => o.mandatory);
}

/**
 * Commander reports a missing required option before an unknown one, so a typo (`--gpu 2`) reads
 * "required option '--gpus <n>' not specified". Required options are checked here instead, in a
 * preAction hook, which runs after commander's unknown-option check and its did-you-mean.
 */
export function unknownBeforeMissing(command: Command): void {
  const required = command.options.filter((o) => o.mandatory);
  if (required.length === 0) return;
  requiredByCommand.set(command, required);
  for (const option of required) option.mandatory = false;
  command.hook('preAction', (_program, actionCommand) => {
    if (actionCommand !== command) return;
    for (const option of required) {
      if (command.getOptionValue(option.attributeName()) === undefined) {
        command.error(`error: required option '${option.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
          exitCode: EXIT.USAGE_OR_IO,
        });
      }
    }
  });
}

function hasPair(argv: readonly string[], flag: string, value: string): boolean {
  const i = argv.indexOf(flag);
  return (i >= 0 && argv[i + 1] === value) || argv.includes(`${flag}=${value}`);
}

function reportError(error: unknown, io: CliIo, wantsJson: boolean): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return EXIT.OK;
    }
    return EXIT.USAGE_OR_IO; // commander has already printed the message
  }
  if (error instanceof SdkError) {
    return reportSdkError(error as SdkError, io, wantsJson);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`internal error: ${message}\n`);
  if (io.env.GPUAAS_DEBUG && error instanceof Error && error.stack) io.stderr.write(error.stack + '\n');
  if (wantsJson) io.stdout.write(JSON.stringify({ error: { code: 'INTERNAL', message } }) + '\n');
  return EXIT.INTERNAL;
}

function reportSdkError(error: SdkError, io: CliIo, wantsJson: boolean): number {
  {
    const hint = typeof error.details?.hint === 'string' ? `\n  hint: ${error.details.hint}` : '';
    io.stderr.write(`error[${error.code}]: ${error.message}${hint}\n`);
    if (wantsJson) {
      io.stdout.write(
        JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } }) +
          '\n',
      );
    }
    return exitCodeFor(error.code);
  }
}
