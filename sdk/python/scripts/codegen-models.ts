// JSON Schema (OpenAPI 3.1) → Python types for the Python SDK's generator (codegen.ts).
// Response objects become `_model.Model` classes (attribute access, parsed by `from_json`), request
// objects `TypedDict`s, everything else a type alias (`Id = str`, `Role = Literal[...]`).

export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  description?: string;
}

const PY_KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

/** The attribute a JSON property gets: keywords get a trailing underscore (`from` → `from_`). */
export function attributeName(property: string): string {
  const name = property.replace(/[^A-Za-z0-9_]/g, '_');
  return PY_KEYWORDS.has(name) ? `${name}_` : name;
}

function singular(name: string): string {
  return name.endsWith('s') && name.length > 1 ? name.slice(0, -1) : name;
}

function refName(ref: string): string {
  if (!ref.startsWith('#/components/schemas/')) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice('#/components/schemas/'.length);
}

function isObjectSchema(s: Schema): boolean {
  return (s.type === 'object' || s.properties !== undefined) && s.properties !== undefined;
}

function pyLiteral(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  throw new Error(`unsupported literal ${JSON.stringify(value)}`);
}

function oneLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/\s+/g, ' ').trim();
}

function docstring(text: string, indent: string): string {
  const clean = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
  return `${indent}"""${clean}"""\n`;
}

/** Every component schema reached from `roots` (through `$ref`s), by name. */
export function collectBodySchemas(components: Record<string, Schema>, roots: Schema[]): string[] {
  const found: string[] = [];
  const visit = (s: Schema | boolean | undefined): void => {
    if (s === undefined || typeof s === 'boolean') return;
    if (s.$ref !== undefined) {
      const name = refName(s.$ref);
      if (found.includes(name)) return;
      found.push(name);
      visit(components[name]);
      return;
    }
    for (const child of [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...Object.values(s.properties ?? {})])
      visit(child);
    visit(s.items);
    visit(s.additionalProperties);
  };
  roots.forEach(visit);
  return found;
}

export interface TypeContext {
  /** The Python type of a value as answered, with `models.` before generated names. */
  responseType(schema: Schema): string;
  /** The Python type of a request body, with `models.` before generated names. */
  requestType(schema: Schema): string;
  /** An expression turning decoded JSON into `responseType(schema)`. */
  parserFor(schema: Schema): string;
  /** The type of a path, query or header parameter. */
  parameterType(schema: Schema | undefined): string;
}

type Side = 'request' | 'response';

interface Emitted {
  name: string;
  code: string;
}

/**
 * Emits models.py (without its banner) and the context operations.py uses to name its types.
 * `requestSide` names the component schemas reached from request bodies.
 */
