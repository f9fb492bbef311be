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
  HIDDEN_HOST_PATHS,
  RUNTIME_SOCKET,
  SANDBOX_BIN,
  SANDBOX_HOME,
  SANDBOX_RUN,
  allocationLayout,
  allocationsDir,
  bubblewrapArgs,
  findOnPath,
  insideLayout,
  nodeInstallDir,
  prepareAllocation,
  resolveSandboxMode,
  sandboxEnvironment,
} from './sandbox.js';
export type {
  AgentLogger,
  AllocationLayout,
  ResolvedSandboxMode,
  SandboxGpu,
  SandboxMode,
  SandboxSpec,
} from './sandbox.js';
export { killLeftoverSandbox, removeAllocationDir, startSandbox } from './sandbox-process.js';
export type { SandboxExit, SandboxProcess } from './sandbox-process.js';
