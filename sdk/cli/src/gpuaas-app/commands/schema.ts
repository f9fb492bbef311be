/**
 * `gpuaas-app schema`: prints the manifest's JSON Schema (draft 2020-12), e.g. to point an editor
 * at a local copy or to feed another validator.
 */
import { manifestSchema } from '@gpuaas/manifest-schema';
import { printJson } from '../../output.js';
import type { RegisterCommand } from '../../run.js';

export const registerSchema: RegisterCommand = (program, ctx) => {
  program
    .command('schema')
    .description('Print the JSON Schema of gpuaas-app.yaml')
    .option('--json', 'print JSON (the default and only format)')
    .action(() => {
      printJson(ctx.io, manifestSchema);
    });
};
