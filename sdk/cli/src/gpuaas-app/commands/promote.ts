/**
 * `gpuaas-app promote SRC_REF --to HOST:PORT/REPO:TAG --attest-key PREFIX.key`: copies an artifact
 * by digest into a release repository with its referrers, adds a signed approval attestation and
 * binds the release tag (never moving one bound to another digest: TAG_CONFLICT, exit 1).
 * Thin over `@gpuaas/sdk/publish`.
 */
import { ATTEST_KEY_ENV, ATTEST_KEY_PASSWORD_ENV } from '@gpuaas/sdk/keys';
import { printJson, printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { bytes, registryConnection, transferProgress, type RegistryFlags } from './push.js';

interface PromoteFlags extends RegistryFlags {
  to: string;
  attestKey?: string;
  approver?: string;
}

export const registerPromote: RegisterCommand = (program, ctx) => {
  program
    .command('promote')
    .description('Copy an artifact by digest into a release repository, with its signatures and an approval')
    .argument('<src>', 'source HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .requiredOption('--to <ref>', 'release HOST[:PORT]/REPO:TAG')
    .option(
      '--attest-key <file>',
      `approval signing key PREFIX.key (default: $${ATTEST_KEY_ENV}, a path or PEM)`,
    )
    .option('--approver <name>', 'who approved, recorded in the attestation (default: key:<key id>)')
    .option('--plain-http', 'talk plain HTTP to the registries (loopback registries always do)')
    .option('--json', 'print { reference, digest, referrersCopied, bytesCopied, approval } as JSON')
    .action(async (src: string, flags: PromoteFlags) => {
      const io = ctx.io;
      const { promoteArtifact } = await import('@gpuaas/sdk/publish');
      const { resolveSigningKey } = await import('@gpuaas/sdk/keys');
      const attestKey = await resolveSigningKey(flags.attestKey, io.env, io.cwd, {
        keyEnv: ATTEST_KEY_ENV,
        passwordEnv: ATTEST_KEY_PASSWORD_ENV,
        flag: '--attest-key',
      });
      const progress = transferProgress(io, `promote ${src}`, flags.json === true);
      const result = await promoteArtifact(src, flags.to, {
        attestKey,
        ...(flags.approver === undefined ? {} : { approver: flags.approver }),
        connection: await registryConnection(io, flags),
        onProgress: (p) => progress.update(p),
      });
      progress.done(`${bytes(result.bytesCopied)} copied`);
      if (flags.json) {
        printJson(io, result);
        return;
      }
      const mounted = result.blobs.filter((b) => b.outcome === 'mounted').length;
      printLine(io, `promoted ${result.reference}`);
      printLine(
        io,
        `${result.blobs.length} blob(s): ${mounted} mounted, ${bytes(result.bytesCopied)} copied; ${result.referrersCopied} referrer(s) carried`,
      );
      printLine(io, `approval ${result.approval.digest}${result.approval.created ? '' : ' (already there)'}`);
    });
};
