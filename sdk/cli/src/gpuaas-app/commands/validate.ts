/**
 * `gpuaas-app validate [PATH…]`: checks manifests and reports every problem at once. Thin over
 * `@gpuaas/sdk/manifest`; this file only picks the output format and the exit status (0 valid, 1 invalid,
 * 2 usage or I/O error).
 */
import { isAbsolute, resolve } from 'node:path';
import { EXIT_CODES, SdkError } from '@gpuaas/sdk/common';
import type * as Manifest from '@gpuaas/sdk/manifest';
import type { GpuCatalog, ManifestValidationResult } from '@gpuaas/sdk/manifest';
import type { RegisterCommand } from '../../run.js';
import { printDiagnostic, printJson, type CliIo } from '../../output.js';

const FORMATS = ['human', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

interface ValidateFlags {
  format: string;
  catalog?: string;
  json?: boolean;
}

function useColor(io: CliIo): boolean {
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
}

// Loaded on use: the manifest module brings the validator (the precompiled schema, ~180 KB of
// code, and the fast YAML reader), which every other command would otherwise load at start-up.
type ManifestModule = typeof Manifest;

async function validateOne(
  io: CliIo,
  manifest: ManifestModule,
  path: string,
  catalog: GpuCatalog | undefined,
  sources: Map<string, string>,
): Promise<ManifestValidationResult> {
  const { readManifestSource, validateManifestText } = manifest;
  const source = await readManifestSource(path, io.cwd);
  if (!('text' in source)) {
    const error = {
      file: source.file,
      line: 1,
      column: 1,
      pointer: '',
      code: 'io-error',
      message: source.message,
      severity: 'error',
    } as const;
    return { file: source.file, value: undefined, errors: [error], warnings: [] };
  }
  sources.set(source.file, source.text);
  return validateManifestText(source.text, catalog ? { file: source.file, catalog } : { file: source.file });
}

export const registerValidate: RegisterCommand = (program, ctx) => {
  program
    .command('validate')
    .description('Check app manifests: every error at once, with file:line:col, a JSON pointer and a hint')
    .argument('[paths...]', 'manifest files, or folders holding gpuaas-app.yaml (default: .)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'human')
    .option('--catalog <fileOrUrl>', 'check GPU models against a catalog (JSON file or http(s) URL)')
    .option('--json', 'same as --format json')
    .action(async (paths: string[], flags: ValidateFlags) => {
      const io = ctx.io;
      const format = (flags.json ? 'json' : flags.format) as Format;
      if (!FORMATS.includes(format)) {
        throw new SdkError('USAGE', `unknown --format "${flags.format}"; use one of ${FORMATS.join(', ')}`);
      }
      const manifest = await import('@gpuaas/sdk/manifest');
      const { formatGithub, formatHuman, formatJson, formatSarif, loadGpuCatalog } = manifest;
      const where = flags.catalog;
      const catalog =
        where === undefined
          ? undefined
          : await loadGpuCatalog(
              /^https?:\/\//i.test(where) || isAbsolute(where) ? where : resolve(io.cwd, where),
            );
      const sources = new Map<string, string>();
      const results: ManifestValidationResult[] = [];
      for (const path of paths.length > 0 ? paths : ['.'])
        results.push(await validateOne(io, manifest, path, catalog, sources));

      if (format === 'json') printJson(io, formatJson(results));
      else if (format === 'sarif') printJson(io, formatSarif(results));
      else if (format === 'github') {
        io.stdout.write(formatGithub(results));
        const summary = formatHuman(results, sources).trimEnd().split('\n').at(-1);
        if (summary !== undefined) printDiagnostic(io, summary);
      } else io.stdout.write(formatHuman(results, sources, { color: useColor(io) }));

      const all = results.flatMap((r) => r.errors);
      if (all.some((e) => e.code === 'io-error')) ctx.setExitCode(EXIT_CODES.USAGE);
      else if (all.length > 0) ctx.setExitCode(EXIT_CODES.REFUSED);
    });
};
