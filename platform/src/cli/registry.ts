/**
 * `gpuaas-platform registry gc`: deletes the embedded registry's blobs that no manifest
 * references (registry/gc.ts). It needs only the data folder: the registry keeps its state there.
 * Blobs younger than the grace period are spared, so it may run while the platform serves.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Registry } from '../registry/registry.js';
import type { CliContext } from './common.js';
import { parsePositiveInt, printJson } from './common.js';

interface GcCommandOptions {
  dataDir: string;
  graceSeconds?: number;
  dryRun?: boolean;
  json?: boolean;
}

export function registerRegistry(program: Command, { io }: CliContext): void {
  const registry = program.command('registry').description('Maintain the embedded OCI registry (/v2/)');
  registry
    .command('gc')
    .description('Delete blobs no manifest references, and abandoned uploads')
    .option('--data-dir <dir>', 'data folder of the platform', './.gpuaas')
    .option(
      '--grace-seconds <n>',
      'spare blobs and uploads younger than this (default 3600)',
      parsePositiveInt,
    )
    .option('--dry-run', 'report what would be deleted, delete nothing')
    .option('--json', 'print the report as JSON')
    .action(async (options: GcCommandOptions) => {
      const store = new Registry(join(resolve(options.dataDir), 'registry'));
      const report = await store.collectGarbage({
        graceMs: (options.graceSeconds ?? 3600) * 1000,
        dryRun: options.dryRun === true,
      });
      if (options.json === true) {
        printJson(io, report);
        return;
      }
      const verb = options.dryRun === true ? 'would delete' : 'deleted';
      io.stdout.write(
        `${report.repositories} repositories, ${report.manifests} manifests, ${report.markedBlobs} blobs in use; ` +
          `${verb} ${report.deletedBlobs.length} blobs (${report.freedBytes} bytes) and ${report.deletedUploads} uploads\n`,
      );
    });
}
