/**
 * The node agent: registers the node's GPUs with the platform, then heartbeats. Each heartbeat
 * reports what the agent observes (provisioning / running / failed / released) and gets back what
 * the platform wants; the agent converges: it starts a sandboxed runtime for each allocation
 * wanted `running` and tears down those wanted `released` or no longer listed. The platform is
 * the source of truth, so a restarted agent re-provisions what is still wanted (keeping the
 * tenant's home folder) and deletes the rest.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import pino from 'pino';
import { isApiError } from '@gpuaas/sdk';
import { NodeAgentError } from './errors.js';
import type { NodeInventory } from './inventory.js';
import {
  assignedGpus,
  assignmentEnv,
  defaultRuntimeCommand,
  exitReason,
  runtimeReadOnlyBinds,
  watchRuntime,
} from './runtime-launch.js';
import type { RuntimeCommandContext } from './runtime-launch.js';
import type {
  AgentTransport,
  AllocationReport,
  Assignment,
  HeartbeatResponse,
  ObservedState,
  RegisteredNode,
  RegisterNodeBody,
} from './protocol.js';
import { startEgressTunnel } from './egress.js';
import { forwardRuntime } from './runtime-forward.js';
import { loadRuntimeTls } from './runtime-tls.js';
import type { RuntimeTls } from './runtime-tls.js';
import type { RuntimeAddressOptions, RuntimeForward } from './runtime-forward.js';
import type { EgressAllowList, EgressTunnel } from './egress.js';
import {
  allocationLayout,
  allocationsDir,
  hostId,
  insideLayout,
  resolveSandboxMode,
  stagingRoot,
  TENANT_ID,
  uidBaseFor,
} from './sandbox.js';
import { stageReadOnly } from './sandbox-mounts.js';
import type {
  AgentLogger,
  AllocationLayout,
  ResolvedSandboxMode,
  SandboxIdentity,
  SandboxMode,
  SandboxSpec,
} from './sandbox.js';
import {
  cgroupName,
  createCgroup,
  DEFAULT_SANDBOX_LIMITS,
  removeCgroup,
  sandboxLimits,
} from './sandbox-limits.js';
import type { Cgroup, SandboxLimitsConfig } from './sandbox-limits.js';
import { prepareAllocation, removeAllocationFolders } from './sandbox-prepare.js';
import { killLeftoverSandbox, startSandbox } from './sandbox-process.js';
import type { SandboxProcess } from './sandbox-process.js';
import { AGENT_VERSION } from './version.js';

export interface NodeAgentOptions {
  name: string;
  region?: string;
  labels?: Record<string, string>;
  inventory: NodeInventory;
  transport: AgentTransport;
  /** Allocations live in <dataDir>/allocations/<id>/{home,run}. */
  dataDir: string;
  sandbox?: SandboxMode;
  runtimeCommand?: (ctx: RuntimeCommandContext) => string[];
  /** Until the platform's first answer says otherwise. */
  heartbeatIntervalMs?: number;
  provisionTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on teardown. */
  teardownGraceMs?: number;
  logger?: AgentLogger;
  /** Host paths to hide from sandboxes besides dataDir (e.g. the platform's data folder). */
  hide?: string[];
  /** Host folders a custom runtime command needs, bound read-only at the same paths. */
  readOnlyBinds?: string[];
  /** What each sandbox may use, per GPU (defaults: DEFAULT_SANDBOX_LIMITS). */
  limits?: Partial<SandboxLimitsConfig>;
  /**
   * Where the runtime may open connections through its egress tunnel (host:port; the platform and
   * the registries it pulls from). Sandboxes have no other network access.
   */
  egress?: EgressAllowList;
  /**
   * A remote node: each running runtime is also served over TLS on a TCP port of this address
   * (the certificate kept in `dataDir`, its SHA-256 registered: runtime-tls.ts), and that is the
   * endpoint reported, so every platform instance reaches it (runtime-forward.ts). Without
   * it the endpoint is the runtime's Unix socket, which only this machine can open.
   */
  runtimeAddress?: RuntimeAddressOptions;
  /** Longest wait between heartbeats while the platform cannot be reached (default 30 s). */
  maxBackoffMs?: number;
}

