/**
 * `gpuaas-app sign REF --key PREFIX.key`: signs the artifact's manifest digest and attaches the
 * Sigstore bundle as a referrer. The key may come from GPUAAS_SIGNING_KEY (path or PEM), its
 * passphrase only from GPUAAS_SIGNING_KEY_PASSWORD. Thin over sdk/src/publish.
 */
import { printJson, printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { registryConnection, type RegistryFlags } from './push.js';

interface SignFlags extends RegistryFlags {
  key?: string;
}

export const registerSign: RegisterCommand = (program, ctx) => {
  program
    .command('sign')
    .description('Sign an artifact in a registry and attach the signature as a referrer')
    .argument('<ref>', 'HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .option('--key <file>', 'private key PREFIX.key (default: $GPUAAS_SIGNING_KEY, a path or PEM)')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { reference, subject, digest, keyId, predicateType } as JSON')
    .action(async (ref: string, flags: SignFlags) => {
      const io = ctx.io;
      const { resolveSigningKey } = await import('../../../publish/keys.js');
      const { signArtifact } = await import('../../../publish/sign.js');
      const key = await resolveSigningKey(flags.key, io.env, io.cwd);
      const result = await signArtifact(ref, key, { connection: await registryConnection(io, flags) });
      if (flags.json) {
        printJson(io, result);
        return;
      }
      printLine(io, `signed ${result.reference}`);
      printLine(io, `signature ${result.digest} (key ${result.keyId ?? 'keyless'})`);
    });
};
