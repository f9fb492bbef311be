/**
 * The launch form generated from a version's parameters (the manifest's `parameters`: name → a
 * small JSON Schema, docs/manifest.md). Pure functions, so the rules are tested without a browser:
 * which input each parameter gets, its prefilled default, the checks the browser makes before
 * sending (each message names the field; none repeats a value, so a secret's never shows), the
 * launch body's `parameters` and `secrets`, and the platform's field problems
 * (`/parameters/<name>`, `/secrets/<name>`) mapped back onto the fields.
 *
 * Values are what the inputs hold (text, or a checkbox's boolean). An empty input is "not given":
 * the parameter is left out and the platform applies its default, as the CLI does without
 * `--param`.
 */
import { checkValue, describeType } from './parameter-checks.js';
import type { ValueSchema } from './parameter-checks.js';

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'list' | 'json';
export type FieldValue = string | boolean;
export type FormValues = Record<string, FieldValue>;

export interface FormField {
  name: string;
  /** The manifest's `title`, else the name. */
  label: string;
  description: string | undefined;
  kind: FieldKind;
  /** `secret: true`: a password input, sent in `secrets`, never kept in a draft. */
  secret: boolean;
  /** For `text`: the input's type (email and URL formats get the browser's keyboards). */
  inputType: 'text' | 'password' | 'email' | 'url';
  /** For `select`: the allowed values as the option values (text), in the manifest's order. */
  options: string[];
  /** Whether the schema has a default (an empty input then means that default). */
  hasDefault: boolean;
  /** A short line of the rules (`2–64 characters`, `1 to 8`), shown under the input. */
  hint: string | undefined;
  schema: ValueSchema;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** How a scalar list's items look: strings or numbers, not objects or arrays. */
function scalarItems(schema: ValueSchema): boolean {
  const items = isObject(schema.items) ? schema.items : {};
  return (
    items.type === undefined || items.type === 'string' || items.type === 'number' || items.type === 'integer'
  );
}

function kindOf(schema: ValueSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.type !== 'array' && schema.type !== 'object') return 'select';
  switch (schema.type) {
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'array':
      return scalarItems(schema) ? 'list' : 'json';
    case 'object':
      return 'json';
    default:
      return 'text';
  }
}

function hintOf(schema: ValueSchema, kind: FieldKind): string | undefined {
  const parts: string[] = [];
  const range = (lo: unknown, hi: unknown, unit: string) => {
    const a = typeof lo === 'number' ? lo : undefined;
    const b = typeof hi === 'number' ? hi : undefined;
    if (a !== undefined && b !== undefined) parts.push(`${a} to ${b}${unit}`);
    else if (a !== undefined) parts.push(`at least ${a}${unit}`);
    else if (b !== undefined) parts.push(`at most ${b}${unit}`);
  };
  if (kind === 'number' || kind === 'integer') range(schema.minimum, schema.maximum, '');
  if (kind === 'text') range(schema.minLength, schema.maxLength, ' characters');
  if (kind === 'list') {
    parts.push('one per line');
    range(schema.minItems, schema.maxItems, ' items');
  }
  if (kind === 'json') parts.push(`${describeType(schema.type)} as JSON`);
  if (kind === 'integer') parts.push('a whole number');
  if (kind === 'text' && typeof schema.format === 'string') parts.push(`format ${schema.format}`);
  return parts.length === 0 ? undefined : parts.join('; ');
}

/** The form's fields, in the manifest's order; a declaration that is not an object is skipped. */
export function fieldsOf(parameters: Readonly<Record<string, unknown>>): FormField[] {
  return Object.entries(parameters).flatMap(([name, declared]) => {
    if (!isObject(declared)) return [];
    const schema: ValueSchema = declared;
    const kind = kindOf(schema);
    const secret = schema.secret === true;
    const format = schema.format;
    return [
      {
        name,
        label: str(schema.title) ?? name,
        description: str(schema.description),
        kind,
        secret,
        inputType: secret ? 'password' : format === 'email' ? 'email' : format === 'uri' ? 'url' : 'text',
        options: kind === 'select' ? (schema.enum as unknown[]).map(optionText) : [],
        // A secret has no default (the validator refuses one); never prefill it anyway.
        hasDefault: !secret && Object.hasOwn(schema, 'default'),
        hint: hintOf(schema, kind),
        schema,
      },
    ];
  });
}

