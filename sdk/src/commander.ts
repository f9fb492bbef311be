/**
 * Conventions every GPUaaS command-line program built on commander shares (`gpuaas`, `gpuaas-app`,
 * `gpuaas-platform`): an unknown option is reported before a missing required one.
 */
import type { Command, Option } from 'commander';
import { EXIT_CODES } from './exit-codes.js';

const requiredByCommand = new WeakMap<Command, readonly Option[]>();

/** The required options of a command, also after unknownBeforeMissing took them over. */
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
          exitCode: EXIT_CODES.USAGE,
        });
      }
    }
  });
}
