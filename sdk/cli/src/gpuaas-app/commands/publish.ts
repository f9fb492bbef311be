/**
 * `gpuaas-app publish [DIR] --to HOST:PORT/REPO:TAG --key PREFIX.key`: validate, pack, push and
 * sign in one step. `--to` may come from GPUAAS_PUBLISH_TO and the key from GPUAAS_SIGNING_KEY, so
 * CI needs no flags; `--dry-run` packs and shows what would be pushed. Thin over `@gpuaas/sdk/publish`.
 */
import { resolve } from 'node:path';
import { SdkError } from '@gpuaas/sdk/common';
import { SIGNING_KEY_ENV } from '@gpuaas/sdk/keys';
import type { PublishProgress } from '@gpuaas/sdk/publish';
import {
  createProgress,
  formatTable,
  printDiagnostic,
  printJson,
  printLine,
  type Progress,
} from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { bytes, registryConnection, type RegistryFlags } from './push.js';

/** Environment variable naming the destination when --to is not given. */
export const PUBLISH_TO_ENV = 'GPUAAS_PUBLISH_TO';

interface PublishFlags extends RegistryFlags {
  to?: string;
  key?: string;
  dryRun?: boolean;
}

export const registerPublish: RegisterCommand = (program, ctx) => {
  program
    .command('publish')
    .description('Validate, pack, push and sign an app in one step')
    .argument('[dir]', 'app folder holding gpuaas-app.yaml', '.')
    .option(
      '--to <ref>',
      `destination HOST[:PORT]/REPO[:TAG] (default: $${PUBLISH_TO_ENV}; tag: the app version)`,
    )
    .option('--key <file>', `private key PREFIX.key (default: $${SIGNING_KEY_ENV}, a path or PEM)`)
    .option('--dry-run', 'validate and pack, then print what would be pushed; push nothing')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { reference, digest, size, layers, signature } as JSON')
    .action(async (dir: string, flags: PublishFlags) => {
      const io = ctx.io;
      const { publishApp } = await import('@gpuaas/sdk/publish');
      const { resolveSigningKey } = await import('@gpuaas/sdk/keys');
      const fromEnv = io.env[PUBLISH_TO_ENV];
      const to = flags.to ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : undefined);
      if (to === undefined)
        throw new SdkError('USAGE', `publish needs --to HOST/REPO:TAG or ${PUBLISH_TO_ENV}`);
      const dryRun = flags.dryRun === true;
      const keyGiven = flags.key !== undefined || (io.env[SIGNING_KEY_ENV] ?? '').trim() !== '';
      const signingKey = !dryRun || keyGiven ? await resolveSigningKey(flags.key, io.env, io.cwd) : undefined;

      const quiet = flags.json === true;
      let bar: Progress | undefined;
      let phase: PublishProgress['phase'] | undefined;
      const onProgress = (p: PublishProgress): void => {
        if (p.phase !== phase) {
          bar?.done();
          bar = undefined;
          phase = p.phase;
          if (p.phase === 'sign' && !quiet) printDiagnostic(io, 'sign: signing the manifest digest');
        }
        if (p.phase === 'pack') {
          bar ??= createProgress(io, 'pack', p.bytesTotal, { quiet });
          bar.update(p.bytesDone);
        } else if (p.phase === 'push') {
          bar ??= createProgress(io, `push ${to}`, p.bytesTotal, { quiet });
          bar.update(p.bytesDone);
        }
      };
      const result = await publishApp(resolve(io.cwd, dir), {
        to,
        dryRun,
        ...(signingKey === undefined ? {} : { signingKey }),
        connection: await registryConnection(io, flags),
        onProgress,
        env: io.env,
      });
      bar?.done();
      if (flags.json) {
        printJson(io, result);
        return;
      }
      for (const warning of result.warnings) printDiagnostic(io, `warning: ${warning}`);
      printLine(io, `${dryRun ? 'would push' : 'published'} ${result.reference}`);
      printLine(
        io,
        formatTable(
          ['layer', 'size', 'digest'],
          result.layers.map((l) => [
            l.annotations?.['org.opencontainers.image.title'] ?? '',
            bytes(l.size),
            l.digest,
          ]),
        ),
      );
      if (result.signature !== null) {
        printLine(io, `signature ${result.signature.digest} (key ${result.signature.keyId ?? 'keyless'})`);
        printLine(io, `${bytes(result.bytesUploaded)} uploaded`);
      }
    });
};
