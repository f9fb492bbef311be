export {
  validateManifestText,
  validateManifestPath,
  loadManifest,
  readManifestSource,
  MAX_MANIFEST_BYTES,
} from './validate.js';
export type { ManifestSource } from './validate.js';
export { loadGpuCatalog } from './catalog.js';
export { formatHuman, formatJson, formatSarif, formatGithub } from './format.js';
export type { JsonDiagnostic } from './format.js';
export { MANIFEST_ISSUE_CODES } from './types.js';
export type {
  ManifestIssueCode,
  ManifestDiagnostic,
  ManifestValidationResult,
  ValidateOptions,
  GpuCatalog,
} from './types.js';
export { DEFAULT_STOP_GRACE_PERIOD, DEFAULT_HOOK_TIMEOUT } from './semantics.js';
export { PARAMETER_KEYWORDS, compileParameterSchema, resolveLaunchParams } from './launch-params.js';
export type { LaunchParamProblem, LaunchParamResolution } from './launch-params.js';
