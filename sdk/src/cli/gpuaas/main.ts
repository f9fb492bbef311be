import { processIo } from '../output.js';
import type { CliIo } from '../output.js';
import { runCli } from '../run.js';
import type { RegisterCommand } from '../run.js';
import { SDK_VERSION } from '../../version.js';
import { registerAudit } from './commands/audit.js';
import { registerAuthWith } from './commands/auth.js';
import type { AuthDeps } from './commands/auth.js';
import { registerIam } from './commands/iam.js';
import { registerProjects } from './commands/projects.js';
import { registerServiceAccounts } from './commands/service-accounts.js';

/** Seams for tests: how a login opens the browser. */
export type GpuaasDeps = AuthDeps;

/** Entry point of `gpuaas`, the platform CLI; returns the exit status (docs/cli.md). */
export function main(
  argv: readonly string[] = process.argv,
  io: CliIo = processIo(),
  deps: GpuaasDeps = {},
): Promise<number> {
  const commands: RegisterCommand[] = [
    registerAuthWith(deps),
    registerProjects,
    registerIam,
    registerServiceAccounts,
    registerAudit,
  ];
  return runCli(
    {
      name: 'gpuaas',
      description: 'Use the GPUaaS platform: log in, manage projects, members, service accounts and audit',
      version: SDK_VERSION,
      commands,
    },
    argv,
    io,
  );
}
