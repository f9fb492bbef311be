/** Reproducible packing of an app folder into OCI layers and an image layout. */
export { packApp, tagForVersion } from './pack.js';
export type { PackOptions, PackProgress, PackResult, PackedLayer } from './pack.js';
export { GlobSet, compileGlob, matchGlob } from './glob.js';
export type { CompiledGlob } from './glob.js';
export { tarStream, tarSize, encodeTarHeader, sortTarEntries, normalisedMode } from './tar.js';
export type { TarEntry, TarHeader, TarStreamOptions } from './tar.js';
export { gzipDeterministic, measureCompressibility, worthCompressing, GZIP_LEVEL } from './gzip.js';
export type { CompressibilitySample } from './gzip.js';
export { collectFiles, ALWAYS_EXCLUDED, MAIN_LAYER } from './collect.js';
export type { CollectedFile, CollectedLayer, CollectResult, CollectOptions } from './collect.js';
export { canonicalJson } from './canonical-json.js';
export {
  PYTHON_HELPER_FILE,
  pythonHelperPath,
  readPythonHelper,
  importsPythonHelper,
  isPythonHelperModule,
  needsPythonHelper,
} from './python-helper.js';
export { resolveProvenance, parseSourceDateEpoch } from './provenance.js';
export type { Provenance } from './provenance.js';