export function emitModels(
  components: Record<string, Schema>,
  options: {
    requestSide: string[];
    responseRoots: Schema[];
    inlineBodyName(schema: Schema): string | undefined;
  },
): { render: () => string; context: TypeContext } {
  const responseSide = collectBodySchemas(components, options.responseRoots);
  // Problem documents are read by the error factory as dicts: a TypedDict describes them.
  const requestSide = [
    ...options.requestSide,
    'Problem',
    ...collectBodySchemas(components, [{ $ref: '#/components/schemas/Problem' }]),
  ];
  const aliases: Emitted[] = [];
  const classes: Emitted[] = [];
  const typedDicts: Emitted[] = [];
  const emittedNames: string[] = [];
  const typingNames: string[] = [];

  const claim = (name: string): void => {
    if (emittedNames.includes(name)) throw new Error(`two generated Python types are named ${name}`);
    emittedNames.push(name);
  };

  /** The name of component `name` on `side` (a schema on both sides gets `Input` for requests). */
  const componentName = (name: string, side: Side): string => {
    const schema = components[name];
    if (schema === undefined) throw new Error(`unknown schema ${name}`);
    if (!isObjectSchema(schema)) return name;
    return side === 'request' && responseSide.includes(name) && name !== 'Problem' ? `${name}Input` : name;
  };

  const typeOf = (s: Schema, side: Side, hint: string, prefix: string): string => {
    if (s.$ref !== undefined) return prefix + componentName(refName(s.$ref), side);
    if (s.const !== undefined) {
      typingNames.push('Literal');
      return `Literal[${pyLiteral(s.const)}]`;
    }
    if (s.enum !== undefined) {
      typingNames.push('Literal');
      const values = s.enum.filter((v) => v !== null);
      const literal = `Literal[${values.map(pyLiteral).join(', ')}]`;
      return s.enum.includes(null) ? `${literal} | None` : literal;
    }
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives !== undefined) {
      return unionOf(alternatives.map((a, i) => typeOf(a, side, `${hint}${i}`, prefix)));
    }
    const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
    if (types.length === 0) {
      if (s.properties !== undefined) return prefix + inlineObject(s, side, hint);
      typingNames.push('Any');
      return 'Any';
    }
    return unionOf(
      types.map((t) => {
        switch (t) {
          case 'string':
            return 'str';
          case 'integer':
            return 'int';
          case 'number':
            return 'float';
          case 'boolean':
            return 'bool';
          case 'null':
            return 'None';
          case 'array':
            return `list[${s.items === undefined ? anyType() : typeOf(s.items, side, hint, prefix)}]`;
          case 'object':
            if (s.properties !== undefined) return prefix + inlineObject(s, side, hint);
            if (typeof s.additionalProperties === 'object')
              return `dict[str, ${typeOf(s.additionalProperties, side, `${hint}Value`, prefix)}]`;
            return `dict[str, ${anyType()}]`;
          default:
            throw new Error(`unsupported type ${t}`);
        }
      }),
    );
  };

  const anyType = (): string => {
    typingNames.push('Any');
    return 'Any';
  };

  const inlineNames = new Map<Schema, string>();
  const inlineObject = (s: Schema, side: Side, hint: string): string => {
    const known = inlineNames.get(s);
    if (known !== undefined) return known;
    inlineNames.set(s, hint);
    if (side === 'response') emitClass(hint, s);
    else emitTypedDict(hint, s);
    return hint;
  };

  const unionOf = (members: string[]): string => {
    const unique = members.filter((m, i) => members.indexOf(m) === i);
    const withoutNone = unique.filter((m) => m !== 'None');
    return unique.includes('None') ? [...withoutNone, 'None'].join(' | ') : unique.join(' | ');
  };

  /**
   * How decoded JSON becomes the response type: `apply` wraps an expression, `callable` is the same
   * as a function (for lists and nullable values). Undefined when the JSON is the value as is.
   */
  interface Converter {
    apply(expression: string): string;
    callable: string;
  }
  const converter = (s: Schema, hint: string, prefix: string): Converter | undefined => {
    const fromJson = (name: string): Converter => ({
      apply: (e) => `${name}.from_json(${e})`,
      callable: `${name}.from_json`,
    });
    const optional = (inner: Converter): Converter => ({
      apply: (e) => `_model.parse_optional(${e}, ${inner.callable})`,
      callable: `lambda v: _model.parse_optional(v, ${inner.callable})`,
    });
    if (s.$ref !== undefined) {
      const name = refName(s.$ref);
      const target = components[name];
      if (target === undefined) throw new Error(`unknown schema ${name}`);
      if (isObjectSchema(target)) return fromJson(`${prefix}${componentName(name, 'response')}`);
      return converter(target, name, prefix);
    }
    const alternatives = s.oneOf ?? s.anyOf;
    if (alternatives !== undefined) {
      const nonNull = alternatives.filter((a) => a.type !== 'null');
      const [only] = nonNull;
      if (nonNull.length !== 1 || only === undefined) return undefined;
      const inner = converter(only, hint, prefix);
      return inner === undefined ? undefined : optional(inner);
    }
    const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
    let inner: Converter | undefined;
    if (s.properties !== undefined) inner = fromJson(`${prefix}${inlineObject(s, 'response', hint)}`);
    else if (types.includes('array') && s.items !== undefined) {
      const item = converter(s.items, hint, prefix);
      if (item !== undefined)
        inner = {
          apply: (e) => `_model.parse_list(${e}, ${item.callable})`,
          callable: `lambda v: _model.parse_list(v, ${item.callable})`,
        };
    }
    if (inner === undefined) return undefined;
    return types.includes('null') ? optional(inner) : inner;
  };

  /** The expression for property `key` of `data`, converted. */
  const valueExpression = (key: string, s: Schema, required: boolean, hint: string): string => {
    const access = required ? `data[${JSON.stringify(key)}]` : `data.get(${JSON.stringify(key)})`;
    const convert = converter(s, hint, '');
    if (convert === undefined) return access;
    return required ? convert.apply(access) : `_model.parse_optional(${access}, ${convert.callable})`;
  };

  function propertyHint(owner: string, key: string, s: Schema): string {
    const arrayLike = s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'));
    return `${owner}${pascal(arrayLike ? singular(key) : key)}`;
  }

  function emitClass(name: string, s: Schema): void {
    claim(name);
    const properties = Object.entries(s.properties ?? {});
    const required = new Set(s.required ?? []);
    const attrs = properties.map(([key, prop]) => {
      const hint = propertyHint(name, key, prop);
      const base = typeOf(prop, 'response', hint, '');
      const isRequired = required.has(key);
      const type = isRequired || base.endsWith('| None') || base === 'None' ? base : `${base} | None`;
      return { key, attr: attributeName(key), type, isRequired, prop, hint };
    });
    // Required first so the keyword-only constructor reads like the document.
    const ordered = [...attrs.filter((a) => a.isRequired), ...attrs.filter((a) => !a.isRequired)];
    const lines: string[] = [`class ${name}(_model.Model):\n`];
    lines.push(docstring(oneLine(s.description) ?? `The \`${name}\` object of the platform API.`, '    '));
    lines.push('\n');
    lines.push(
      `    __slots__ = (${ordered.map((a) => JSON.stringify(a.attr)).join(', ')}${ordered.length === 1 ? ',' : ''})\n`,
    );
    lines.push(
      `    _FIELDS = (${ordered.map((a) => `(${JSON.stringify(a.attr)}, ${JSON.stringify(a.key)})`).join(', ')}${ordered.length === 1 ? ',' : ''})\n\n`,
    );
    for (const a of ordered) {
      const description = oneLine(a.prop.description);
      if (description !== undefined) lines.push(`    #: ${description}\n`);
      lines.push(`    ${a.attr}: ${a.type}\n`);
    }
    lines.push('\n');
    const params = ordered.map((a) =>
      a.isRequired ? `${a.attr}: ${a.type}` : `${a.attr}: ${a.type} = None`,
    );
    lines.push(`    def __init__(self${params.length > 0 ? `, *, ${params.join(', ')}` : ''}) -> None:\n`);
    lines.push('        super().__init__()\n');
    for (const a of ordered) lines.push(`        self.${a.attr} = ${a.attr}\n`);
    lines.push('\n    @classmethod\n');
    lines.push(`    def from_json(cls, data: Any) -> ${name}:\n`);
    lines.push('        return cls(\n');
    for (const a of ordered)
      lines.push(`            ${a.attr}=${valueExpression(a.key, a.prop, a.isRequired, a.hint)},\n`);
    lines.push('        )._keep_json(data)\n');
    typingNames.push('Any');
    classes.push({ name, code: lines.join('') });
  }

  function emitTypedDict(name: string, s: Schema): void {
    claim(name);
    typingNames.push('TypedDict');
    const properties = Object.entries(s.properties ?? {});
    const required = new Set(s.required ?? []);
    const entries = properties.map(([key, prop]) => ({
      key,
      type: typeOf(prop, 'request', propertyHint(name, key, prop), ''),
      isRequired: required.has(key),
      description: oneLine(prop.description),
    }));
    const doc = oneLine(s.description) ?? `The \`${name}\` object of the platform API, as a dict.`;
    const needsFunctional = entries.some((e) => attributeName(e.key) !== e.key);
    const emitGroup = (className: string, group: typeof entries, total: boolean, base?: string): string => {
      if (needsFunctional) {
        const fields = group.map((e) => `${JSON.stringify(e.key)}: ${JSON.stringify(e.type)}`).join(', ');
        return `${className} = TypedDict(${JSON.stringify(className)}, {${fields}}${total ? '' : ', total=False'})\n`;
      }
      const parents = base ?? 'TypedDict';
      const lines = [`class ${className}(${parents}${total ? '' : ', total=False'}):\n`];
      if (className === name) lines.push(docstring(doc, '    '));
      for (const e of group) {
        if (e.description !== undefined) lines.push(`    #: ${e.description}\n`);
        lines.push(`    ${e.key}: ${e.type}\n`);
      }
      if (group.length === 0 && className !== name) lines.push('    pass\n');
      return lines.join('');
    };
    const requiredEntries = entries.filter((e) => e.isRequired);
    const optionalEntries = entries.filter((e) => !e.isRequired);
    let code: string;
    if (optionalEntries.length === 0) code = emitGroup(name, requiredEntries, true);
    else if (requiredEntries.length === 0) code = emitGroup(name, optionalEntries, false);
    else if (needsFunctional) {
      throw new Error(`${name}: a TypedDict with keyword keys and optional fields is not supported`);
    } else {
      // Required and optional keys together, without NotRequired (Python 3.11+ only).
      code = `${emitGroup(`_${name}Required`, requiredEntries, true)}\n\n${emitGroup(name, optionalEntries, false, `_${name}Required`)}`;
    }
    typedDicts.push({ name, code });
  }

  // Component schemas in document order: aliases, response classes, request TypedDicts.
  for (const [name, schema] of Object.entries(components)) {
    const usedAsResponse = responseSide.includes(name);
    const usedAsRequest = requestSide.includes(name);
    if (!isObjectSchema(schema)) {
      claim(name);
      const description = oneLine(schema.description);
      aliases.push({
        name,
        code: `${description === undefined ? '' : `#: ${description}\n`}${name} = ${typeOf(schema, 'response', name, '')}\n`,
      });
      continue;
    }
    if (usedAsResponse) emitClass(name, schema);
    if (usedAsRequest) emitTypedDict(componentName(name, 'request'), schema);
  }
  // Inline request bodies (none today) are named after their operation.
  const extraRequestTypes = new Map<Schema, string>();

  const problemCodes = components.Problem?.properties?.code?.enum ?? [];
  typingNames.push('Literal');
  const problemBlock =
    `#: Every problem code the document lists (docs/errors.md); a newer server may send others.\n` +
    `ProblemCode = Literal[${problemCodes.map(pyLiteral).join(', ')}]\n` +
    `PROBLEM_CODES: tuple[ProblemCode, ...] = (${problemCodes.map(pyLiteral).join(', ')})\n`;

  const context: TypeContext = {
    responseType: (s) => typeOf(s, 'response', 'Response', 'models.'),
    requestType: (s) => {
      if (s.$ref === undefined && isObjectSchema(s)) {
        let name = extraRequestTypes.get(s);
        if (name === undefined) {
          name = options.inlineBodyName(s) ?? 'RequestBody';
          extraRequestTypes.set(s, name);
          emitTypedDict(name, s);
        }
        return `models.${name}`;
      }
      return typeOf(s, 'request', 'RequestBody', 'models.');
    },
    parserFor: (s) => {
      const convert = converter(s, 'Response', 'models.');
      if (convert !== undefined) return convert.callable;
      return typeOf(s, 'response', 'Response', 'models.').startsWith('dict[')
        ? '_model.parse_object'
        : '_model.parse_any';
    },
    parameterType: (s) => (s === undefined ? 'str' : typeOf(s, 'request', 'Parameter', 'models.')),
  };

  const render = (): string => {
    const typing = typingNames.filter((n, i) => typingNames.indexOf(n) === i).sort();
    return [
      '"""Types of the platform API: answers as classes, request bodies as TypedDicts."""\n\n',
      'from __future__ import annotations\n\n',
      `from typing import ${typing.join(', ')}\n\n`,
      'from .. import _model\n\n',
      `__all__ = [\n${[...emittedNames, 'ProblemCode', 'PROBLEM_CODES']
        .filter((n) => !n.startsWith('_'))
        .sort()
        .map((n) => `    ${JSON.stringify(n)},\n`)
        .join('')}]\n\n`,
      aliases.map((a) => a.code).join(''),
      '\n',
      problemBlock,
      ...classes.map((c) => `\n\n${c.code}`),
      ...typedDicts.map((t) => `\n\n${t.code}`),
    ].join('');
  };
  return { render, context };
}
