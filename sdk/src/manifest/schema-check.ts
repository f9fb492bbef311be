/**
 * JSON Schema validation with ajv (draft 2020-12, all errors), and the translation of ajv's output
 * into one plain-English issue per problem: the field named by its path, the oneOf/anyOf branch
 * noise collapsed into the one message that matters, and hints (did-you-mean, allowed values,
 * expected formats, examples).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { manifestSchema } from '@gpuaas/manifest-schema';
import { describePattern, describeValue, jsonType, pathName, typeHint, typeName } from './describe.js';
import type { RawIssue } from './issue.js';
import { escapePointerSegment } from './positions.js';
import { didYouMean, listOf } from './suggest.js';
import { yamlLib } from './yaml-lib.js';
import { validate as precompiled } from './__generated__/manifest-validator.js';

type SchemaNode = Record<string, unknown>;
type AjvError = ErrorObject<string, Record<string, unknown>, unknown>;

/**
 * The manifest schema's validator, compiled ahead of time by `npm run codegen` (ajv's standalone
 * code, the options of ajv.ts): no ajv to load and no compile at run time, where the compile
 * (~60–130 ms) was latency of every `gpuaas-app pack` and of the runtime's first launch.
 */
export function getManifestValidator(): ValidateFunction {
  return precompiled as unknown as ValidateFunction;
}

const defs = (manifestSchema.$defs ?? {}) as Record<string, SchemaNode>;
const versionPattern = ((manifestSchema.properties ?? {}) as Record<string, SchemaNode>).version?.pattern;
const SEMVER = typeof versionPattern === 'string' ? versionPattern : '';

function deref(node: unknown): SchemaNode {
  const schema = (node ?? {}) as SchemaNode;
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/'))
    return defs[ref.slice('#/$defs/'.length)] ?? schema;
  return schema;
}

function example(schema: SchemaNode): string | undefined {
  const examples = schema.examples ?? deref(schema).examples;
  if (!Array.isArray(examples) || examples.length === 0) return undefined;
  // Shown as YAML flow collections, the way the author would type them on one line.
  const shown = examples
    .slice(0, 2)
    .map((e) =>
      typeof e === 'string' ? e : yamlLib().stringify(e, { collectionStyle: 'flow', lineWidth: 0 }).trim(),
    );
  const text = shown.join(' or ');
  return text.length <= 80 ? text : undefined;
}

