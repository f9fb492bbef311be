/**
 * Launch parameters: each is a small JSON Schema of its own, so its default is checked by compiling
 * it, and a secret must not carry a default at all.
 */
import type { ValidateFunction } from 'ajv';
import { describeValue, pathName, typeName } from './describe.js';
import type { RawIssue } from './issue.js';
import { compileParameterSchema } from './launch-params.js';
import { escapePointerSegment } from './positions.js';
import { listOf } from './suggest.js';

type Obj = Record<string, unknown>;

function error(
  pointer: string,
  code: RawIssue['code'],
  message: string,
  hint: string | undefined,
  anchor: RawIssue['anchor'] = 'value',
): RawIssue {
  return { pointer, anchor, code, message, hint, severity: 'error' };
}

function reason(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  if (!e) return 'it does not match';
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath === '' ? '' : ` at ${e.instancePath}`;
  switch (e.keyword) {
    case 'type':
      return `it must be ${typeName(String(p.type))}${at}`;
    case 'enum':
      return `it must be one of ${listOf((p.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}${at}`;
    case 'pattern':
      return `it must match /${String(p.pattern)}/${at}`;
    default:
      return `it ${e.message ?? 'does not match'}${at}`;
  }
}

const BOUNDS: [string, string][] = [
  ['minimum', 'maximum'],
  ['minLength', 'maxLength'],
  ['minItems', 'maxItems'],
];

export function parameterIssues(name: string, parameter: Obj): RawIssue[] {
  const at = `/parameters/${escapePointerSegment(name)}`;
  const hasDefault = Object.hasOwn(parameter, 'default');
  if (parameter.secret === true && hasDefault) {
    return [
      error(
        `${at}/default`,
        'secret-has-default',
        `${pathName(at)} is a secret and must not have a default`,
        'remove the default; the tenant supplies secrets at launch',
        'key',
      ),
    ];
  }
  for (const [lo, hi] of BOUNDS) {
    const a = parameter[lo];
    const b = parameter[hi];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      return [
        error(
          `${at}/${lo}`,
          'parameter-schema-invalid',
          `${pathName(at)} can never be satisfied: ${lo} ${a} is greater than ${hi} ${b}`,
          `swap ${lo} and ${hi}`,
          'key',
        ),
      ];
    }
  }
  const validate = compileParameterSchema(parameter);
  if (validate instanceof Error) {
    return [
      error(
        at,
        'parameter-schema-invalid',
        `${pathName(at)} is not a valid JSON Schema: ${validate.message.split(', ')[0] ?? validate.message}`,
        undefined,
        'key',
      ),
    ];
  }
  if (hasDefault && !validate(parameter.default)) {
    return [
      error(
        `${at}/default`,
        'parameter-default-invalid',
        `${pathName(at)}.default ${describeValue(parameter.default)} is not valid for the parameter: ${reason(validate)}`,
        'change the default or the parameter schema so they agree',
      ),
    ];
  }
  return [];
}
