/**
 * What GPUs a node has: read from `nvidia-smi` on real GPU machines, or made up (deterministically)
 * for simulated nodes, so the whole platform runs and is tested on machines without GPUs.
 * Parsers are pure functions over nvidia-smi's text; the fixtures in platform/node-agent/fixtures/nvidia-smi
 * are real captures from H100 and H200 machines.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeAgentError } from './errors.js';

export interface InventoryGpu {
  index: number;
  uuid: string | null;
  model: string;
  memory_mib: number;
  /** GPUs joined by NVLink share a domain; null when the topology is unknown. */
  nvlink_domain: string | null;
  pci_bus_id?: string;
  /** N of /dev/nvidiaN; nvidia-smi's index is not guaranteed to equal it. */
  device_minor?: number;
}

export interface NodeInventory {
  source: 'simulated' | 'nvidia-smi';
  gpus: InventoryGpu[];
}

export interface SimulatedInventorySpec {
  nodes?: number;
  gpusPerNode?: number;
  model?: string;
  memoryMib?: number;
  /** GPUs per NVLink domain; default: all GPUs of a node in one domain. */
  nvlinkDomainSize?: number;
  /** Node names are `<prefix>-<n>`; default `sim-node`. */
  namePrefix?: string;
  /** Explicit node names (their count overrides `nodes`). */
  names?: string[];
}

export interface SimulatedNode {
  name: string;
  inventory: NodeInventory;
}

export const DEFAULT_SIMULATED_MODEL = 'NVIDIA H100 80GB HBM3';
export const DEFAULT_SIMULATED_MEMORY_MIB = 81559;

/** Fake nodes with fake GPUs; the same spec always gives the same names and UUIDs. */
export function simulatedInventory(spec: SimulatedInventorySpec = {}): SimulatedNode[] {
  const gpusPerNode = spec.gpusPerNode ?? 8;
  const domainSize = spec.nvlinkDomainSize ?? gpusPerNode;
  const names =
    spec.names ?? Array.from({ length: spec.nodes ?? 1 }, (_, n) => `${spec.namePrefix ?? 'sim-node'}-${n}`);
  if (!Number.isInteger(gpusPerNode) || gpusPerNode < 0) throw new RangeError('gpusPerNode must be ≥ 0');
  if (!Number.isInteger(domainSize) || domainSize < 1) throw new RangeError('nvlinkDomainSize must be ≥ 1');
  return names.map((name) => ({
    name,
    inventory: {
      source: 'simulated',
      gpus: Array.from({ length: gpusPerNode }, (_, index) => ({
        index,
        uuid: fakeGpuUuid(name, index),
        model: spec.model ?? DEFAULT_SIMULATED_MODEL,
        memory_mib: spec.memoryMib ?? DEFAULT_SIMULATED_MEMORY_MIB,
        nvlink_domain: `${name}-nvl${Math.floor(index / domainSize)}`,
      })),
    },
  }));
}