interface Entry {
  id: string;
  state: ObservedState;
  reason?: string;
  secret?: string;
  layout: AllocationLayout | undefined;
  sandbox?: SandboxProcess;
  tunnel?: EgressTunnel;
  forward?: RuntimeForward;
  /** Indexes of the GPUs its sandbox uses (none known for a leftover). */
  gpus?: number[];
  cgroup?: Cgroup;
  /** Found on disk at start; not reported until the platform says whether it still wants it. */
  leftover?: boolean;
  provisioning?: Promise<void>;
  cancel?: AbortController;
  stopping?: Promise<void>;
}

export class NodeAgent extends EventEmitter<{ report: [AllocationReport]; heartbeat: [HeartbeatResponse] }> {
  readonly sandboxMode: ResolvedSandboxMode;
  private readonly bwrap: string | undefined;
  private readonly logger: AgentLogger;
  private readonly entries = new Map<string, Entry>();
  /** A remote node's runtime TLS identity (made or loaded at start). */
  private runtimeTls: RuntimeTls | undefined;
  private readonly runtimeCommand: (ctx: RuntimeCommandContext) => string[];
  private readonly readOnlyBinds: string[];
  private staged: Promise<{ source: string; path: string }[]> | undefined;
  private readonly limits: SandboxLimitsConfig;
  private intervalMs: number;
  private node: RegisteredNode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Heartbeats failed in a row: the next one waits longer (backoff), up to maxBackoffMs. */
  private failures = 0;

  constructor(private readonly options: NodeAgentOptions) {
    super();
    this.logger =
      options.logger ??
      pino({ base: { service: 'gpuaas-node-agent', node: options.name } }, pino.destination(2));
    const resolved = resolveSandboxMode(options.sandbox ?? 'auto', { logger: this.logger });
    this.sandboxMode = resolved.mode;
    this.bwrap = resolved.bwrap;
    this.intervalMs = options.heartbeatIntervalMs ?? 10_000;
    this.runtimeCommand = options.runtimeCommand ?? defaultRuntimeCommand;
    this.readOnlyBinds = [...runtimeReadOnlyBinds(), ...(options.readOnlyBinds ?? [])];
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    if (this.sandboxMode === 'bubblewrap' && process.getuid?.() !== 0) {
      this.logger.warn(
        { sandbox: 'single-user' },
        'the node agent is not root: sandboxes cannot map a uid range, so each runtime shares its uid with the tenant code it runs (run the agent as root for full isolation)',
      );
    }
  }

  /** The installs sandboxes bind, staged where the sandbox's uid cannot reach them (once). */
  private stagedBinds(): Promise<{ source: string; path: string }[]> {
    this.staged ??= Promise.all(
      this.readOnlyBinds.map(async (path) => ({
        source: await stageReadOnly(path, stagingRoot(this.options.dataDir)),
        path,
      })),
    );
    return this.staged;
  }

  /** Who an allocation's processes are (see sandbox.ts). */
  private identityFor(allocationId: string): SandboxIdentity {
    return process.getuid?.() === 0
      ? { kind: 'userns', uidBase: uidBaseFor(this.options.dataDir, allocationId) }
      : { kind: 'single' };
  }

  get nodeId(): string | undefined {
    return this.node?.id;
  }

