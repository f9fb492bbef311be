/**
 * The platform as a library user reads it, over the generated client (stripe-node style):
 * `createClient({ baseUrl, token })` → `client.catalog.list()`, `client.allocations.create(…)`,
 * `.wait(id, { until })`, `for await (… of client.allocations.list())`, `.release(id)`,
 * `client.terminal.exec(id, argv)`, `client.events.stream(…)`, `client.billing.balance(project)`,
 * `client.apps.versions.register({ project, reference })`.
 * Every call goes through the one request sender (retries, idempotency keys, correlation ids);
 * refusals throw `ApiError` with `code`, `status` and `correlationId`.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { execCommand, openTerminal } from '../terminal/index.js';
import type { TerminalSession } from '../terminal/index.js';
import type { components } from '@gpuaas/platform-contract';
import { createPlatformClient, listAll } from './client.js';
import type { PlatformClient, PlatformClientOptions } from './client.js';
import { followAllocation, readAllocation } from './allocations.js';
import { followEvents } from './follow.js';
import type { PlatformEvent } from './follow.js';
import { resolveProject } from './projects.js';
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
} from './storage.js';
import type { StorageSnapshot, StorageVolume, StorageVolumePlacement } from './storage.js';
import { appRegistryResource } from './app-registry.js';
import type { AppRegistryResource } from './app-registry.js';
import {
  approveRefund,
  closeStatement,
  currentPeriod,
  grantCredit,
  listBudgets,
  listCharges,
  readBalance,
  readBudget,
  readEarnings,
  readStatement,
  readStatementCsv,
  refundCharge,
  requestRefund,
  setBudget,
  topUp,
} from './billing.js';
import type {
  BillingBalance,
  BillingBudget,
  BillingBudgetOverview,
  BillingEarnings,
  BudgetInput,
  BillingCharge,
  BillingPromotion,
  BillingRefundRequest,
  BillingStatement,
  BillingTransfer,
  CreditInput,
  RefundInput,
  TopUpInput,
} from './billing.js';

export type Allocation = components['schemas']['Allocation'];
export type GpuModel = components['schemas']['GpuSku'];
export type Project = components['schemas']['Project'];

export interface CreateAllocationInput {
  /** How many GPUs (all on one node). */
  gpus: number;
  /** The project, by id or name. */
  project: string;
  /** Acceptable catalog ids, e.g. `['h100-80gb']` (default: any). */
  models?: string[];
  /** Released this long after it first ran, e.g. `2h` (at most `30d`). */
  ttl?: string;
  idleTimeout?: string;
  priority?: number;
  /** Reuse across retries of the same creation (default: one fresh key per call). */
  idempotencyKey?: string;
}

export interface WaitForAllocationOptions {
  /** `running` (another final state throws ALLOCATION_ENDED) or `ended` (any final state). */
  until: 'running' | 'ended';
  /** Throws WAIT_TIMEOUT past it (default: no limit). */
  timeoutMs?: number;
}

