/**
 * The one place that configures ajv: the options and formats of the manifest schema's validator
 * (precompiled by `npm run codegen` into __generated__/manifest-validator.ts) and of the parameter
 * schemas compiled at run time. Kept free of relative imports so the codegen script can load this
 * file as it is.
 *
 * ajv is loaded on the first call, not on import: ajv and ajv-formats are ~100 CommonJS modules
 * (~60 ms of CPU), which `gpuaas-app pack` and the runtime would otherwise pay at start-up for a
 * manifest without parameters, now that the manifest schema itself needs no compile.
 */
import { createRequire } from 'node:module';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type { Ajv2020, Options } from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);

/** The formats manifests and parameter schemas use. */
export const AJV_FORMATS = ['uri', 'regex', 'email', 'hostname', 'date-time', 'uuid'] as const;

/** ajv's options; the manifest validator's errors depend on them (allErrors, verbose). */
export function ajvOptions(options: { strictTypes: boolean; builtIn?: boolean }): Options {
  return {
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTypes: options.strictTypes,
    // For our own fixed schema only (checked against the meta-schema by a test): skips the
    // meta-schema pass and ajv's code optimiser, which are most of the compile time.
    ...(options.builtIn === true ? { validateSchema: false, code: { optimize: false } } : {}),
  };
}

/**
 * A new ajv for draft 2020-12 with {@link AJV_FORMATS}. `code` is merged into the options' `code`
 * (the codegen asks for source and ES modules).
 */
export function createAjv(options: {
  strictTypes: boolean;
  builtIn?: boolean;
  code?: Options['code'];
}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof Ajv2020Module;
  const addFormats = (require('ajv-formats') as { default: (ajv: Ajv2020, formats: string[]) => unknown })
    .default;
  const base = ajvOptions(options);
  const ajv = new Ajv({ ...base, code: { ...base.code, ...options.code } });
  addFormats(ajv, [...AJV_FORMATS]);
  return ajv;
}
