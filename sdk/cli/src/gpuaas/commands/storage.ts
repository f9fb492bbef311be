/**
 * `gpuaas storage volumes create|list|get|resize|delete|placement` and
 * `gpuaas storage snapshots create|list|restore|delete` (docs/storage.md): thin over the SDK's
 * storage module. Volumes and snapshots are named by name (or id) in the project; attach one to
 * an allocation with `gpuaas allocations create … --volume NAME:/mnt/PATH[:ro]`.
 */
import {
  createSnapshot,
  createVolume,
  deleteSnapshot,
  deleteVolume,
  findSnapshot,
  findVolume,
  listSnapshots,
  listVolumes,
  resizeVolume,
  restoreSnapshot,
  volumePlacement,
} from '@gpuaas/sdk/client';
import type { StorageSnapshot, StorageVolume } from '@gpuaas/sdk/client';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { action, platformClientFor, printList, printResource, withGlobalOptions } from '../common.js';
import type { GlobalOptions } from '../common.js';
import { parseInteger } from '../format.js';
import { PROJECT_HELP, projectFor } from '../project.js';

interface ProjectOptions extends GlobalOptions {
  project?: string;
}

const VOLUME_COLUMNS = ['id', 'name', 'size_gib', 'state', 'site', 'attached_to', 'created_at'];
const SNAPSHOT_COLUMNS = ['id', 'name', 'volume', 'size_gib', 'site', 'created_at'];
const sizeOption = parseInteger('--size', 1, 65536);

function volumeRow(v: StorageVolume): unknown[] {
  const attached = v.attachments.map((a) => `${a.allocation_id}${a.read_only ? ' (ro)' : ''}`).join(', ');
  return [v.id, v.name, v.size_gib, v.state, v.site, attached || '-', v.created_at];
}

function printVolume(io: CliIo, options: GlobalOptions, v: StorageVolume): void {
  printResource(io, options, v);
}

function snapshotRow(s: StorageSnapshot): unknown[] {
  return [s.id, s.name, s.volume_id ?? '-', s.size_gib, s.site, s.created_at];
}

export const registerStorage: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const storage = program.command('storage').description('Persistent project volumes and their snapshots');
  const volumes = storage.command('volumes').description('Volumes that outlive allocations');
  const snapshots = storage.command('snapshots').description('Point-in-time copies of volumes');

  const project = async (options: ProjectOptions) => {
    const client = await platformClientFor(io, options);
    return { client, projectId: (await projectFor(io, client, options.project)).id };
  };

  withGlobalOptions(
    volumes
      .command('create <name>')
      .description('Create a volume of --size GiB')
      .requiredOption('--size <gib>', 'size in GiB (1 to 65536)', sizeOption)
      .option('--site <site>', 'where it lives (default: the platform default, local)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (name: string, options: ProjectOptions & { size: number; site?: string }) => {
      const { client, projectId } = await project(options);
      const v = await createVolume(client, {
        projectId,
        name,
        sizeGib: options.size,
        ...(options.site === undefined ? {} : { site: options.site }),
      });
      printVolume(io, options, v);
    }),
  );

  withGlobalOptions(
    volumes.command('list').description("The project's volumes").option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: ProjectOptions) => {
      const { client, projectId } = await project(options);
      const items = await listVolumes(client, projectId);
      printList(io, options, { items }, VOLUME_COLUMNS, items.map(volumeRow));
    }),
  );

  withGlobalOptions(
    volumes
      .command('get <volume>')
      .description('One volume (name or id) with its attachments')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions) => {
      const { client, projectId } = await project(options);
      printVolume(io, options, await findVolume(client, projectId, ref));
    }),
  );

  withGlobalOptions(
    volumes
      .command('resize <volume>')
      .description('Grow a volume to --size GiB (online); volumes never shrink')
      .requiredOption('--size <gib>', 'the new size in GiB', sizeOption)
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions & { size: number }) => {
      const { client, projectId } = await project(options);
      const v = await findVolume(client, projectId, ref);
      printVolume(io, options, await resizeVolume(client, v.id, options.size));
    }),
  );

  withGlobalOptions(
    volumes
      .command('delete <volume>')
      .description('Delete a detached volume and its data (its snapshots stay)')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions) => {
      const { client, projectId } = await project(options);
      const v = await findVolume(client, projectId, ref);
      await deleteVolume(client, v.id);
      printResource(io, options, { id: v.id, name: v.name, deleted: true });
    }),
  );

  withGlobalOptions(
    volumes
      .command('placement <volume>')
      .description("GPU models with free capacity at the volume's site")
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions) => {
      const { client, projectId } = await project(options);
      const placement = await volumePlacement(client, (await findVolume(client, projectId, ref)).id);
      printList(
        io,
        options,
        placement,
        ['model', 'free_gpus', 'nodes'],
        placement.gpus.map((g) => [g.model, g.free_gpus, g.nodes]),
      );
    }),
  );

  withGlobalOptions(
    snapshots
      .command('create <volume>')
      .description('Snapshot a volume (crash-consistent while attached)')
      .requiredOption('--name <name>', "the snapshot's name, unique in the project")
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions & { name: string }) => {
      const { client, projectId } = await project(options);
      const v = await findVolume(client, projectId, ref);
      const s = await createSnapshot(client, { volumeId: v.id, name: options.name });
      printResource(io, options, s);
    }),
  );

  withGlobalOptions(
    snapshots
      .command('list')
      .description("The project's snapshots")
      .option('--volume <volume>', "only this volume's (name or id)")
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (options: ProjectOptions & { volume?: string }) => {
      const { client, projectId } = await project(options);
      const volumeId =
        options.volume === undefined ? undefined : (await findVolume(client, projectId, options.volume)).id;
      const items = await listSnapshots(client, projectId, volumeId);
      printList(io, options, { items }, SNAPSHOT_COLUMNS, items.map(snapshotRow));
    }),
  );

  withGlobalOptions(
    snapshots
      .command('restore <snapshot>')
      .description('Restore a snapshot into a new volume --to NAME')
      .requiredOption('--to <volume>', 'the new volume')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions & { to: string }) => {
      const { client, projectId } = await project(options);
      const s = await findSnapshot(client, projectId, ref);
      printVolume(io, options, await restoreSnapshot(client, s.id, options.to));
    }),
  );

  withGlobalOptions(
    snapshots
      .command('delete <snapshot>')
      .description('Delete a snapshot')
      .option('--project <project>', PROJECT_HELP),
  ).action(
    action(ctx, async (ref: string, options: ProjectOptions) => {
      const { client, projectId } = await project(options);
      const s = await findSnapshot(client, projectId, ref);
      await deleteSnapshot(client, s.id);
      printResource(io, options, { id: s.id, name: s.name, deleted: true });
    }),
  );
};