export interface GpuaasClient {
  /** The generated, fully typed client and the raw request path, for everything else. */
  readonly platform: PlatformClient;
  readonly catalog: { list(): Promise<GpuModel[]> };
  readonly projects: {
    list(): AsyncGenerator<Project, void, undefined>;
    create(name: string): Promise<Project>;
    /** A project by id or unique name. */
    resolve(ref: string): Promise<{ id: string; name: string }>;
  };
  readonly allocations: {
    create(input: CreateAllocationInput): Promise<Allocation>;
    get(id: string): Promise<Allocation>;
    /** Every allocation the caller sees (of `project`), page after page. */
    list(filter?: { project?: string; state?: string[] }): AsyncGenerator<Allocation, void, undefined>;
    wait(id: string, options: WaitForAllocationOptions): Promise<Allocation>;
    release(id: string, options?: { wait?: boolean }): Promise<Allocation>;
  };
  readonly terminal: {
    /**
     * An interactive shell in the allocation's sandbox (write keystrokes, read output, resize);
     * `attachTty` from `@gpuaas/sdk/terminal` wires it to a local terminal.
     */
    open(id: string, options?: { cols?: number; rows?: number; term?: string }): Promise<TerminalSession>;
    /** Runs `argv` in the allocation's sandbox; resolves with its exit status and output. */
    exec(id: string, argv: string[]): Promise<{ exitCode: number; output: string }>;
  };
  /** Persistent volumes and snapshots of a project (docs/storage.md); `project` is an id or name. */
  readonly storage: {
    volumes: {
      create(input: {
        project: string;
        name: string;
        sizeGib: number;
        site?: string;
      }): Promise<StorageVolume>;
      list(project: string): Promise<StorageVolume[]>;
      /** By id, or by name in `project`. */
      get(project: string, ref: string): Promise<StorageVolume>;
      /** Grows the volume (online); a smaller size is refused (VOLUME_SHRINK_REFUSED). */
      resize(project: string, ref: string, sizeGib: number): Promise<StorageVolume>;
      delete(project: string, ref: string): Promise<void>;
      /** GPU models with free capacity at the volume's site. */
      placement(project: string, ref: string): Promise<StorageVolumePlacement>;
    };
    snapshots: {
      create(project: string, volume: string, name: string): Promise<StorageSnapshot>;
      list(project: string, volume?: string): Promise<StorageSnapshot[]>;
      /** A new volume `to` with the snapshot's contents. */
      restore(project: string, snapshot: string, to: string): Promise<StorageVolume>;
      delete(project: string, snapshot: string): Promise<void>;
    };
  };
  readonly billing: {
    /** The project's (id or name) balance: `balance_micros`, `available_micros`, `holds_micros`, … */
    balance(project: string): Promise<BillingBalance>;
    /** Charges of a project (id or name) or of one allocation, oldest first, page after page. */
    charges(filter: {
      project?: string;
      allocation?: string;
    }): AsyncGenerator<BillingCharge, void, undefined>;
    /** Operators: credits a project's prepaid balance, e.g. `{ project: 'demo', amount: '12.50', reason }`. */
    topup(input: Omit<TopUpInput, 'projectId'> & { project: string }): Promise<BillingTransfer>;
    /** Operators: refunds a charge, wholly (no `amount`) or in part. */
    refund(input: RefundInput): Promise<BillingTransfer>;
    /** Operators: files a refund a second operator must approve (above the platform's threshold). */
    requestRefund(input: RefundInput): Promise<BillingRefundRequest>;
    /** Operators other than the requester: makes the requested refund. */
    approveRefund(requestId: string): Promise<BillingTransfer>;
    /** Operators: promotional credit that expires. */
    credit(input: Omit<CreditInput, 'projectId'> & { project: string }): Promise<BillingPromotion>;
    /** The project's statement for `period` (`YYYY-MM`, default this month, UTC). */
    statement(project: string, period?: string): Promise<BillingStatement>;
    /** The same statement as CSV text. */
    statementCsv(project: string, period?: string): Promise<string>;
    /** Operators: closes a month's statement for good. */
    closeStatement(project: string, period: string): Promise<BillingStatement>;
    /** A publisher project's statement of its earnings for `period` (members and operators). */
    publisherStatement(project: string, period?: string): Promise<BillingStatement>;
    /** The same publisher statement as CSV text. */
    publisherStatementCsv(project: string, period?: string): Promise<string>;
    /** Operators: closes a month's publisher statement for good (its own chain). */
    closePublisherStatement(project: string, period: string): Promise<BillingStatement>;
    /** The project's monthly budget, this month's spend and the alerts fired. */
    budget(project: string): Promise<BillingBudget>;
    /** Owners and operators: `{ project, limit: '500', alertThresholds: [50, 80, 100] }`. */
    setBudget(input: BudgetInput & { project: string }): Promise<BillingBudget>;
    /** Operators: every project's budget with this month's spend. */
    budgets(): Promise<BillingBudgetOverview[]>;
    /** A publisher project's earnings for `period` (`YYYY-MM`, default this month, UTC). */
    earnings(project: string, period?: string): Promise<BillingEarnings>;
  };
  /**
   * The app registry: publisher keys, registered versions (`verified` or `rejected`) and, for
   * operators, their review (`client.apps.review.approve(id, { scope: 'platform' })`).
   */
  readonly apps: AppRegistryResource;
  readonly events: {
    /** Platform events the caller may see, until `signal` aborts (reconnecting as needed). */
    stream(options: {
      types: string[];
      project?: string;
      signal: AbortSignal;
    }): AsyncGenerator<PlatformEvent>;
  };
}

