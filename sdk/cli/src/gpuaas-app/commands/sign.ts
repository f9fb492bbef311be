/**
 * `gpuaas-app sign REF --key PREFIX.key | --keyless`: signs the artifact's manifest digest and
 * attaches the Sigstore bundle as a referrer. The key may come from GPUAAS_SIGNING_KEY (path or
 * PEM), its passphrase only from GPUAAS_SIGNING_KEY_PASSWORD. Keyless signing takes the OIDC
 * identity token from an environment variable (SIGSTORE_ID_TOKEN by default), never from argv,
 * where `ps` and shell history would show it. Thin over `@gpuaas/sdk/publish` and `@gpuaas/sdk/sign`.
 */
import { SdkError } from '@gpuaas/sdk/common';
import type { CliIo } from '../../output.js';
import { printJson, printLine } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { registryConnection, type RegistryFlags } from './push.js';

interface SignFlags extends RegistryFlags {
  key?: string;
  keyless?: boolean;
  fulcioUrl?: string;
  rekorUrl?: string;
  identityTokenEnv: string;
}

const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR = 'https://rekor.sigstore.dev';

async function keylessSigner(io: CliIo, flags: SignFlags) {
  if (flags.key !== undefined) throw new SdkError('USAGE', 'use either --key or --keyless, not both');
  const token = io.env[flags.identityTokenEnv];
  if (token === undefined || token.trim() === '') {
    throw new SdkError('USAGE', `--keyless needs an OIDC identity token in $${flags.identityTokenEnv}`, {
      details: { hint: 'in GitHub Actions, request one with permissions: id-token: write' },
    });
  }
  const { createKeylessSigner } = await import('@gpuaas/sdk/sign');
  return createKeylessSigner({
    fulcioURL: flags.fulcioUrl ?? io.env.SIGSTORE_FULCIO_URL ?? PUBLIC_FULCIO,
    rekorURL: flags.rekorUrl ?? io.env.SIGSTORE_REKOR_URL ?? PUBLIC_REKOR,
    identityToken: token.trim(),
  });
}

export const registerSign: RegisterCommand = (program, ctx) => {
  program
    .command('sign')
    .description('Sign an artifact in a registry and attach the signature as a referrer')
    .argument('<ref>', 'HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .option('--key <file>', 'private key PREFIX.key (default: $GPUAAS_SIGNING_KEY, a path or PEM)')
    .option('--keyless', 'sign with a short-lived Fulcio certificate for an OIDC identity, logged in Rekor')
    .option(
      '--fulcio-url <url>',
      `Fulcio for --keyless (default: $SIGSTORE_FULCIO_URL, else ${PUBLIC_FULCIO})`,
    )
    .option('--rekor-url <url>', `Rekor for --keyless (default: $SIGSTORE_REKOR_URL, else ${PUBLIC_REKOR})`)
    .option(
      '--identity-token-env <var>',
      'variable holding the OIDC identity token for --keyless',
      'SIGSTORE_ID_TOKEN',
    )
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { reference, subject, digest, keyId, predicateType } as JSON')
    .action(async (ref: string, flags: SignFlags) => {
      const io = ctx.io;
      const { signArtifact } = await import('@gpuaas/sdk/publish');
      const { resolveSigningKey } = await import('@gpuaas/sdk/keys');
      const key = flags.keyless
        ? await keylessSigner(io, flags)
        : await resolveSigningKey(flags.key, io.env, io.cwd);
      const result = await signArtifact(ref, key, { connection: await registryConnection(io, flags) });
      if (flags.json) {
        printJson(io, result);
        return;
      }
      printLine(io, `signed ${result.reference}`);
      printLine(io, `signature ${result.digest} (key ${result.keyId ?? 'keyless'})`);
    });
};
