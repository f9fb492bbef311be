import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectNvidiaInventory,
  fakeGpuUuid,
  nvlinkDomains,
  parseQueryGpuCsv,
  parseTopoMatrix,
  simulatedInventory,
} from './inventory.js';
import type { ExecResult, NvidiaSmiExec } from './inventory.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/nvidia-smi');
// The field list scripts/capture-nvidia-smi.sh queried.
const CAPTURED_FIELDS =
  'index,uuid,name,memory.total,memory.used,pci.bus_id,driver_version,compute_cap,utilization.gpu,temperature.gpu,power.draw,power.limit,mig.mode.current,persistence_mode'.split(
    ',',
  );
const machines = (await readdir(FIXTURES, { withFileTypes: true }))
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

async function fixture(machine: string, name: string): Promise<ExecResult> {
  const stdout = await readFile(join(FIXTURES, machine, `${name}.txt`), 'utf8');
  const code = Number((await readFile(join(FIXTURES, machine, `${name}.rc`), 'utf8')).trim());
  return { code, stdout, stderr: '' };
}

/** nvidia-smi as captured on `machine`: a query for a subset of the captured fields gets those columns. */
function fixtureExec(machine: string): NvidiaSmiExec {
  return async (args) => {
    if (args[0] === 'topo') return fixture(machine, 'topo');
    const fields = /^--query-gpu=(.*)$/.exec(args[0] ?? '')?.[1]?.split(',');
    if (fields === undefined) throw new Error(`unexpected nvidia-smi ${args.join(' ')}`);
    if (fields.some((f) => !CAPTURED_FIELDS.includes(f))) return fixture(machine, 'bad-field');
    const captured = await fixture(machine, 'query-gpu');
    const stdout = captured.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const cells = line.split(', ');
        return fields.map((f) => cells[CAPTURED_FIELDS.indexOf(f)]).join(', ') + '\n';
      })
      .join('');
    return { ...captured, stdout };
  };
}

const ESC = '\u001b';
/** An 8-GPU machine in `topo -m`'s real layout: two NVLink islands of four, joined over SYS, plus NICs. */
const EIGHT_GPU_TOPO = [
  `\t${ESC}[4mGPU0\tGPU1\tGPU2\tGPU3\tGPU4\tGPU5\tGPU6\tGPU7\tNIC0\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID${ESC}[0m`,
  ...Array.from({ length: 8 }, (_, i) => {
    const cells = Array.from({ length: 8 }, (_, j) =>
      i === j ? ' X ' : Math.floor(i / 4) === Math.floor(j / 4) ? 'NV18' : 'SYS',
    );
    return `GPU${i}\t${cells.join('\t')}\tPXB\t${i < 4 ? '0-55' : '56-111'}\t${i < 4 ? 0 : 1}\t\tN/A`;
  }),
  `NIC0\t${Array.from({ length: 8 }, () => 'PXB').join('\t')}\t X `,
  '',
  'Legend:',
  '',
  '  X    = Self',
  '  NV#  = Connection traversing a bonded set of # NVLinks',
  '',
  'NIC Legend:',
  '',
  '  NIC0: mlx5_0',
].join('\n');

