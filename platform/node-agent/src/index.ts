/**
 * `@gpuaas/node-agent`: the program that runs on every GPU node (`gpuaas-node-agent`, cli/main.ts)
 * and the pieces the platform embeds for its local nodes: the agent loop, GPU inventories, the
 * REST transport, the sandbox and its limits, the egress allow-list.
 */
export { NodeAgent, startNodeAgent } from './agent.js';
export { AGENT_VERSION } from './version.js';
export type { NodeAgentOptions } from './agent.js';
export {
  assignedGpus,
  assignmentEnv,
  defaultRuntimeCommand,
  exitReason,
  runtimeEntry,
  runtimePackageDir,
  runtimeReadOnlyBinds,
  watchRuntime,
} from './runtime-launch.js';
export type { RuntimeCommandContext, RuntimeWatch } from './runtime-launch.js';
export { fakeNvidiaSmiScript } from './fake-nvidia-smi.js';
export {
  DEFAULT_SIMULATED_MEMORY_MIB,
  DEFAULT_SIMULATED_MODEL,
  QUERY_GPU_FIELDS,
  detectNvidiaInventory,
  fakeGpuUuid,
  nvlinkDomains,
  parseQueryGpuCsv,
  parseSimulationSpec,
  parseTopoMatrix,
  simulatedInventory,
} from './inventory.js';
export type {
  DetectNvidiaOptions,
  ExecResult,
  InventoryGpu,
  NodeInventory,
  NvidiaSmiExec,
  QueryGpuRow,
  SimulatedInventorySpec,
  SimulatedNode,
  SimulationSpec,
  TopoMatrix,
} from './inventory.js';
export { failoverTransport, httpAgentTransport } from './protocol.js';
export { forwardRuntime } from './runtime-forward.js';
export type { RuntimeAddressOptions, RuntimeForward } from './runtime-forward.js';
export { certificateSha256, loadRuntimeTls, selfSignedCertificate } from './runtime-tls.js';
export type { RuntimeTls } from './runtime-tls.js';
export type {
  AgentTransport,
  AllocationReport,
  Assignment,
  AssignmentGpu,
  HeartbeatBody,
  HeartbeatResponse,
  HttpAgentTransportOptions,
  ObservedState,
  RegisterGpu,
  RegisterNodeBody,
  RegisteredNode,
} from './protocol.js';
export {
  ETC_ALLOW,
  RUNTIME_SOCKET,
  SANDBOX_RUNTIME_DATA,
  SYSTEM_DIRS,
  TENANT_ID,
  SANDBOX_BIN,
  SANDBOX_HOME,
  SANDBOX_RUN,
  allocationLayout,
  allocationsDir,
  bubblewrapPlan,
  findOnPath,
  hostId,
  insideLayout,
  nodeInstallDir,
  resolveSandboxMode,
  sandboxEnvironment,
  uidBaseFor,
} from './sandbox.js';
export type {
  AgentLogger,
  AllocationLayout,
  ResolvedSandboxMode,
  SandboxGpu,
  SandboxIdentity,
  SandboxLimits,
  SandboxMode,
  SandboxSpec,
} from './sandbox.js';
export { killLeftoverSandbox, startSandbox } from './sandbox-process.js';
export { imageFileSystem, loopDevicesOf, loopDirectIo, mountEntry, mountLoopImage } from './loop-images.js';
export type { MountEntry } from './loop-images.js';
export { prepareAllocation, removeAllocationDir, removeAllocationFolders } from './sandbox-prepare.js';
export {
  DEFAULT_SANDBOX_LIMITS,
  parseSandboxLimits,
  cgroupName,
  cgroupVersion,
  createCgroup,
  removeCgroup,
  sandboxLimits,
} from './sandbox-limits.js';
export type { Cgroup, SandboxLimitsConfig } from './sandbox-limits.js';
export { egressTarget, egressTargets, startEgressTunnel } from './egress.js';
export type { EgressAllowList, EgressTunnel } from './egress.js';
export type { SandboxExit, SandboxProcess } from './sandbox-process.js';
export { NODE_AGENT_ERRORS, NodeAgentError, isNodeAgentError } from './errors.js';
export type { NodeAgentErrorCode } from './errors.js';
export { main } from './cli/main.js';
export type { AgentCliIo } from './cli/main.js';