/** Text of a schema or params value for a message (strings as they are, anything else as JSON). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

const child = (pointer: string, segment: string | number): string =>
  `${pointer}/${escapePointerSegment(String(segment))}`;

function isWithin(pointer: string, parent: string): boolean {
  return pointer === parent || pointer.startsWith(`${parent}/`);
}

function belongsTo(error: AjvError, combinator: AjvError): boolean {
  return (
    error !== combinator &&
    error.schemaPath.startsWith(`${combinator.schemaPath}/`) &&
    isWithin(error.instancePath, combinator.instancePath)
  );
}

function issue(
  pointer: string,
  anchor: RawIssue['anchor'],
  code: RawIssue['code'],
  message: string,
  hint?: string,
): RawIssue {
  return { pointer, anchor, code, message, hint, severity: 'error' };
}

const COMPARISONS: Record<string, string> = {
  '>=': 'at least',
  '<=': 'at most',
  '>': 'greater than',
  '<': 'less than',
};

/** One ajv error that is not a combinator → one issue (or none, for wrapper errors). */
function convert(e: AjvError): RawIssue | undefined {
  const at = e.instancePath;
  const where = pathName(at);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const data = e.data;
  const p = e.params;
  if (e.propertyName !== undefined) {
    const { what, suggestion } = describePattern(text(p.pattern), e.propertyName);
    return issue(
      child(at, e.propertyName),
      'key',
      'pattern',
      `name "${e.propertyName}" in ${where} must be ${what}`,
      suggestion !== undefined ? `did you mean "${suggestion}"?` : undefined,
    );
  }
  switch (e.keyword) {
    case 'propertyNames':
      return undefined; // the inner error, which carries propertyName, says it all
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const guess = didYouMean(name, allowed);
      const hint = guess !== undefined ? `did you mean "${guess}"?` : `allowed here: ${allowed.join(', ')}`;
      return issue(
        child(at, name),
        'key',
        'unknown-property',
        `unknown property "${name}" in ${where}`,
        hint,
      );
    }
    case 'required': {
      const name = String(p.missingProperty);
      const sub = ((parent.properties ?? {}) as SchemaNode)[name];
      const ex = sub === undefined ? undefined : example(sub as SchemaNode);
      const description = deref(sub).description ?? (sub as SchemaNode | undefined)?.description;
      const hint =
        ex !== undefined
          ? `add ${name}: ${ex}`
          : typeof description === 'string'
            ? `add ${name}: ${description}`
            : undefined;
      return issue(
        child(at, name),
        'key',
        'required',
        `${where} is missing the required property "${name}"`,
        hint,
      );
    }
    case 'type': {
      const expected = (Array.isArray(p.type) ? p.type.map(String) : String(p.type).split(',')).filter(
        Boolean,
      );
      const wants = listOf(expected.map(typeName));
      const what =
        at === ''
          ? 'the manifest must be a mapping of keys such as apiVersion and name'
          : `${where} must be ${wants}`;
      // YAML reads `version: 1.0` as the number 1; say what a version looks like instead.
      const hint =
        at === '/version' && typeof data === 'number'
          ? `write a semantic version in quotes, e.g. "${describePattern(SEMVER, String(data)).suggestion ?? '1.0.0'}"`
          : typeHint(expected, data);
      return issue(at, 'value', 'type', `${what}, got ${describeValue(data)}`, hint);
    }
    case 'enum': {
      const allowed = (Array.isArray(p.allowedValues) ? p.allowedValues : []).map((v) =>
        typeof v === 'string' ? v : JSON.stringify(v),
      );
      const guess = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
      const hint = `${guess !== undefined ? `did you mean "${guess}"? ` : ''}allowed: ${allowed.join(', ')}`;
      return issue(
        at,
        'value',
        'enum',
        `${where} must be one of the allowed values, got ${describeValue(data)}`,
        hint,
      );
    }
    case 'const': {
      const wanted = JSON.stringify(p.allowedValue);
      return issue(
        at,
        'value',
        'const',
        `${where} must be ${wanted}, got ${describeValue(data)}`,
        `write ${wanted}`,
      );
    }
    case 'pattern': {
      const { what, suggestion } = describePattern(String(p.pattern), data);
      const ex = example(parent);
      const hint =
        suggestion !== undefined
          ? `did you mean "${suggestion}"?`
          : ex !== undefined
            ? `e.g. ${ex}`
            : undefined;
      return issue(at, 'value', 'pattern', `${where} must be ${what}, got ${describeValue(data)}`, hint);
    }
    case 'format': {
      const format = String(p.format);
      let hint: string | undefined;
      if (format === 'regex' && typeof data === 'string') {
        try {
          new RegExp(data, 'u');
        } catch (err) {
          hint = (err as Error).message;
        }
      } else if (format === 'uri') hint = 'write an absolute URL, e.g. https://github.com/acme/app';
      const label = format === 'regex' ? 'regular expression' : format === 'uri' ? 'URI' : format;
      return issue(
        at,
        'value',
        'format',
        `${where} must be a valid ${label}, got ${describeValue(data)}`,
        hint,
      );
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return issue(
        at,
        'value',
        'range',
        `${where} must be ${COMPARISONS[String(p.comparison)] ?? String(p.comparison)} ${String(p.limit)}, got ${describeValue(data)}`,
      );
    case 'minLength':
    case 'maxLength': {
      const limit = Number(p.limit);
      const text =
        e.keyword === 'minLength'
          ? limit === 1
            ? 'must not be empty'
            : `must be at least ${limit} characters long`
          : `must be at most ${limit} characters long, got ${typeof data === 'string' ? data.length : '?'}`;
      return issue(at, 'value', 'range', `${where} ${text}`);
    }
    case 'minItems':
    case 'maxItems': {
      const limit = Number(p.limit);
      const count = Array.isArray(data) ? data.length : 0;
      const text =
        e.keyword === 'minItems'
          ? `must list at least ${limit} item${limit === 1 ? '' : 's'}`
          : `must list at most ${limit} items, got ${count}`;
      return issue(at, 'value', 'range', `${where} ${text}`);
    }
    case 'uniqueItems': {
      const i = Number(p.i);
      const j = Number(p.j);
      const later = Math.max(i, j);
      const item = Array.isArray(data) ? (data as unknown[])[later] : undefined;
      return issue(
        child(at, later),
        'value',
        'unique',
        `${where} lists ${describeValue(item)} more than once (items ${Math.min(i, j)} and ${later})`,
        'remove the repeated item',
      );
    }
    default:
      return issue(at, 'value', 'type', `${where} ${e.message ?? 'is invalid'}`);
  }
}

