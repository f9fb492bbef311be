import { processIo } from '../output.js';
import type { CliIo } from '../output.js';
import { runCli } from '../run.js';
import type { CliDefinition, RegisterCommand } from '../run.js';
import { SDK_VERSION } from '@gpuaas/sdk/common';
import { registerAllocations } from './commands/allocations.js';
import { registerApp } from './commands/app.js';
import { registerAppsRegistry } from './commands/apps-registry.js';
import { registerAudit } from './commands/audit.js';
import { registerAuthWith } from './commands/auth.js';
import { registerBilling } from './commands/billing.js';
import type { AuthDeps } from './commands/auth.js';
import { registerCatalog } from './commands/catalog.js';
import { registerIam } from './commands/iam.js';
import { registerNodeCredentials } from './commands/node-credentials.js';
import { registerNodes } from './commands/nodes.js';
import { registerOps } from './commands/ops.js';
import { registerProjects } from './commands/projects.js';
import { registerServiceAccounts } from './commands/service-accounts.js';
import { registerStorage } from './commands/storage.js';
import { registerTerminal } from './commands/terminal.js';

/** What a program reads and writes; tests pass their own. */
export type { CliIo } from '../output.js';

/** Seams for tests: how a login opens the browser. */
export type GpuaasDeps = AuthDeps;

/** The `gpuaas` CLI's commands, for `main` and for tests that walk them. */
export function gpuaasCli(deps: GpuaasDeps = {}): CliDefinition {
  const commands: RegisterCommand[] = [
    registerAuthWith(deps),
    registerProjects,
    registerIam,
    registerServiceAccounts,
    registerAudit,
    registerCatalog,
    registerAllocations,
    registerTerminal,
    registerApp,
    registerAppsRegistry,
    registerBilling,
    registerStorage,
    registerNodes,
    registerNodeCredentials,
    registerOps,
  ];
  return {
    name: 'gpuaas',
    description:
      'Use the GPUaaS platform: log in, manage projects and members, allocate GPUs, open terminals, see balances and charges, register and review apps, operate nodes',
    version: SDK_VERSION,
    commands,
  };
}

/** Entry point of `gpuaas`, the platform CLI; returns the exit status (docs/cli.md). */
export function main(
  argv: readonly string[] = process.argv,
  io: CliIo = processIo(),
  deps: GpuaasDeps = {},
): Promise<number> {
  return runCli(gpuaasCli(deps), argv, io);
}