  /** Finds leftovers of an earlier run, registers, and completes the first heartbeat. */
  async start(): Promise<RegisteredNode> {
    if (this.options.runtimeAddress !== undefined && this.runtimeTls === undefined) {
      this.runtimeTls = await loadRuntimeTls(this.options.dataDir, `gpuaas-node ${this.options.name}`);
    }
    await this.adoptLeftovers();
    for (let attempt = 0; this.node === undefined; attempt += 1) {
      if (this.stopped) throw new NodeAgentError('STOPPED', 'the node agent stopped before it registered');
      try {
        await this.register();
      } catch (error) {
        // A refusal (bad token, invalid inventory) will not heal by retrying: fail the start. The
        // sender already retried connection errors, 429 and 5xx a few times; this loop outlasts
        // a platform that is down for longer.
        if (isApiError(error) && error.status < 500 && error.status !== 429) throw error;
        const delay = Math.min(30_000, 1000 * 2 ** attempt);
        this.logger.error({ err: error, retry_in_ms: delay }, 'node registration failed');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    await this.nudge();
    return this.node;
  }

  /** A heartbeat now (coalesced with one in flight); resolves when it is done. */
  nudge(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight !== undefined) {
      this.again = true;
      return this.inFlight;
    }
    clearTimeout(this.timer);
    this.inFlight = (async () => {
      try {
        do {
          this.again = false;
          await this.beat();
        } while (this.again && !this.stopped);
      } finally {
        this.inFlight = undefined;
        if (!this.stopped) this.timer = setTimeout(() => void this.nudge(), this.nextDelay());
      }
    })();
    return this.inFlight;
  }

  /**
   * The interval while the platform answers; after failures, doubling from it up to maxBackoffMs,
   * with jitter so that nodes cut off together do not all come back in the same instant.
   */
  private nextDelay(): number {
    if (this.failures === 0) return this.intervalMs;
    const cap = Math.max(this.intervalMs, this.options.maxBackoffMs ?? 30_000);
    const base = Math.min(cap, this.intervalMs * 2 ** Math.min(this.failures, 16));
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  /** What the next heartbeat will report. */
  allocations(): AllocationReport[] {
    return [...this.entries.values()].filter((e) => e.leftover !== true).map((e) => this.report(e));
  }

  /**
   * Stops the loop and tears every sandbox down. `release: true` (default) also deletes the
   * allocation folders and reports them released; `release: false` keeps the folders, so an agent
   * started again over the same dataDir brings back what the platform still wants.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    const release = options.release ?? true;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight?.catch(() => undefined);
    if (release) {
      await Promise.all([...this.entries.values()].map((e) => this.teardown(e)));
      if (this.node !== undefined) {
        await this.options.transport
          .heartbeat(this.node.id, { allocations: this.allocations() })
          .catch((error: unknown) => this.logger.warn({ err: error }, 'final heartbeat failed'));
      }
    } else {
      await Promise.all(
        [...this.entries.values()].map(async (e) => {
          e.cancel?.abort();
          await e.provisioning;
          await e.forward?.close();
          await e.sandbox?.terminate(this.options.teardownGraceMs ?? 5000);
          await e.tunnel?.close();
          await removeCgroup(e.cgroup?.kind, cgroupName(this.options.dataDir, e.id));
        }),
      );
    }
  }

  private async register(): Promise<void> {
    const body: RegisterNodeBody = {
      name: this.options.name,
      inventory: {
        gpus: this.options.inventory.gpus.map((g) => ({
          index: g.index,
          ...(g.uuid === null ? {} : { uuid: g.uuid }),
          model: g.model,
          memory_mib: g.memory_mib,
          ...(g.nvlink_domain === null ? {} : { nvlink_domain: g.nvlink_domain }),
        })),
      },
      agent_version: AGENT_VERSION,
    };
    if (this.options.region !== undefined) body.region = this.options.region;
    // The platform pins every connection to this node's runtimes to it (runtime-tls.ts).
    if (this.runtimeTls !== undefined) body.runtime_certificate_sha256 = this.runtimeTls.sha256;
    if (this.options.labels !== undefined) body.labels = this.options.labels;
    this.node = await this.options.transport.register(body);
    this.logger.info(
      { node_id: this.node.id, gpus: body.inventory.gpus.length, sandbox: this.sandboxMode },
      'node registered',
    );
  }

  private async beat(): Promise<void> {
    if (this.node === undefined) {
      try {
        await this.register();
      } catch (error) {
        this.failures += 1;
        this.logger.error({ err: error }, 'node registration failed');
        return;
      }
    }
    const node = this.node;
    if (node === undefined) return;
    const allocations = this.allocations();
    let response: HeartbeatResponse;
    try {
      response = await this.options.transport.heartbeat(node.id, { allocations });
    } catch (error) {
      if (isApiError(error) && error.code === 'NOT_FOUND') {
        this.logger.warn({ node_id: node.id }, 'the platform no longer knows this node; registering again');
        this.node = undefined;
        this.again = true;
      } else {
        this.failures += 1;
        this.logger.warn({ err: error, failures: this.failures }, 'heartbeat failed');
      }
      return;
    }
    if (this.failures > 0) {
      // Back after a cut: what runs here was reported just now and the answer converges on it.
      this.logger.info({ node_id: node.id, after_failures: this.failures }, 'heartbeat answered again');
      this.failures = 0;
    }
    for (const report of allocations) {
      // A release is reported once; after the platform has it, the agent forgets the allocation.
      if (report.state === 'released' && this.entries.get(report.id)?.state === 'released')
        this.entries.delete(report.id);
    }
    if (Number.isInteger(response.heartbeat_interval_ms) && response.heartbeat_interval_ms >= 100) {
      this.intervalMs = response.heartbeat_interval_ms;
    }
    this.converge(response.assignments);
    this.emit('heartbeat', response);
  }

  private converge(assignments: Assignment[]): void {
    const wanted = new Map<string, Assignment>();
    for (const a of assignments) if (a.desired_state === 'running') wanted.set(a.allocation_id, a);
    for (const entry of this.entries.values()) {
      if (!wanted.has(entry.id) && entry.state !== 'released' && entry.stopping === undefined)
        void this.teardown(entry);
    }
    for (const a of wanted.values()) {
      const entry = this.entries.get(a.allocation_id);
      if (entry === undefined || (entry.leftover === true && entry.stopping === undefined)) this.provision(a);
    }
    for (const a of assignments) {
      // Nothing here to tear down (gone before a restart, or its release report was lost): the
      // platform still waits for a `released`, so it gets one.
      if (a.desired_state === 'released' && !this.entries.has(a.allocation_id)) {
        const entry: Entry = { id: a.allocation_id, state: 'released', layout: undefined };
        this.entries.set(entry.id, entry);
        this.emit('report', this.report(entry));
      }
    }
  }

  private report(e: Entry): AllocationReport {
    const report: AllocationReport = { id: e.id, state: e.state };
    if (e.state === 'failed' && e.reason !== undefined) report.reason = e.reason;
    if (e.state === 'running' && e.layout !== undefined && e.secret !== undefined) {
      report.endpoint = e.forward?.endpoint ?? `unix:${e.layout.socket}`;
      report.runtime_secret = e.secret;
    }
    return report;
  }

  private setState(entry: Entry, state: ObservedState, reason?: string): void {
    entry.state = state;
    entry.reason = reason;
    entry.leftover = false;
    const log = state === 'failed' ? 'warn' : 'info';
    this.logger[log]({ allocation_id: entry.id, state, reason }, `allocation ${state}`);
    this.emit('report', this.report(entry));
    void this.nudge();
  }

  private provision(a: Assignment): void {
    let layout: AllocationLayout | undefined;
    try {
      layout = allocationLayout(this.options.dataDir, a.allocation_id);
    } catch {
      layout = undefined;
    }
    const entry: Entry = {
      id: a.allocation_id,
      state: 'provisioning',
      layout,
      gpus: a.gpus.map((g) => g.index),
      cancel: new AbortController(),
    };
    this.entries.set(entry.id, entry);
    this.setState(entry, 'provisioning');
    entry.provisioning = this.bringUp(entry, a).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (entry.stopping === undefined) this.setState(entry, 'failed', `provisioning failed: ${message}`);
    });
  }

  /**
   * Waits until no sandbox being torn down still uses one of `entry`'s GPUs: the platform gives a
   * GPU again once the allocation that held it ended, which may be before its sandbox here is
   * gone (an allocation ended while the node was cut off, a provisioning timeout).
   */
  private async gpusFreed(entry: Entry): Promise<void> {
    const mine = new Set(entry.gpus ?? []);
    const busy = [...this.entries.values()].filter(
      (e) => e !== entry && e.stopping !== undefined && (e.gpus ?? []).some((g) => mine.has(g)),
    );
    if (busy.length === 0) return;
    this.logger.info(
      { allocation_id: entry.id, waiting_for: busy.map((e) => e.id) },
      'waiting for the sandboxes that used its GPUs to be torn down',
    );
    await Promise.all(busy.map((e) => e.stopping ?? Promise.resolve()));
  }

  private async bringUp(entry: Entry, a: Assignment): Promise<void> {
    const layout = entry.layout;
    if (layout === undefined) throw new Error(`unsafe allocation id ${JSON.stringify(a.allocation_id)}`);
    await this.gpusFreed(entry);
    if (entry.cancel?.signal.aborted === true) return;
    const gpus = assignedGpus(this.options.inventory, a);
    const env = assignmentEnv(a, (key) =>
      this.logger.warn({ allocation_id: entry.id, key }, 'ignoring an invalid environment variable'),
    );
    // The secret reaches the runtime in a file only it may read, which it deletes: never through
    // the environment, which outlives the read in /proc/PID/environ.
    entry.secret = randomBytes(32).toString('base64url');
    const inside = insideLayout(this.sandboxMode, layout);
    const identity: SandboxIdentity =
      this.sandboxMode === 'bubblewrap' ? this.identityFor(entry.id) : { kind: 'single' };
    const isolated = this.sandboxMode === 'bubblewrap';
    const limits = sandboxLimits(gpus.length, this.limits);
    const spec: SandboxSpec = {
      allocationId: entry.id,
      dataDir: this.options.dataDir,
      gpus,
      gpuKind: this.options.inventory.source === 'nvidia-smi' ? 'nvidia' : 'simulated',
      identity,
      limits,
      command: this.runtimeCommand({
        allocationId: entry.id,
        mode: this.sandboxMode,
        socketPath: inside.socket,
        homeDir: inside.home,
        secretFile: inside.secretFile,
        runtimeDataDir: inside.runtimeData,
        ...(isolated ? { egressSocket: inside.egressSocket } : {}),
        ...(identity.kind === 'userns' ? { tenantId: TENANT_ID } : {}),
        // An artifact may unpack to at most the allocation's disk size.
        ...(isolated ? { maxUnpackedBytes: limits.homeBytes } : {}),
        gpus,
      }),
      env,
      hide: this.options.hide ?? [],
      readOnlyBinds: identity.kind === 'userns' ? await this.stagedBinds() : this.readOnlyBinds,
      otherGpuBusIds: this.options.inventory.gpus
        .filter((g) => !gpus.some((mine) => mine.index === g.index))
        .flatMap((g) => (g.pci_bus_id === undefined ? [] : [g.pci_bus_id])),
      volumes: (a.volumes ?? []).map((v) => ({
        source: v.source,
        mountPath: v.mount_path,
        readOnly: v.read_only,
      })),
    };
    await prepareAllocation(spec, { mode: this.sandboxMode, logger: this.logger, secret: entry.secret });
    const signal = entry.cancel?.signal;
    if (signal?.aborted === true) return;
    if (isolated) {
      const runtimeUid = hostId(identity, 0);
      entry.tunnel = await startEgressTunnel({
        path: layout.egressSocket,
        ...(runtimeUid === undefined ? {} : { ownerUid: runtimeUid }),
        allow: this.options.egress ?? (() => []),
        allocationId: entry.id,
        logger: this.logger,
      });
      entry.cgroup = await createCgroup(cgroupName(this.options.dataDir, entry.id), limits, this.logger);
    }
    const sandbox = await startSandbox(spec, {
      mode: this.sandboxMode,
      ...(this.bwrap === undefined ? {} : { bwrap: this.bwrap }),
      ...(entry.cgroup === undefined
        ? {}
        : { cgroup: entry.cgroup, cgroupName: cgroupName(this.options.dataDir, entry.id) }),
    });
    entry.sandbox = sandbox;
    const watch = watchRuntime(sandbox, {
      timeoutMs: this.options.provisionTimeoutMs ?? 30_000,
      ...(signal === undefined ? {} : { signal }),
      onLine: (line) => this.logger.debug({ allocation_id: entry.id, line }, 'runtime output'),
    });
    const outcome = await watch.ready;
    if (outcome === 'cancelled' || entry.stopping !== undefined) return;
    if (outcome === undefined) {
      const socket = await stat(layout.socket).catch(() => undefined);
      if (socket?.isSocket() !== true) {
        await sandbox.terminate(1000);
        throw new Error(`the runtime reported listening but ${layout.socket} is not a socket`);
      }
      if (this.options.runtimeAddress !== undefined) {
        try {
          if (this.runtimeTls === undefined) throw new Error('the node agent has no runtime certificate');
          entry.forward = await forwardRuntime(layout.socket, this.options.runtimeAddress, {
            allocationId: entry.id,
            logger: this.logger,
            tls: this.runtimeTls,
          });
        } catch (error) {
          await sandbox.terminate(1000);
          throw new Error(
            `cannot serve the runtime on ${this.options.runtimeAddress.listen ?? this.options.runtimeAddress.advertise}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      void sandbox.exited.then((exit) => {
        if (entry.state === 'running' && entry.stopping === undefined) {
          this.setState(
            entry,
            'failed',
            exitReason('the runtime exited unexpectedly', exit, watch.stderrTail()),
          );
        }
      });
      this.setState(entry, 'running');
      return;
    }
    await sandbox.terminate(this.options.teardownGraceMs ?? 5000);
    this.setState(entry, 'failed', outcome);
  }

  private teardown(entry: Entry): Promise<void> {
    if (entry.stopping !== undefined) return entry.stopping;
    if (entry.state === 'released') return Promise.resolve();
    entry.stopping = (async () => {
      entry.cancel?.abort();
      await entry.provisioning;
      await entry.forward?.close();
      await entry.sandbox?.terminate(this.options.teardownGraceMs ?? 5000);
      await entry.tunnel?.close();
      // Whatever the tenant left running (a daemon, a double fork) dies with the allocation.
      await removeCgroup(entry.cgroup?.kind, cgroupName(this.options.dataDir, entry.id));
      if (entry.layout !== undefined) {
        await killLeftoverSandbox(entry.layout);
        await removeAllocationFolders(entry.layout).catch((error: unknown) =>
          this.logger.error(
            { err: error, allocation_id: entry.id },
            'could not delete the allocation folder',
          ),
        );
      }
      this.setState(entry, 'released');
      entry.stopping = undefined;
    })();
    return entry.stopping;
  }

  /** Allocation folders of an earlier run: their processes are killed, their fate awaits the platform. */
  private async adoptLeftovers(): Promise<void> {
    const names = await readdir(allocationsDir(this.options.dataDir)).catch(() => [] as string[]);
    for (const name of names) {
      let layout: AllocationLayout;
      try {
        layout = allocationLayout(this.options.dataDir, name);
      } catch {
        this.logger.warn({ name }, 'ignoring an unexpected entry in the allocations folder');
        continue;
      }
      const killed = await killLeftoverSandbox(layout);
      this.logger.info({ allocation_id: name, killed_process: killed }, 'found a leftover allocation');
      this.entries.set(name, { id: name, state: 'provisioning', layout, leftover: true });
    }
  }
}

/** Constructs and starts an agent. */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const agent = new NodeAgent(options);
  await agent.start();
  return agent;
}
