/**
 * Plain-English pieces of validator messages: field names from pointers, short renderings of
 * values, what each schema pattern means, and fix-it suggestions for common slips.
 */
import { yamlLib } from './yaml-lib.js';
import { pointerSegments } from './positions.js';

/** `/resources/minimum/gpus/count` → `resources.minimum.gpus.count`; `/endpoints/0` → `endpoints[0]`. */
export function pathName(pointer: string): string {
  let out = '';
  for (const segment of pointerSegments(pointer)) {
    if (/^(0|[1-9][0-9]*)$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? 'the manifest' : out;
}

/** A short rendering of a value for "got …" clauses. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value pairs)',
  array: 'a list',
  null: 'empty',
};

export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

/** JSON type of a value, in JSON Schema terms (integers are numbers too). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A hint for a value of the wrong type, for the slips YAML makes easy. */
export function typeHint(expected: readonly string[], value: unknown): string | undefined {
  const wants = (t: string): boolean => expected.includes(t);
  if (value === null) {
    return 'the value is empty: YAML reads "key:" with nothing after it as null; fill it in or remove the key';
  }
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if ((wants('integer') || wants('number')) && trimmed !== '' && Number.isFinite(Number(trimmed))) {
      return `remove the quotes: ${trimmed}`;
    }
    if (wants('boolean') && /^(yes|no|on|off|y|n)$/i.test(trimmed)) {
      return `YAML 1.2 reads ${value} as text; write ${/^(yes|on|y)$/i.test(trimmed) ? 'true' : 'false'}`;
    }
    if (wants('array') && !wants('string')) {
      const words = trimmed.split(/\s+/).filter((w) => w !== '');
      const list = yamlLib()
        .stringify(words.length > 0 ? words : ['...'], {
          collectionStyle: 'flow',
          lineWidth: 0,
        })
        .trim();
      return `write a list, e.g. ${list}`;
    }
    if (wants('integer') && wants('number') === false && /^\d+(\.\d+)?\s*[A-Za-z]+$/.test(trimmed)) {
      return 'write the number alone, without a unit';
    }
  }
  if (typeof value === 'number' && wants('integer') && !wants('number') && !Number.isInteger(value)) {
    return `use a whole number, e.g. ${Math.round(value)}`;
  }
  if ((typeof value === 'number' || typeof value === 'boolean') && wants('string')) {
    return `put it in quotes so YAML keeps it as text: "${String(value)}"`;
  }
  return undefined;
}

interface PatternInfo {
  /** Completes "must be …". */
  what: string;
  /** A corrected value, when one can be guessed. */
  fix?: (value: string) => string | undefined;
}

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
const SNAKE_NAME = '^[a-z][a-z0-9_]{0,63}$';
const DURATION = '^[0-9]+(ms|s|m|h)$';
const MONEY = '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,6})?$';

const MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const UNIT_WORDS: Record<string, string> = {
  ms: 'ms',
  msec: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
};

function fixDuration(value: string): string | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (!m) return undefined;
  const unit = UNIT_WORDS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return m[2] === '' ? `${m[1] ?? ''}s` : undefined;
  // Decimal amounts become whole numbers of a smaller unit (1.5m → 90s).
  const ms = Math.round(Number(m[1]) * (MS[unit] ?? 1));
  for (const u of ['h', 'm', 's', 'ms']) {
    const size = MS[u] ?? 1;
    if (ms % size === 0) return `${ms / size}${u}`;
  }
  return undefined;
}

function fixDnsLabel(value: string): string | undefined {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? undefined : label;
}

function fixSemver(value: string): string | undefined {
  const m = /^\s*[vV]?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(value);
  if (!m) return undefined;
  const part = (s: string | undefined): number => Number(s ?? '0');
  return `${part(m[1])}.${part(m[2])}.${part(m[3])}${m[4] ?? ''}`;
}

const PATTERNS: Record<string, PatternInfo> = {
  [DNS_LABEL]: {
    what: "a DNS label: lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit",
    fix: fixDnsLabel,
  },
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$':
    {
      what: 'a semantic version MAJOR.MINOR.PATCH, like 1.4.0 or 2.0.0-rc.1',
      fix: fixSemver,
    },
  [DURATION]: {
    what: 'a duration: a whole number and a unit (ms, s, m or h), like 30s or 5m',
    fix: fixDuration,
  },
  [MONEY]: {
    what: 'a decimal amount with at most six decimals and no currency sign, like "0.50"',
    fix: (v) => {
      const cleaned = v.replace(/[^0-9.,]/g, '').replace(',', '.');
      return /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$/.test(cleaned) ? cleaned : undefined;
    },
  },
  '^[A-Za-z_][A-Za-z0-9_]*$': {
    what: 'an environment variable name: letters, digits and _, not starting with a digit',
    fix: (v) => v.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=[0-9])/, '_'),
  },
  [SNAKE_NAME]: {
    what: 'lower snake case: a-z, 0-9 and _, starting with a letter, at most 64 characters',
    fix: (v) =>
      v
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^[^a-z]+/, '')
        .slice(0, 64) || undefined,
  },
  '^[A-Z]{3}$': {
    what: 'a three-letter ISO 4217 currency code in capitals, like USD',
    fix: (v) => (/^[A-Za-z]{3}$/.test(v.trim()) ? v.trim().toUpperCase() : undefined),
  },
  '^/': { what: 'a path starting with /, like /healthz', fix: (v) => `/${v.replace(/^\.?\/*/, '')}` },
  '^(?!/)(?!.*(^|/)\\.\\.(/|$)).*$': {
    what: "a relative path inside the app folder (not starting with / and without '..')",
  },
  '^[A-Za-z0-9.+\\-() ]+$': { what: 'an SPDX license expression, like Apache-2.0 or MIT OR Apache-2.0' },
  '^https?://': { what: 'an http:// or https:// URL' },
  '^[A-Za-z0-9][A-Za-z0-9 ._-]*$': {
    what: "a GPU model name as listed in the catalog, like H100-80GB (letters, digits, space, '.', '_', '-')",
  },
  '^[\\^~<>=*xX0-9. |-]+$': { what: 'a version range, like >=12.1 or ^0.1.0' },
};

/** What a pattern means and, for a failing value, a corrected value to suggest. */
export function describePattern(
  pattern: string,
  value: unknown,
): { what: string; suggestion: string | undefined } {
  const info = PATTERNS[pattern];
  if (!info) return { what: `a string matching /${pattern}/`, suggestion: undefined };
  const suggestion = typeof value === 'string' && info.fix ? info.fix(value) : undefined;
  return { what: info.what, suggestion: suggestion === value ? undefined : suggestion };
}

/** True when a pattern has a plain-English description (a test keeps the schema covered). */
export function isKnownPattern(pattern: string): boolean {
  return pattern in PATTERNS;
}

/** Milliseconds of a schema-valid duration (`30s`, `5m`). */
export function durationMs(value: string): number {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(value);
  return m ? Number(m[1]) * (MS[m[2] ?? 's'] ?? 1) : NaN;
}
