/**
 * Launch values against a manifest's parameters: the one place that compiles a parameter's schema
 * and checks values with it. The validator (a default must fit its parameter), the runtime (a
 * launch) and the app-testing helper all use it, so they can never disagree on what is valid; each
 * words the problems its own way.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { GpuaasAppManifest, Parameter } from '@gpuaas/manifest-schema';
import { createAjv } from './ajv.js';

/** The JSON Schema keywords of a parameter declaration that constrain its value. */
export const PARAMETER_KEYWORDS: readonly string[] = [
  'type',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
];

const CACHE_LIMIT = 256;
let ajv: ReturnType<typeof createAjv> | undefined;
const compiled = new Map<string, ValidateFunction | Error>();

/**
 * The validator of a parameter's value (its {@link PARAMETER_KEYWORDS} compiled with ajv), or the
 * Error ajv raised when that schema is not valid. Cached per distinct schema: validating the same
 * manifest again (an editor, CI over templates, every launch of an app) must not pay ajv's compile
 * cost each time.
 */
export function compileParameterSchema(
  parameter: Parameter | Readonly<Record<string, unknown>>,
): ValidateFunction | Error {
  const declaration = parameter as Readonly<Record<string, unknown>>;
  const schema: Record<string, unknown> = {};
  for (const k of PARAMETER_KEYWORDS) if (declaration[k] !== undefined) schema[k] = declaration[k];
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (entry === undefined) {
    if (ajv === undefined || compiled.size >= CACHE_LIMIT) {
      // A fresh ajv drops the schemas the old one kept, so memory stays bounded.
      compiled.clear();
      ajv = createAjv({ strictTypes: false });
    }
    try {
      entry = ajv.compile(schema);
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(key, entry);
  }
  return entry;
}

/** Why a launch value was refused, for the caller to word. */
export type LaunchParamProblem =
  /** The name is not among the manifest's parameters (`declared`, in manifest order). */
  | { kind: 'undeclared'; parameter: string; declared: string[] }
  /** The value (given, or the default) breaks the parameter's schema; `errors` as ajv gave them. */
  | { kind: 'invalid'; parameter: string; value: unknown; secret: boolean; errors: ErrorObject[] }
  /** The parameter's own schema does not compile (a manifest the validator would refuse). */
  | { kind: 'schema-invalid'; parameter: string; error: Error };

export interface LaunchParamResolution {
  /** The valid values, defaults applied, in manifest order. */
  values: Record<string, unknown>;
  /** Every problem at once: undeclared names (in input order) first, then declared parameters. */
  problems: LaunchParamProblem[];
}

/**
 * Checks launch values (JSON values) against the manifest's parameters: every name must be
 * declared and every value, given or default, must match its parameter's schema. An `undefined`
 * value counts as not given. Never throws: the caller turns `problems` into its own error.
 */
export function resolveLaunchParams(
  manifest: Pick<GpuaasAppManifest, 'parameters'>,
  input: Readonly<Record<string, unknown>>,
): LaunchParamResolution {
  const declared = manifest.parameters ?? {};
  const problems: LaunchParamProblem[] = [];
  for (const name of Object.keys(input)) {
    if (!Object.hasOwn(declared, name)) {
      problems.push({ kind: 'undeclared', parameter: name, declared: Object.keys(declared) });
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value = Object.hasOwn(input, name) && input[name] !== undefined ? input[name] : parameter.default;
    if (value === undefined) continue;
    const validate = compileParameterSchema(parameter);
    if (validate instanceof Error) {
      problems.push({ kind: 'schema-invalid', parameter: name, error: validate });
      continue;
    }
    if (!validate(value)) {
      // ajv reuses `errors` on the next call of the same validator, so keep a copy.
      const errors = [...(validate.errors ?? [])];
      problems.push({ kind: 'invalid', parameter: name, value, secret: parameter.secret === true, errors });
      continue;
    }
    values[name] = value;
  }
  return { values, problems };
}
