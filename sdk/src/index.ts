export * from './common.js';
export * from './sign/index.js';
export * from './pack/index.js';
export { OciLayout, OCI_LAYOUT_VERSION } from './oci/layout.js';
export type { WriteBlobOptions, AddManifestOptions } from './oci/layout.js';
export * from './oci/distribution.js';
export {
  listTemplates,
  findTemplate,
  findTemplatesDir,
  templatesDirCandidates,
  scaffoldTemplate,
  renderTemplateText,
  isDnsLabel,
  TEMPLATE_METADATA_FILE,
} from './templates/index.js';
export type { TemplateInfo, TemplateValues, ScaffoldOptions, ScaffoldResult } from './templates/index.js';
export { startFakeRuntime } from './app/fake-runtime.js';
export type { FakeRuntime, FakeRuntimeOptions, FakeMeterEvent, FakeStatus } from './app/fake-runtime.js';
export * from './manifest/index.js';
export * from './publish/index.js';
export * from './client/index.js';
export * from './terminal/index.js';