function branchAccepts(branch: SchemaNode, data: unknown): boolean {
  const type = branch.type;
  if (type === undefined) return true;
  const actual = jsonType(data);
  const types = Array.isArray(type) ? type.map(text) : [text(type)];
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function requiredOnly(branch: SchemaNode): string | undefined {
  const keys = Object.keys(branch);
  const req = branch.required;
  return keys.length === 1 && Array.isArray(req) && req.length === 1 ? String(req[0]) : undefined;
}

/** Decides what a failed oneOf/anyOf should say, given the errors of all its branches. */
function resolveCombinator(o: AjvError, subs: AjvError[]): RawIssue[] {
  const at = o.instancePath;
  const where = pathName(at);
  const data = o.data;
  const parent = (o.parentSchema ?? {}) as SchemaNode;
  if (/(^|\/)\$defs\/money\/oneOf$/.test(o.schemaPath)) {
    if (typeof data === 'number') {
      // Suggest the same amount as text only when six decimals hold it exactly.
      const fixed = data
        .toFixed(6)
        .replace(/(\.\d*?)0+$/, '$1')
        .replace(/\.$/, '');
      const exact = data >= 0 && data < 1e12 && Number(fixed) === data;
      return [
        issue(
          at,
          'value',
          'money-float',
          `${where} is money and must be a decimal string like "0.50" or {micros: 500000}, never a bare number; got ${String(data)}`,
          exact
            ? `write "${fixed}" (in quotes) or {micros: ${Math.round(data * 1_000_000)}}`
            : 'write a non-negative amount with at most six decimals as a string, like "0.000001", or as {micros: 1}',
        ),
      ];
    }
    if (typeof data === 'string')
      return subs.filter((s) => s.schemaPath.includes('/oneOf/0/')).flatMap(convertAll);
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      return collapse(subs.filter((s) => s.schemaPath.includes('/oneOf/1/')));
    }
    return [
      issue(
        at,
        'value',
        'type',
        `${where} is money and must be a decimal string like "0.50" or {micros: 500000}, got ${describeValue(data)}`,
      ),
    ];
  }
  const branches = (Array.isArray(o.schema) ? o.schema : []) as SchemaNode[];
  const names = branches.map(requiredOnly);
  if (names.length > 0 && names.every((n) => n !== undefined)) {
    const all = names.filter((n): n is string => n !== undefined);
    const passing = o.params.passingSchemas;
    if (Array.isArray(passing)) {
      const present = passing.map((i) => all[Number(i)] ?? '?');
      return [
        issue(
          at,
          'key',
          'one-of',
          `${where} must have only one of ${listOf(all)}; it has ${listOf(present, 'and')}`,
        ),
      ];
    }
    const ex = example(parent);
    return [
      issue(at, 'key', 'one-of', `${where} must have one of ${listOf(all)}`, ex ? `e.g. ${ex}` : undefined),
    ];
  }
  const fitting = branches.map((b, i) => (branchAccepts(b, data) ? i : -1)).filter((i) => i >= 0);
  const inBranch = (i: number): AjvError[] =>
    subs.filter((s) => s.schemaPath.startsWith(`${o.schemaPath}/${i}/`));
  if (fitting.length === 0) {
    const types = [...new Set(branches.flatMap((b) => (b.type === undefined ? [] : [text(b.type)])))];
    const ex = example(parent);
    return [
      issue(
        at,
        'value',
        'type',
        `${where} must be ${listOf(types.map(typeName))}, got ${describeValue(data)}`,
        ex ? `e.g. ${ex}` : undefined,
      ),
    ];
  }
  // Report the branch the value was evidently meant for: the one with the fewest complaints.
  const best = fitting.reduce((a, b) => (inBranch(b).length < inBranch(a).length ? b : a));
  const chosen = collapse(inBranch(best));
  return chosen.length > 0 ? chosen : [issue(at, 'value', 'type', `${where} ${o.message ?? 'is invalid'}`)];
}

function convertAll(e: AjvError): RawIssue[] {
  const one = convert(e);
  return one ? [one] : [];
}

function collapse(errors: AjvError[]): RawIssue[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const outer = combinators.filter((c) => !combinators.some((o) => belongsTo(c, o)));
  const consumed = new Set<AjvError>();
  const out: RawIssue[] = [];
  for (const o of outer) {
    const subs = errors.filter((e) => belongsTo(e, o));
    for (const s of subs) consumed.add(s);
    consumed.add(o);
    out.push(...resolveCombinator(o, subs));
  }
  for (const e of errors) if (!consumed.has(e)) out.push(...convertAll(e));
  return out;
}

/** Turns ajv's errors for one manifest into issues, in document order of discovery. */
export function schemaIssues(errors: readonly ErrorObject[]): RawIssue[] {
  const issues = collapse(errors as AjvError[]);
  // "nmae: api" yields both unknown "nmae" (did you mean "name"?) and missing "name"; the
  // second is the same mistake said twice.
  const explained = new Set<string>();
  for (const i of issues) {
    const guess =
      i.code === 'unknown-property' ? /^did you mean "(.*)"\?$/.exec(i.hint ?? '')?.[1] : undefined;
    if (guess !== undefined) explained.add(child(i.pointer.slice(0, i.pointer.lastIndexOf('/')), guess));
  }
  // A value failing both a pattern and a format (a URL) is one mistake; the pattern says more.
  const patterned = new Set(issues.filter((i) => i.code === 'pattern').map((i) => i.pointer));
  const seen = new Set<string>();
  return issues.filter((i) => {
    if (i.code === 'required' && explained.has(i.pointer)) return false;
    if (i.code === 'format' && patterned.has(i.pointer)) return false;
    const key = `${i.code}\0${i.pointer}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
