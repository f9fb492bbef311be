/**
 * The `yaml` package, loaded on first use. It is ~70 CommonJS modules (~30 ms of CPU to load), and
 * a manifest that the fast reader reads and that has no problem to place or word never needs it:
 * that is every `gpuaas-app pack` of a valid manifest, which would otherwise pay it at start-up.
 * `require` gives the module `import` would (the package's "node" export is CommonJS either way).
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  return (yaml ??= require('yaml') as typeof Yaml);
}