/** An enum value as an option's text (strings as they are, anything else as JSON). */
export function optionText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What an input shows for a JSON value of its field (a default, a value restored). */
export function toInput(field: FormField, value: unknown): FieldValue {
  if (field.kind === 'boolean') return value === true;
  if (value === undefined) return '';
  switch (field.kind) {
    case 'select':
      return optionText(value);
    case 'list':
      return Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : String(v))).join('\n') : '';
    case 'json':
      return JSON.stringify(value, null, 2);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** The inputs' first values: each default (secrets empty, unchecked boxes false). */
export function initialValues(fields: readonly FormField[]): FormValues {
  return Object.fromEntries(
    fields.map((f) => [f.name, f.secret ? '' : toInput(f, f.hasDefault ? f.schema.default : undefined)]),
  );
}

/** The values a draft may keep: every field but the secrets. */
export function draftable(fields: readonly FormField[], values: FormValues): FormValues {
  const secrets = new Set(fields.filter((f) => f.secret).map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([name]) => !secrets.has(name)));
}

type Parsed = { given: false } | { given: true; value: unknown } | { error: string };

/** An input's text as the JSON value its schema types, or why it cannot be one. */
export function parseInput(field: FormField, input: FieldValue | undefined): Parsed {
  if (field.kind === 'boolean') return { given: true, value: input === true };
  const text = typeof input === 'string' ? input : '';
  if (field.kind !== 'text' && text.trim() === '') return { given: false };
  if (field.kind === 'text' && text === '') return { given: false };
  switch (field.kind) {
    case 'number':
    case 'integer': {
      const n = parseNumber(text);
      return n === undefined ? { error: `${field.label} must be a number.` } : { given: true, value: n };
    }
    case 'select': {
      const index = field.options.indexOf(text);
      const allowed = field.schema.enum as unknown[];
      return index < 0
        ? { error: `${field.label} must be one of the listed values.` }
        : { given: true, value: allowed[index] };
    }
    case 'list':
      return parseList(field, text);
    case 'json':
      try {
        return { given: true, value: JSON.parse(text) as unknown };
      } catch {
        return { error: `${field.label} must be valid JSON (${describeType(field.schema.type)}).` };
      }
    default:
      return { given: true, value: text };
  }
}

function parseNumber(text: string): number | undefined {
  const t = text.trim();
  // Plain decimal notation only: Number() would also take '0x10', '1e3' or ' '.
  return /^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(t) ? Number(t) : undefined;
}

function parseList(field: FormField, text: string): Parsed {
  const items = isObject(field.schema.items) ? field.schema.items : {};
  const numeric = items.type === 'number' || items.type === 'integer';
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (!numeric) return { given: true, value: lines };
  const values: number[] = [];
  for (const [i, line] of lines.entries()) {
    const n = parseNumber(line);
    if (n === undefined) return { error: `${field.label}: item ${i + 1} must be a number.` };
    values.push(n);
  }
  return { given: true, value: values };
}

export interface LaunchInputs {
  /** Plain parameters for the launch body (given ones only). */
  parameters: Record<string, unknown>;
  /** `secret: true` parameters, as text (the platform types them by the schema). */
  secrets: Record<string, string>;
  /** Field name → a message naming the field; empty when everything passes. */
  errors: Record<string, string>;
}

/** Checks every field (all problems at once) and splits the values into parameters and secrets. */
export function collectInputs(fields: readonly FormField[], values: FormValues): LaunchInputs {
  const out: LaunchInputs = { parameters: {}, secrets: {}, errors: {} };
  for (const field of fields) {
    const parsed = parseInput(field, values[field.name]);
    if ('error' in parsed) {
      out.errors[field.name] = parsed.error;
      continue;
    }
    if (!parsed.given) continue;
    const problem = checkValue(field.label, field.schema, parsed.value);
    if (problem !== undefined) {
      out.errors[field.name] = problem;
      continue;
    }
    if (field.secret) {
      out.secrets[field.name] =
        typeof parsed.value === 'string' ? parsed.value : JSON.stringify(parsed.value);
    } else {
      out.parameters[field.name] = parsed.value;
    }
  }
  return out;
}

/** One field's message (as the form shows it while the user edits), or undefined when it passes. */
export function checkField(field: FormField, value: FieldValue | undefined): string | undefined {
  return collectInputs([field], { [field.name]: value ?? '' }).errors[field.name];
}
