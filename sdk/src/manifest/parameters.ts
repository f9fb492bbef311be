/**
 * Launch parameters: each is a small JSON Schema of its own, so its default is checked by compiling
 * it, and a secret must not carry a default at all.
 */
import type { ValidateFunction } from 'ajv';
import { describeValue, pathName, typeName } from './describe.js';
import type { RawIssue } from './issue.js';
import { escapePointerSegment } from './positions.js';
import { createAjv } from './schema-check.js';
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

// Parameter schemas are compiled once per distinct schema: validating the same manifest again (an
// editor, CI over templates) must not pay ajv's compile cost each time.
const PARAMETER_KEYWORDS = [
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
let parameterAjv = createAjv({ strictTypes: false });
const compiled = new Map<string, ValidateFunction | Error>();

function compileParameter(parameter: Obj): ValidateFunction | Error {
  const schema: Obj = {};
  for (const k of PARAMETER_KEYWORDS) if (parameter[k] !== undefined) schema[k] = parameter[k];
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (entry === undefined) {
    if (compiled.size >= CACHE_LIMIT) {
      // A fresh ajv drops the schemas the old one kept, so memory stays bounded.
      compiled.clear();
      parameterAjv = createAjv({ strictTypes: false });
    }
    try {
      entry = parameterAjv.compile(schema);
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(key, entry);
  }
  return entry;
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
  const validate = compileParameter(parameter);
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