describe('simulatedInventory', () => {
  it('makes two nodes of eight H100s, one NVLink domain per node by default, with stable fake UUIDs', () => {
    const nodes = simulatedInventory({ nodes: 2, gpusPerNode: 8 });
    expect(nodes.map((n) => n.name)).toEqual(['sim-node-0', 'sim-node-1']);
    const gpu = nodes[1]!.inventory.gpus[3]!;
    expect(gpu).toEqual({
      index: 3,
      uuid: fakeGpuUuid('sim-node-1', 3),
      model: 'NVIDIA H100 80GB HBM3',
      memory_mib: 81559,
      nvlink_domain: 'sim-node-1-nvl0',
    });
    expect(gpu.uuid).toMatch(/^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(simulatedInventory({ nodes: 2 })).toEqual(nodes);
    const uuids = nodes.flatMap((n) => n.inventory.gpus.map((g) => g.uuid));
    expect(new Set(uuids).size).toBe(16);
  });

  it('splits a node into NVLink domains of the configured size', () => {
    const [node] = simulatedInventory({
      names: ['n1'],
      gpusPerNode: 8,
      nvlinkDomainSize: 4,
      model: 'NVIDIA H200',
      memoryMib: 143771,
    });
    expect(node!.inventory.gpus.map((g) => g.nvlink_domain)).toEqual([
      ...Array<string>(4).fill('n1-nvl0'),
      ...Array<string>(4).fill('n1-nvl1'),
    ]);
    expect(node!.inventory.gpus[0]).toMatchObject({ model: 'NVIDIA H200', memory_mib: 143771 });
  });
});

describe.each(machines)('nvidia-smi fixtures of %s', (machine) => {
  it('parses the captured --query-gpu csv', async () => {
    const rows = parseQueryGpuCsv((await fixture(machine, 'query-gpu')).stdout, CAPTURED_FIELDS);
    const list = (await fixture(machine, 'list')).stdout;
    expect(rows).toHaveLength(list.trim().split('\n').length);
    const [row] = rows;
    // `nvidia-smi -L` of the same machine names the same GPU.
    expect(list).toContain(`GPU ${row!.index}: ${row!.name} (UUID: ${row!.uuid})`);
    expect(row!.memory_mib).toBeGreaterThan(80_000);
    expect(row!.pci_bus_id).toMatch(/^[0-9A-F]{8}:[0-9A-F]{2}:[0-9A-F]{2}\.\d$/i);
  });

  it('parses the csv with units (memory as "N MiB") once the header is dropped', async () => {
    const [, ...data] = (await fixture(machine, 'query-gpu-header')).stdout.split('\n');
    const rows = parseQueryGpuCsv(data.join('\n'), CAPTURED_FIELDS);
    const plain = parseQueryGpuCsv((await fixture(machine, 'query-gpu')).stdout, CAPTURED_FIELDS);
    expect(rows.map((r) => r.memory_mib)).toEqual(plain.map((r) => r.memory_mib));
  });

  it('reads one GPU in its own NVLink domain from topo -m (ANSI header)', async () => {
    const matrix = parseTopoMatrix((await fixture(machine, 'topo')).stdout);
    expect([...matrix.keys()]).toEqual([0]);
    expect(matrix.get(0)?.get(0)).toBe('X');
    expect(nvlinkDomains(matrix, 'gpu1')).toEqual(new Map([[0, 'gpu1-nvl0']]));
  });

  it('detects the inventory through nvidia-smi', async () => {
    const inventory = await detectNvidiaInventory({ name: 'gpu1', exec: fixtureExec(machine) });
    const list = (await fixture(machine, 'list')).stdout;
    expect(inventory?.source).toBe('nvidia-smi');
    expect(inventory?.gpus).toHaveLength(1);
    const gpu = inventory!.gpus[0]!;
    expect(list).toContain(`GPU 0: ${gpu.model} (UUID: ${gpu.uuid})`);
    expect(gpu).toMatchObject({ index: 0, nvlink_domain: 'gpu1-nvl0', pci_bus_id: '00000000:00:06.0' });
  });

  it('reports nvidia-smi’s own message when a query field is rejected (exit 2, message on stdout)', async () => {
    const exec: NvidiaSmiExec = () => fixture(machine, 'bad-field');
    await expect(detectNvidiaInventory({ name: 'gpu1', exec })).rejects.toThrow(
      /nvidia-smi --query-gpu=\S+ --format=csv,noheader,nounits failed \(exit 2\): Field "not\.a\.field" is not a valid field to query\./,
    );
  });
});

describe('detectNvidiaInventory', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('returns undefined when nvidia-smi is not installed', async () => {
    await expect(
      detectNvidiaInventory({ name: 'x', exec: () => Promise.resolve(undefined) }),
    ).resolves.toBeUndefined();
  });

  it('fails loudly when the driver is broken rather than registering zero GPUs', async () => {
    const stdout =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";
    const exec: NvidiaSmiExec = () => Promise.resolve({ code: 9, stdout, stderr: '' });
    await expect(detectNvidiaInventory({ name: 'x', exec })).rejects.toThrow(
      /failed \(exit 9\): NVIDIA-SMI has failed/,
    );
  });

  it('rejects output it does not understand', async () => {
    const exec: NvidiaSmiExec = () => Promise.resolve({ code: 0, stdout: 'garbage\n', stderr: '' });
    await expect(detectNvidiaInventory({ name: 'x', exec })).rejects.toThrow(/unexpected nvidia-smi output/);
  });

  it('groups eight GPUs into NVLink islands and reads device minors from /proc', async () => {
    const procRoot = await mkdtemp(join(tmpdir(), 'gpuaas-proc-'));
    dirs.push(procRoot);
    const csv = Array.from(
      { length: 8 },
      (_, i) =>
        `${i}, GPU-0000000${i}-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, 81559, 00000000:${(0x18 + i).toString(16).toUpperCase()}:00.0`,
    ).join('\n');
    // The driver numbered the device files in another order than nvidia-smi's index (GPU 1 ↔ /dev/nvidia5).
    const bus = 'driver/nvidia/gpus/0000:19:00.0';
    await mkdir(join(procRoot, bus), { recursive: true });
    await writeFile(join(procRoot, bus, 'information'), 'Model: \t\t NVIDIA H100\nDevice Minor: \t 5\n');
    const exec: NvidiaSmiExec = (args) =>
      Promise.resolve({ code: 0, stdout: args[0] === 'topo' ? EIGHT_GPU_TOPO : csv + '\n', stderr: '' });
    const inventory = await detectNvidiaInventory({ name: 'dgx', exec, procRoot });
    expect(inventory!.gpus.map((g) => g.nvlink_domain)).toEqual([
      ...Array<string>(4).fill('dgx-nvl0'),
      ...Array<string>(4).fill('dgx-nvl1'),
    ]);
    expect(inventory!.gpus[1]!.device_minor).toBe(5);
    expect(inventory!.gpus[0]!.device_minor).toBeUndefined();
  });

  it('leaves the domain unknown when topo -m fails', async () => {
    const exec: NvidiaSmiExec = (args) =>
      Promise.resolve(
        args[0] === 'topo'
          ? { code: 3, stdout: 'Not supported\n', stderr: '' }
          : { code: 0, stdout: '0, GPU-1, NVIDIA H200, 143771, 00000000:00:06.0\n', stderr: '' },
      );
    const inventory = await detectNvidiaInventory({ name: 'x', exec });
    expect(inventory!.gpus[0]!.nvlink_domain).toBeNull();
  });
});

describe('parseQueryGpuCsv', () => {
  it('keeps a comma inside the product name and maps [N/A] to null', () => {
    const [row] = parseQueryGpuCsv('0, [N/A], Odd, Inc. GPU, 1024, 00000000:01:00.0\n');
    expect(row).toEqual({
      index: 0,
      uuid: null,
      name: 'Odd, Inc. GPU',
      memory_mib: 1024,
      pci_bus_id: '00000000:01:00.0',
    });
  });
});
