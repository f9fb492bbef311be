import { processIo, type CliIo } from '../output.js';
import { runCli, type CliDefinition, type RegisterCommand } from '../run.js';
import { SDK_VERSION } from '@gpuaas/sdk/common';
import { registerInit } from './commands/init.js';
import { registerKeygen } from './commands/keygen.js';
import { registerValidate } from './commands/validate.js';
import { registerSchema } from './commands/schema.js';
import { registerPack } from './commands/pack.js';
import { registerPush } from './commands/push.js';
import { registerPull } from './commands/pull.js';
import { registerSign } from './commands/sign.js';
import { registerVerify } from './commands/verify.js';
import { registerPromote } from './commands/promote.js';
import { registerPublish } from './commands/publish.js';
import { registerDev } from './commands/dev.js';

/** What a program reads and writes; tests pass their own. */
export type { CliIo } from '../output.js';

// One line per command module; each file stays thin over the library it wraps.
const commands: RegisterCommand[] = [
  registerInit,
  registerKeygen,
  registerValidate,
  registerSchema,
  registerPack,
  registerPush,
  registerPull,
  registerSign,
  registerVerify,
  registerPromote,
  registerPublish,
  registerDev,
];

export const gpuaasAppCli: CliDefinition = {
  name: 'gpuaas-app',
  description: 'Build, validate, package, sign and publish GPUaaS apps',
  version: SDK_VERSION,
  commands,
};

/** Entry point of `gpuaas-app`; returns the exit status. */
export function main(argv: readonly string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  return runCli(gpuaasAppCli, argv, io);
}