/**
 * @example
 * ```ts
 * const client = createClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.GPUAAS_TOKEN });
 * const [gpu] = await client.catalog.list();
 * const a = await client.allocations.create({ gpus: 1, project: 'demo' });
 * await client.allocations.wait(a.id, { until: 'running' });
 * console.log((await client.terminal.exec(a.id, ['nvidia-smi', '-L'])).output);
 * await client.allocations.release(a.id);
 * ```
 */
export function createClient(options: PlatformClientOptions): GpuaasClient {
  const platform = createPlatformClient(options);
  const { api } = platform;

  const get = (id: string): Promise<Allocation> => readAllocation(platform, id);
  const wait = async (id: string, opts: WaitForAllocationOptions): Promise<Allocation> =>
    followAllocation(platform, await get(id), opts);

  /** A single-use terminal token and the socket URL without it: it travels as a subprotocol (URLs get logged). */
  const terminalToken = async (id: string, command?: string[]): Promise<{ url: string; token: string }> => {
    const { data } = await api.POST('/v1/allocations/{allocation_id}/terminal-tokens', {
      params: { path: { allocation_id: id } },
      ...(command === undefined ? {} : { body: { command } }),
    });
    const url = new URL(data!.url);
    url.searchParams.delete('token');
    return { url: url.toString(), token: data!.token };
  };

  return {
    platform,
    catalog: {
      async list() {
        return (await api.GET('/v1/catalog/gpus')).data!.items;
      },
    },
    projects: {
      list: () =>
        listAll((cursor) =>
          api.GET('/v1/projects', { params: { query: cursor === undefined ? {} : { cursor } } }),
        ),
      async create(name) {
        return (await api.POST('/v1/projects', { body: { name } })).data!;
      },
      resolve: (ref) => resolveProject(platform, ref),
    },
    allocations: {
      async create(input) {
        const project = await resolveProject(platform, input.project);
        const body: components['schemas']['AllocationCreate'] = {
          project_id: project.id,
          gpus: { count: input.gpus, ...(input.models === undefined ? {} : { models: input.models }) },
          ...(input.ttl === undefined ? {} : { ttl: input.ttl }),
          ...(input.idleTimeout === undefined ? {} : { idle_timeout: input.idleTimeout }),
          ...(input.priority === undefined ? {} : { priority: input.priority }),
        };
        return (
          await api.POST('/v1/allocations', {
            body,
            params: { header: { 'Idempotency-Key': input.idempotencyKey ?? randomUUID() } },
          })
        ).data!;
      },
      get,
      async *list(filter = {}) {
        const project =
          filter.project === undefined ? undefined : (await resolveProject(platform, filter.project)).id;
        const state = filter.state?.join(',');
        yield* listAll((cursor) =>
          api.GET('/v1/allocations', {
            params: {
              query: {
                ...(project === undefined ? {} : { project_id: project }),
                ...(state === undefined ? {} : { state }),
                ...(cursor === undefined ? {} : { cursor }),
              },
            },
          }),
        );
      },
      wait,
      async release(id, opts = {}) {
        const released = (
          await api.POST('/v1/allocations/{allocation_id}/release', {
            params: { path: { allocation_id: id } },
          })
        ).data!;
        return opts.wait === true ? wait(id, { until: 'ended' }) : released;
      },
    },
    terminal: {
      async open(id, opts = {}) {
        const { url, token } = await terminalToken(id);
        return openTerminal({ url, token, ...opts });
      },
      async exec(id, argv) {
        const { url, token } = await terminalToken(id, argv);
        const chunks: Buffer[] = [];
        const stdout = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk);
            callback();
          },
        });
        const exitCode = await execCommand({ url, token, stdout, handleSignals: false });
        return { exitCode, output: Buffer.concat(chunks).toString('utf8').replaceAll('\r\n', '\n') };
      },
    },
    storage: {
      volumes: {
        async create({ project, name, sizeGib, site }) {
          const projectId = (await resolveProject(platform, project)).id;
          return createVolume(platform, {
            projectId,
            name,
            sizeGib,
            ...(site === undefined ? {} : { site }),
          });
        },
        async list(project) {
          return listVolumes(platform, (await resolveProject(platform, project)).id);
        },
        async get(project, ref) {
          return findVolume(platform, (await resolveProject(platform, project)).id, ref);
        },
        async resize(project, ref, sizeGib) {
          const volume = await findVolume(platform, (await resolveProject(platform, project)).id, ref);
          return resizeVolume(platform, volume.id, sizeGib);
        },
        async delete(project, ref) {
          const volume = await findVolume(platform, (await resolveProject(platform, project)).id, ref);
          await deleteVolume(platform, volume.id);
        },
        async placement(project, ref) {
          const volume = await findVolume(platform, (await resolveProject(platform, project)).id, ref);
          return volumePlacement(platform, volume.id);
        },
      },
      snapshots: {
        async create(project, volume, name) {
          const found = await findVolume(platform, (await resolveProject(platform, project)).id, volume);
          return createSnapshot(platform, { volumeId: found.id, name });
        },
        async list(project, volume) {
          const projectId = (await resolveProject(platform, project)).id;
          const volumeId =
            volume === undefined ? undefined : (await findVolume(platform, projectId, volume)).id;
          return listSnapshots(platform, projectId, volumeId);
        },
        async restore(project, snapshot, to) {
          const found = await findSnapshot(platform, (await resolveProject(platform, project)).id, snapshot);
          return restoreSnapshot(platform, found.id, to);
        },
        async delete(project, snapshot) {
          const found = await findSnapshot(platform, (await resolveProject(platform, project)).id, snapshot);
          await deleteSnapshot(platform, found.id);
        },
      },
    },
    billing: {
      async balance(project) {
        return readBalance(platform, (await resolveProject(platform, project)).id);
      },
      async *charges(filter) {
        const projectId =
          filter.project === undefined ? undefined : (await resolveProject(platform, filter.project)).id;
        yield* listCharges(platform, {
          ...(projectId === undefined ? {} : { projectId }),
          ...(filter.allocation === undefined ? {} : { allocationId: filter.allocation }),
        });
      },
      async topup({ project, ...rest }) {
        return topUp(platform, { ...rest, projectId: (await resolveProject(platform, project)).id });
      },
      refund: (input) => refundCharge(platform, input),
      requestRefund: (input) => requestRefund(platform, input),
      approveRefund: (requestId) => approveRefund(platform, requestId),
      async credit({ project, ...rest }) {
        return grantCredit(platform, { ...rest, projectId: (await resolveProject(platform, project)).id });
      },
      async statement(project, period = currentPeriod()) {
        return readStatement(platform, (await resolveProject(platform, project)).id, period);
      },
      async statementCsv(project, period = currentPeriod()) {
        return readStatementCsv(platform, (await resolveProject(platform, project)).id, period);
      },
      async closeStatement(project, period) {
        return closeStatement(platform, (await resolveProject(platform, project)).id, period);
      },
      async publisherStatement(project, period = currentPeriod()) {
        const id = (await resolveProject(platform, project)).id;
        return readStatement(platform, id, period, { account: 'publisher' });
      },
      async publisherStatementCsv(project, period = currentPeriod()) {
        const id = (await resolveProject(platform, project)).id;
        return readStatementCsv(platform, id, period, { account: 'publisher' });
      },
      async closePublisherStatement(project, period) {
        const id = (await resolveProject(platform, project)).id;
        return closeStatement(platform, id, period, { account: 'publisher' });
      },
      async budget(project) {
        return readBudget(platform, (await resolveProject(platform, project)).id);
      },
      async setBudget({ project, ...input }) {
        return setBudget(platform, (await resolveProject(platform, project)).id, input);
      },
      budgets: () => listBudgets(platform),
      async earnings(project, period = currentPeriod()) {
        return readEarnings(platform, (await resolveProject(platform, project)).id, period);
      },
    },
    apps: appRegistryResource(platform),
    events: {
      async *stream({ types, project, signal }) {
        const projectId = project === undefined ? undefined : (await resolveProject(platform, project)).id;
        const queue: PlatformEvent[] = [];
        let wake: (() => void) | undefined;
        let ended = false;
        const done = followEvents(platform, {
          types,
          ...(projectId === undefined ? {} : { projectId }),
          signal,
          onEvent: (event) => {
            queue.push(event);
            wake?.();
          },
        }).finally(() => {
          ended = true;
          wake?.();
        });
        while (!ended || queue.length > 0) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
        await done;
      },
    },
  };
}
