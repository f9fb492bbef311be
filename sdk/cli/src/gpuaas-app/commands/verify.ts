/**
 * `gpuaas-app verify REF (--key PREFIX.pub | --policy FILE)`: checks the artifact's signatures in
 * the registry. Exit 0 verified, 1 refused (the reasons are printed), 2 usage or I/O. Thin over
 * `@gpuaas/sdk/publish`.
 */
import { resolve } from 'node:path';
import { EXIT_CODES, SdkError } from '@gpuaas/sdk/common';
import type { ArtifactTrust } from '@gpuaas/sdk/publish';
import { printDiagnostic, printJson, printLine, type CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { registryConnection, type RegistryFlags } from './push.js';

interface VerifyFlags extends RegistryFlags {
  key?: string[];
  policy?: string;
}

async function trustFrom(io: CliIo, flags: VerifyFlags): Promise<ArtifactTrust> {
  const keys = flags.key ?? [];
  if (keys.length > 0 === (flags.policy !== undefined)) {
    throw new SdkError('USAGE', 'verify needs either --key PREFIX.pub or --policy FILE (not both)');
  }
  if (flags.policy !== undefined) {
    const { loadTrustPolicy } = await import('@gpuaas/sdk/sign');
    return { policy: await loadTrustPolicy(resolve(io.cwd, flags.policy)) };
  }
  const { loadPublicKey } = await import('@gpuaas/sdk/keys');
  return { publicKeys: await Promise.all(keys.map((k) => loadPublicKey(k, { baseDir: io.cwd }))) };
}

export const registerVerify: RegisterCommand = (program, ctx) => {
  program
    .command('verify')
    .description("Verify an artifact's signatures against trusted keys or a trust policy")
    .argument('<ref>', 'HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .option('--key <file>', 'trusted public key PREFIX.pub (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--policy <file>', 'trust policy file (YAML or JSON, see docs/trust-policy.md)')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { allowed, code, reasons, reference, digest, verified } as JSON')
    .action(async (ref: string, flags: VerifyFlags) => {
      const io = ctx.io;
      const trust = await trustFrom(io, flags);
      const { verifyArtifact } = await import('@gpuaas/sdk/publish');
      const result = await verifyArtifact(ref, trust, { connection: await registryConnection(io, flags) });
      if (flags.json) {
        const { decision, ...rest } = result;
        printJson(io, decision === undefined ? rest : { ...rest, policies: decision.policies });
      } else if (result.allowed) {
        printLine(io, `verified ${result.reference}`);
        for (const v of result.verified) {
          printLine(io, `  ${v.predicateType} by key ${v.keyId}${v.authority ? ` (${v.authority})` : ''}`);
        }
      } else {
        printLine(io, `refused ${result.reference}`);
        for (const reason of result.reasons) printLine(io, `  ${reason}`);
      }
      if (!result.allowed) {
        printDiagnostic(
          io,
          `error[${result.code ?? 'SIGNATURE_INVALID'}]: ${result.reasons[0] ?? 'not verified'}`,
        );
        ctx.setExitCode(EXIT_CODES.REFUSED);
      }
    });
};
