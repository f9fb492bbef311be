/**
 * `gpuaas-app push LAYOUT_DIR --to REF`: uploads an OCI layout's artifact (blobs, then manifest).
 * Thin over `@gpuaas/sdk/publish`; also home of the registry flags and transfer progress the other
 * registry commands (pull, sign, verify, promote, publish) share.
 */
import { resolve } from 'node:path';
import type { RegistryConnection, TransferProgress } from '@gpuaas/sdk/publish';
import {
  createProgress,
  printDiagnostic,
  printJson,
  printLine,
  type CliIo,
  type Progress,
} from '../../output.js';
import type { RegisterCommand } from '../../run.js';

/** Flags every registry command has. */
export interface RegistryFlags {
  plainHttp?: boolean;
  json?: boolean;
}

/**
 * The registry connection for a command: env credentials and retries, --plain-http, retry notes on
 * stderr. The library is imported only when a command runs, so `gpuaas-app --help` and commands that
 * never touch a registry do not pay for loading the registry client and signing code.
 */
export async function registryConnection(io: CliIo, flags: RegistryFlags): Promise<RegistryConnection> {
  const { connectionFromEnv } = await import('@gpuaas/sdk/publish');
  return connectionFromEnv(io.env, {
    ...(flags.plainHttp === true ? { plainHttp: true } : {}),
    onRetry: (e) =>
      printDiagnostic(io, `retrying ${e.what} in ${e.delayMs} ms (${e.reason}, attempt ${e.attempt})`),
  });
}

/** A transfer progress display made on the first report (when the total is known); silent under --json. */
export function transferProgress(
  io: CliIo,
  label: string,
  quiet: boolean,
): { update(progress: TransferProgress): void; done(message?: string): void } {
  let bar: Progress | undefined;
  return {
    update(progress) {
      bar ??= createProgress(io, label, progress.bytesTotal, { quiet });
      bar.update(progress.bytesDone);
    },
    done(message) {
      bar?.done(message);
    },
  };
}

/** Human size, for summaries. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

interface PushFlags extends RegistryFlags {
  to: string;
}

export const registerPush: RegisterCommand = (program, ctx) => {
  program
    .command('push')
    .description('Push the artifact of an OCI image layout to a registry (blobs first, then the manifest)')
    .argument('<layout>', 'OCI image layout folder (from gpuaas-app pack)')
    .requiredOption('--to <ref>', 'destination HOST[:PORT]/REPO:TAG or HOST/REPO@sha256:…')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--json', 'print { reference, digest, size, layers, bytesUploaded } as JSON')
    .action(async (layout: string, flags: PushFlags) => {
      const io = ctx.io;
      const { pushLayout } = await import('@gpuaas/sdk/publish');
      const progress = transferProgress(io, `push ${flags.to}`, flags.json === true);
      const result = await pushLayout(resolve(io.cwd, layout), flags.to, {
        connection: await registryConnection(io, flags),
        onProgress: (p) => progress.update(p),
      });
      progress.done(`${bytes(result.bytesUploaded)} uploaded`);
      if (flags.json) {
        printJson(io, result);
        return;
      }
      printLine(io, `pushed ${result.reference}`);
      printLine(
        io,
        `${result.layers.length} layer(s), ${bytes(result.bytesUploaded)} uploaded, ${result.blobsExisting} blob(s) already there`,
      );
    });
};