/** `GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` like the real ones, derived from node and index. */
export function fakeGpuUuid(node: string, index: number): string {
  const h = createHash('sha256').update(`gpuaas-simulated-gpu\0${node}\0${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export const QUERY_GPU_FIELDS = ['index', 'uuid', 'name', 'memory.total', 'pci.bus_id'] as const;

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs nvidia-smi with these arguments; `undefined` when nvidia-smi is not installed. */
export type NvidiaSmiExec = (args: string[]) => Promise<ExecResult | undefined>;

export interface DetectNvidiaOptions {
  /** Node name, for NVLink domain names `<name>-nvl<k>`. */
  name: string;
  exec?: NvidiaSmiExec;
  /** Read `nvidia-smi topo -m` for NVLink domains (default true). */
  topology?: boolean;
  /** Where /proc is (tests); device minors come from <procRoot>/driver/nvidia/gpus/<bus>/information. */
  procRoot?: string;
}

/**
 * The node's NVIDIA GPUs, or `undefined` when nvidia-smi is absent (the caller then simulates).
 * A present but failing nvidia-smi is an error: a GPU node with a broken driver must not quietly
 * register as a node without GPUs.
 */
export async function detectNvidiaInventory(
  options: DetectNvidiaOptions,
): Promise<NodeInventory | undefined> {
  const exec = options.exec ?? execNvidiaSmi;
  const queryArgs = [`--query-gpu=${QUERY_GPU_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  const query = await exec(queryArgs);
  if (query === undefined) return undefined;
  if (query.code !== 0) throw nvidiaSmiError(queryArgs, query);
  const rows = parseQueryGpuCsv(query.stdout, QUERY_GPU_FIELDS);
  let domains: Map<number, string> | undefined;
  if (options.topology !== false) {
    const topo = await exec(['topo', '-m']);
    // Topology is an optimisation for placement; without it the node still serves.
    if (topo !== undefined && topo.code === 0)
      domains = nvlinkDomains(parseTopoMatrix(topo.stdout), options.name);
  }
  const gpus: InventoryGpu[] = [];
  for (const row of rows) {
    const gpu: InventoryGpu = {
      index: row.index,
      uuid: row.uuid,
      model: row.name,
      memory_mib: row.memory_mib,
      nvlink_domain: domains?.get(row.index) ?? null,
    };
    if (row.pci_bus_id !== null) {
      gpu.pci_bus_id = row.pci_bus_id;
      const minor = await readDeviceMinor(options.procRoot ?? '/proc', row.pci_bus_id);
      if (minor !== undefined) gpu.device_minor = minor;
    }
    gpus.push(gpu);
  }
  return { source: 'nvidia-smi', gpus };
}

export interface QueryGpuRow {
  index: number;
  uuid: string | null;
  name: string;
  memory_mib: number;
  pci_bus_id: string | null;
}

/**
 * Parses `--query-gpu=<fields> --format=csv,noheader,nounits`. `fields` is the query's field
 * list (it must contain index, name and memory.total); other fields are ignored.
 */
export function parseQueryGpuCsv(text: string, fields: readonly string[] = QUERY_GPU_FIELDS): QueryGpuRow[] {
  const at = (field: string): number => fields.indexOf(field);
  for (const required of ['index', 'name', 'memory.total']) {
    if (at(required) < 0) throw new RangeError(`the query must include ${required}`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line) => {
    let cells = line.split(',').map((cell) => cell.trim());
    // Only the product name is free text; a comma in it splits it, so glue it back.
    const extra = cells.length - fields.length;
    if (extra > 0) {
      const n = at('name');
      cells = [...cells.slice(0, n), cells.slice(n, n + extra + 1).join(', '), ...cells.slice(n + extra + 1)];
    }
    if (cells.length !== fields.length) {
      throw invalidOutput(`expected ${fields.length} fields, got ${cells.length}: ${line}`);
    }
    const cell = (field: string): string | null => {
      const i = at(field);
      const value = i < 0 ? undefined : cells[i];
      return value === undefined || /^\[?N\/A\]?$/i.test(value) || value === '' ? null : value;
    };
    const index = Number(cell('index'));
    const memory = Number((cell('memory.total') ?? '').replace(/\s*MiB$/i, ''));
    const name = cell('name');
    if (!Number.isInteger(index) || index < 0) throw invalidOutput(`bad GPU index in: ${line}`);
    if (!Number.isFinite(memory) || memory <= 0) throw invalidOutput(`bad memory.total in: ${line}`);
    if (name === null) throw invalidOutput(`no GPU name in: ${line}`);
    return {
      index,
      uuid: cell('uuid'),
      name,
      memory_mib: Math.round(memory),
      pci_bus_id: cell('pci.bus_id'),
    };
  });
}

/** Link type between GPU pairs from `nvidia-smi topo -m`: matrix[i][j] is e.g. 'NV18', 'SYS', 'X'. */
export type TopoMatrix = Map<number, Map<number, string>>;

export function parseTopoMatrix(text: string): TopoMatrix {
  // eslint-disable-next-line no-control-regex -- the header is wrapped in ANSI underline escapes
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = clean.split(/\r?\n/);
  const matrix: TopoMatrix = new Map();
  const headerAt = lines.findIndex((line) => /^\s*GPU\d+(\s|$)/.test(line) && /^\s/.test(line));
  if (headerAt < 0) return matrix;
  const columns = (lines[headerAt] ?? '').split('\t').map((c) => c.trim());
  for (const line of lines.slice(headerAt + 1)) {
    const row = /^GPU(\d+)\t/.exec(line);
    if (row === null) continue;
    const from = Number(row[1]);
    const cells = line.split('\t').map((c) => c.trim());
    const links = new Map<number, string>();
    columns.forEach((column, j) => {
      const to = /^GPU(\d+)$/.exec(column);
      const value = cells[j];
      if (to !== null && value !== undefined) links.set(Number(to[1]), value);
    });
    matrix.set(from, links);
  }
  return matrix;
}

/** Connected components of the NV# graph, named `<node>-nvl<k>` in order of their lowest GPU. */
export function nvlinkDomains(matrix: TopoMatrix, node: string): Map<number, string> {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  for (const gpu of matrix.keys()) parent.set(gpu, gpu);
  for (const [from, links] of matrix) {
    for (const [to, link] of links) {
      if (!/^NV\d+$/.test(link) || !parent.has(to)) continue;
      const [a, b] = [find(from), find(to)];
      if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
    }
  }
  const names = new Map<number, string>();
  const domains = new Map<number, string>();
  for (const gpu of [...matrix.keys()].sort((a, b) => a - b)) {
    const root = find(gpu);
    let name = names.get(root);
    if (name === undefined) {
      name = `${node}-nvl${names.size}`;
      names.set(root, name);
    }
    domains.set(gpu, name);
  }
  return domains;
}

/** The kernel driver's minor number for a PCI bus id ('00000000:00:06.0' → /proc/…/0000:00:06.0). */
async function readDeviceMinor(procRoot: string, busId: string): Promise<number | undefined> {
  const short = busId.toLowerCase().replace(/^0{4}(?=[0-9a-f]{4}:)/, '');
  try {
    const text = await readFile(join(procRoot, 'driver/nvidia/gpus', short, 'information'), 'utf8');
    const match = /Device Minor:\s*(\d+)/.exec(text);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Simulated GPUs as an option gives them: `2x8` or `2x8:NVIDIA H100 80GB HBM3` (N nodes × G GPUs). */
export interface SimulationSpec {
  nodes: number;
  gpusPerNode: number;
  model?: string;
}

/** Parses `NxG[:model]`; throws a RangeError naming the expected form (callers add the option). */
export function parseSimulationSpec(text: string): SimulationSpec {
  const match = /^([0-9]+)x([0-9]+)(?::(.+))?$/.exec(text.trim());
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1 || Number(match[2]) > 64) {
    throw new RangeError(`"${text}" must look like 2x8 or 2x8:NVIDIA H100 80GB HBM3`);
  }
  return {
    nodes: Number(match[1]),
    gpusPerNode: Number(match[2]),
    ...(match[3] === undefined ? {} : { model: match[3] }),
  };
}

export function nvidiaSmiError(args: string[], result: ExecResult): NodeAgentError {
  // nvidia-smi reports its errors (bad field, no driver) on stdout, not stderr.
  const message = (result.stdout.trim() || result.stderr.trim() || 'no output').split('\n')[0];
  return new NodeAgentError(
    'NVIDIA_SMI_FAILED',
    `nvidia-smi ${args.join(' ')} failed (exit ${result.code ?? 'signal'}): ${message}`,
  );
}

function invalidOutput(message: string): NodeAgentError {
  return new NodeAgentError('NVIDIA_SMI_FAILED', `unexpected nvidia-smi output: ${message}`);
}

const execNvidiaSmi: NvidiaSmiExec = (args) =>
  new Promise((resolve) => {
    execFile('nvidia-smi', args, { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve(undefined);
        return;
      }
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
