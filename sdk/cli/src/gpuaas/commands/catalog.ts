/** `gpuaas catalog list|get`: GPU models on offer, their prices and live availability. */
import type { components } from '@gpuaas/platform-contract';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  platformClientFor,
  compact,
  printList,
  printResource,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';
import { formatMicros } from '../format.js';

type GpuSku = components['schemas']['GpuSku'];

const COLUMNS = ['id', 'model', 'memory', 'price/GPU-h', 'available/total', 'max per allocation'] as const;
const row = (s: GpuSku): unknown[] => [
  s.id,
  s.model,
  `${s.memory_gib} GiB`,
  formatMicros(s.price_per_gpu_hour_micros, s.currency),
  `${s.available}/${s.total}`,
  s.max_per_allocation,
];

export const registerCatalog: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  const catalog = program.command('catalog').description('GPU models on offer, with prices and availability');

  withGlobalOptions(
    catalog
      .command('list')
      .description('Every GPU SKU; AVAILABLE counts GPUs allocatable now')
      .option('--region <region>', 'only SKUs offered in this region'),
  ).action(
    action(ctx, async (options: GlobalOptions & { region?: string }) => {
      const client = await platformClientFor(io, options);
      const { data } = await client.api.GET('/v1/catalog/gpus', {
        params: { query: compact({ region: options.region }) },
      });
      const items = data!.items;
      printList(io, options, { items }, COLUMNS, items.map(row));
    }),
  );

  withGlobalOptions(
    catalog.command('get').description('One GPU SKU').argument('<sku>', 'SKU id, e.g. h100-80gb'),
  ).action(
    action(ctx, async (sku: string, options: GlobalOptions) => {
      const client = await platformClientFor(io, options);
      const { data } = await client.api.GET('/v1/catalog/gpus/{sku_id}', {
        params: { path: { sku_id: sku } },
      });
      const s = data!;
      printResource(
        io,
        options,
        wantsJson(options)
          ? s
          : {
              ...s,
              price_per_gpu_hour: formatMicros(s.price_per_gpu_hour_micros, s.currency),
              regions: s.regions.join(', '),
            },
      );
    }),
  );
};
