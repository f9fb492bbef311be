/**
 * `gpuaas-app pull REF --output DIR`: downloads an artifact into an OCI image layout, every byte
 * checked against its digest. Thin over `@gpuaas/sdk/publish`.
 */
import { resolve } from 'node:path';
import { printJson, printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { bytes, registryConnection, transferProgress, type RegistryFlags } from './push.js';

interface PullFlags extends RegistryFlags {
  output: string;
}

export const registerPull: RegisterCommand = (program, ctx) => {
  program
    .command('pull')
    .description('Pull an artifact into an OCI image layout, verifying every manifest and blob')
    .argument('<ref>', 'HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .requiredOption('-o, --output <dir>', 'OCI image layout folder to write (created if missing)')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { reference, digest, size, layout, tag, layers, bytesDownloaded } as JSON')
    .action(async (ref: string, flags: PullFlags) => {
      const io = ctx.io;
      const { pullArtifact } = await import('@gpuaas/sdk/publish');
      const progress = transferProgress(io, `pull ${ref}`, flags.json === true);
      const result = await pullArtifact(ref, resolve(io.cwd, flags.output), {
        connection: await registryConnection(io, flags),
        onProgress: (p) => progress.update(p),
      });
      progress.done(`${bytes(result.bytesDownloaded)} downloaded`);
      if (flags.json) {
        printJson(io, result);
        return;
      }
      printLine(io, `pulled ${result.reference}`);
      printLine(io, `into ${result.layout}${result.tag === undefined ? '' : ` (tag ${result.tag})`}`);
    });
};
