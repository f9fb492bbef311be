/**
 * Launch parameters for app tests: the same checks the runtime makes (declared names, each value
 * against its parameter's schema, defaults applied), so a test cannot pass values a real launch
 * would refuse.
 */
import type { ValidateFunction } from 'ajv';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { createAjv } from '../manifest/schema-check.js';

const KEYWORDS = [
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

let ajv: ReturnType<typeof createAjv> | undefined;

function validatorFor(parameter: Record<string, unknown>): ValidateFunction {
  const schema: Record<string, unknown> = {};
  for (const k of KEYWORDS) if (parameter[k] !== undefined) schema[k] = parameter[k];
  ajv ??= createAjv({ strictTypes: false });
  return ajv.compile(schema);
}

/** Values with defaults applied; throws PARAMETERS_INVALID naming every bad parameter. */
export function resolveParams(
  manifest: GpuaasAppManifest,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const declared = (manifest.parameters ?? {}) as unknown as Record<string, Record<string, unknown>>;
  const problems: string[] = [];
  for (const name of Object.keys(input)) {
    if (declared[name] === undefined) {
      const names = Object.keys(declared);
      problems.push(
        `parameter "${name}" is not declared (declared: ${names.length > 0 ? names.join(', ') : 'none'})`,
      );
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, parameter] of Object.entries(declared)) {
    const value = input[name] !== undefined ? input[name] : parameter.default;
    if (value === undefined) continue;
    const validate = validatorFor(parameter);
    if (!validate(value)) {
      const why = validate.errors
        ?.map((e) => `${e.instancePath} ${e.message ?? 'is invalid'}`.trim())
        .join(', ');
      problems.push(`parameter "${name}" ${why ?? 'is invalid'}`);
      continue;
    }
    values[name] = value;
  }
  if (problems.length > 0) {
    throw new SdkError('PARAMETERS_INVALID', problems.join('; '), { details: { problems } });
  }
  return values;
}
