/**
 * `gpuaas-app pack [DIR] --output LAYOUT_DIR`: packs an app reproducibly into an OCI image layout
 * (which `push`, skopeo or any OCI tool can read). Thin over `@gpuaas/sdk/pack`.
 */
import { resolve } from 'node:path';
import {
  createProgress,
  formatTable,
  printDiagnostic,
  printJson,
  printLine,
  type Progress,
} from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { bytes } from './push.js';

interface PackFlags {
  output: string;
  tag?: string;
  json?: boolean;
}

export const registerPack: RegisterCommand = (program, ctx) => {
  program
    .command('pack')
    .description('Pack an app folder into a reproducible OCI image layout')
    .argument('[dir]', 'app folder holding gpuaas-app.yaml', '.')
    .requiredOption('-o, --output <layout>', 'OCI image layout folder to write')
    .option('--tag <tag>', 'tag in the layout (default: the app version)')
    .option('--json', 'print { layout, digest, size, tag, layers, warnings } as JSON')
    .action(async (dir: string, flags: PackFlags) => {
      const io = ctx.io;
      const { packApp } = await import('@gpuaas/sdk/pack');
      let bar: Progress | undefined;
      const result = await packApp(resolve(io.cwd, dir), {
        output: resolve(io.cwd, flags.output),
        ...(flags.tag === undefined ? {} : { tag: flags.tag }),
        onProgress: (p) => {
          bar ??= createProgress(io, 'pack', p.bytesTotal, { quiet: flags.json === true });
          bar.update(p.bytesDone);
        },
      });
      bar?.done();
      const summary = {
        layout: result.layout,
        digest: result.manifestDescriptor.digest,
        size: result.manifestDescriptor.size,
        tag: result.tag,
        created: result.created,
        layers: result.layers.map((l) => ({
          name: l.name,
          mediaType: l.mediaType,
          digest: l.digest,
          size: l.size,
          files: l.files,
        })),
        warnings: result.warnings,
      };
      if (flags.json) {
        printJson(io, summary);
        return;
      }
      for (const warning of result.warnings) printDiagnostic(io, `warning: ${warning}`);
      printLine(io, `packed ${summary.layout}:${summary.tag}`);
      printLine(io, `digest ${summary.digest}`);
      printLine(
        io,
        formatTable(
          ['layer', 'files', 'size', 'digest'],
          summary.layers.map((l) => [l.name, l.files, bytes(l.size), l.digest]),
        ),
      );
    });
};
