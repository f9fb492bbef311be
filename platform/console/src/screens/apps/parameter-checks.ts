/**
 * The browser's check of one launch value against its parameter's schema: the JSON Schema subset
 * a manifest parameter may use (type, enum, minimum/maximum, minLength/maxLength, pattern,
 * format, items, minItems/maxItems, properties, required; docs/manifest.md). The platform checks
 * again with ajv; this one answers at once, in words that name the field and never repeat the
 * value (it may be a secret).
 */

/** A parameter's schema (or a nested one: an array's items, an object's properties). */
export type ValueSchema = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is ValueSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema type in words (`text`, `a whole number`, `a list`). */
export function describeType(type: unknown): string {
  switch (type) {
    case 'string':
      return 'text';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return 'a value';
  }
}

function typeMatches(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

const FORMATS: Record<string, (text: string) => boolean> = {
  email: (t) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t),
  uri: (t) => /^[a-z][a-z0-9+.-]*:/i.test(t) && URL.canParse(t),
  hostname: (t) =>
    t.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(t),
  'date-time': (t) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(t) &&
    !Number.isNaN(Date.parse(t)),
  uuid: (t) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t),
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function checkString(name: string, schema: ValueSchema, value: string): string | undefined {
  // JSON Schema counts characters as code points, as ajv does.
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    return schema.minLength === 1
      ? `${name} must not be empty.`
      : `${name} must be at least ${plural(schema.minLength, 'character', 'characters')} long.`;
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    return `${name} must be at most ${plural(schema.maxLength, 'character', 'characters')} long.`;
  }
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      // A pattern this browser cannot compile is left to the platform's check.
    }
    if (pattern !== undefined && !pattern.test(value)) return `${name} must match ${schema.pattern}.`;
  }
  const format = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (format !== undefined && !format(value)) return `${name} must be a valid ${String(schema.format)}.`;
  return undefined;
}

function checkNumber(name: string, schema: ValueSchema, value: number): string | undefined {
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    return `${name} must be at least ${schema.minimum}.`;
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    return `${name} must be at most ${schema.maximum}.`;
  }
  return undefined;
}

function checkArray(name: string, schema: ValueSchema, value: readonly unknown[]): string | undefined {
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    return `${name} needs at least ${plural(schema.minItems, 'item', 'items')}.`;
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    return `${name} takes at most ${plural(schema.maxItems, 'item', 'items')}.`;
  }
  if (!isObject(schema.items)) return undefined;
  for (const [i, item] of value.entries()) {
    const problem = checkValue(`${name}, item ${i + 1},`, schema.items, item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkObject(name: string, schema: ValueSchema, value: ValueSchema): string | undefined {
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const key of required) {
    if (typeof key === 'string' && !Object.hasOwn(value, key)) return `${name} needs the field ${key}.`;
  }
  if (!isObject(schema.properties)) return undefined;
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!Object.hasOwn(value, key) || !isObject(sub)) continue;
    const problem = checkValue(`${name}.${key}`, sub, value[key]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The first rule `value` breaks, as a sentence naming `name`; undefined when it passes. */
export function checkValue(name: string, schema: ValueSchema, value: unknown): string | undefined {
  if (schema.type !== undefined && !typeMatches(schema.type, value)) {
    return `${name} must be ${describeType(schema.type)}.`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((allowed) => equal(allowed, value))) {
    return `${name} must be one of ${schema.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}.`;
  }
  if (typeof value === 'string') return checkString(name, schema, value);
  if (typeof value === 'number') return checkNumber(name, schema, value);
  if (Array.isArray(value)) return checkArray(name, schema, value);
  if (isObject(value)) return checkObject(name, schema, value);
  return undefined;
}
