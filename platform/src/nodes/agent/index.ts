export { AGENT_VERSION, NodeAgent, startNodeAgent } from './agent.js';
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
  TopoMatrix,
} from './inventory.js';
export { httpAgentTransport } from './protocol.js';
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
export { prepareAllocation, removeAllocationDir, removeAllocationFolders } from './sandbox-prepare.js';
export {
  DEFAULT_SANDBOX_LIMITS,
  cgroupName,
  cgroupVersion,
  createCgroup,
  removeCgroup,
  sandboxLimits,
} from './sandbox-limits.js';
export type { Cgroup, SandboxLimitsConfig } from './sandbox-limits.js';
export { egressTarget, startEgressTunnel } from './egress.js';
export type { EgressAllowList, EgressTunnel } from './egress.js';
export type { SandboxExit, SandboxProcess } from './sandbox-process.js';
