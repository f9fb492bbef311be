/**
 * The OpenAPI document (platform/contract/openapi.yaml) as the source of truth at runtime: it names the
 * operations, their paths, security, scopes and extensions, and its schemas (compiled once with
 * ajv for JSON Schema 2020-12) validate every request and, in tests, every response.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { parse } from 'yaml';
import type { FieldError } from '../errors.js';
import { checkDateTime, dateTimeFormat } from '../date-time.js';
import { openapiDocument } from '@gpuaas/platform-contract';

type Json = Record<string, unknown>;

export interface ParameterValidator {
  validate: ValidateFunction;
  names: string[];
}

export interface OperationDef {
  operationId: string;
  method: string;
  /** Path template, e.g. `/v1/projects/{project_id}`. */
  path: string;
  /** Needs a bearer token (`false` for public operations and the terminal's own token). */
  authenticated: boolean;
  /** Scopes a scope-limited bearer token must carry. */
  scopes: string[];
  /** Accepts Idempotency-Key (`x-idempotent`). */
  idempotent: boolean;
  /** Audit action and target type (`x-audit`); set on every mutating operation. */
  audit: { action: string; target: string; only?: 'failure' } | undefined;
  /** Counted by the rate limiter (`x-rate-limit: false` exempts probes). */
  rateLimited: boolean;
  query: ParameterValidator;
  path_: ParameterValidator;
  header: ParameterValidator;
  body: { required: boolean; validate: ValidateFunction } | undefined;
  /** Response body validators by status code (or `default`). */
  responses: Map<string, ValidateFunction | undefined>;
}

export type MatchResult =
  | { kind: 'found'; operation: OperationDef; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  byMethod: Map<string, OperationDef>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const DEFS_ID = 'urn:gpuaas:openapi';

/** The parsed document plus its compiled operations. */
export class ApiDocument {
  readonly document: Json;
  readonly operations: OperationDef[] = [];
  readonly #paths: CompiledPath[] = [];
  readonly #ajvBody: Ajv2020;
  readonly #ajvParams: Ajv2020;
  readonly #problem: ValidateFunction;

  constructor(document: Json) {
    this.document = document;
    const components = (document.components ?? {}) as Json;
    const defs = { $id: DEFS_ID, $defs: rewriteRefs(components.schemas ?? {}, '#/$defs/') };
    // `verbose` keeps the failing value in each error, so a date-time refusal can say why.
    this.#ajvBody = newAjv({ allErrors: true, strict: true, verbose: true });
    this.#ajvParams = newAjv({
      allErrors: true,
      strict: true,
      verbose: true,
      coerceTypes: 'array',
      useDefaults: true,
    });
    this.#ajvBody.addSchema(defs);
    this.#ajvParams.addSchema(defs);
    this.#problem = this.#ajvBody.compile({ $ref: `${DEFS_ID}#/$defs/Problem` });

    const defaultSecurity = document.security as Json[] | undefined;
    for (const [template, item] of Object.entries((document.paths ?? {}) as Record<string, Json>)) {
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        });
      const compiled: CompiledPath = {
        template,
        regex: new RegExp(`^${pattern}$`),
        names,
        byMethod: new Map(),
      };
      const shared = ((item.parameters ?? []) as Json[]).map((p) => this.#deref(p));
      for (const method of HTTP_METHODS) {
        const op = item[method] as Json | undefined;
        if (op === undefined) continue;
        const def = this.#compileOperation(method, template, op, shared, defaultSecurity);
        compiled.byMethod.set(method.toUpperCase(), def);
        this.operations.push(def);
      }
      this.#paths.push(compiled);
    }
  }

  /** Finds the operation for a request; decodes path parameters. */
  match(method: string, path: string): MatchResult {
    const wanted = method === 'HEAD' ? 'GET' : method;
    for (const p of this.#paths) {
      const m = p.regex.exec(path);
      if (m === null) continue;
      const operation = p.byMethod.get(wanted);
      if (operation === undefined) return { kind: 'method-not-allowed', allowed: [...p.byMethod.keys()] };
      const params: Record<string, string> = {};
      p.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { kind: 'found', operation, params };
    }
    return { kind: 'not-found' };
  }

  /** Validates a problem document (the error middleware's own output, in tests). */
  validateProblem(body: unknown): FieldError[] {
    return this.#problem(body) ? [] : toFieldErrors(this.#problem.errors, 'body');
  }

  #deref(node: Json): Json {
    const ref = node.$ref;
    if (typeof ref !== 'string') return node;
    const parts = ref.replace(/^#\//, '').split('/');
    let target: unknown = this.document;
    for (const part of parts) target = (target as Json | undefined)?.[part];
    if (target === undefined) throw new Error(`openapi.yaml: unresolved $ref ${ref}`);
    return this.#deref(target as Json);
  }

  #compileOperation(
    method: string,
    template: string,
    op: Json,
    shared: Json[],
    defaultSecurity?: Json[],
  ): OperationDef {
    const operationId = op.operationId as string;
    const parameters = [...shared, ...((op.parameters ?? []) as Json[]).map((p) => this.#deref(p))];
    const security = (op.security ?? defaultSecurity ?? []) as Record<string, string[]>[];
    const requirement = security[0];
    const audit = op['x-audit'] as OperationDef['audit'];

    const body = op.requestBody === undefined ? undefined : this.#deref(op.requestBody as Json);
    const bodySchema = (body?.content as Json | undefined)?.['application/json'] as Json | undefined;

    const def = {
      operationId,
      method: method.toUpperCase(),
      path: template,
      authenticated: requirement?.bearer !== undefined,
      scopes: requirement?.bearer ?? [],
      idempotent: op['x-idempotent'] === true,
      audit,
      rateLimited: op['x-rate-limit'] !== false,
    } as OperationDef;
    // Validators compile on first use: a process needs few of them (responses only where they
    // are checked, in tests), and compiling every one at start took seconds and ~70 MiB of the
    // idle server's memory (docs/benchmarks.md, registry).
    // Public infrastructure (probes, metrics, keys, this document: `security: []`) ignores query
    // parameters it does not define, as load balancers and scrapers add their own; every other
    // operation refuses them, so a misspelt filter is never silently dropped.
    defineLazy(def, 'query', () => this.#parameters(parameters, 'query', requirement === undefined));
    defineLazy(def, 'path_', () => this.#parameters(parameters, 'path', false));
    defineLazy(def, 'header', () => this.#parameters(parameters, 'header', true));
    defineLazy(def, 'body', () =>
      bodySchema === undefined
        ? undefined
        : {
            required: body?.required === true,
            validate: this.#ajvBody.compile(toDefsRefs(bodySchema.schema)),
          },
    );
    defineLazy(def, 'responses', () => {
      const responses = new Map<string, ValidateFunction | undefined>();
      for (const [status, raw] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        const response = this.#deref(raw);
        const content = (response.content ?? {}) as Record<string, Json>;
        const schema = (content['application/json'] ?? content['application/problem+json'])?.schema;
        responses.set(status, schema === undefined ? undefined : this.#ajvBody.compile(toDefsRefs(schema)));
      }
      return responses;
    });
    return def;
  }

  #parameters(parameters: Json[], location: string, allowOthers: boolean): ParameterValidator {
    const properties: Json = {};
    const required: string[] = [];
    const names: string[] = [];
    for (const p of parameters) {
      if (p.in !== location) continue;
      // Header names are case-insensitive; Node gives them lower-cased.
      const name = location === 'header' ? (p.name as string).toLowerCase() : (p.name as string);
      properties[name] = toDefsRefs(p.schema ?? {});
      names.push(name);
      if (p.required === true) required.push(name);
    }
    const schema = { type: 'object', properties, required, additionalProperties: allowOthers };
    return { validate: this.#ajvParams.compile(schema), names };
  }
}

/** Defines `key` on `target` as computed by `compute` on first read, then kept. */
function defineLazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  let value: { v: T[K] } | undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (value ??= { v: compute() }).v,
  });
}

function newAjv(options: ConstructorParameters<typeof Ajv2020>[0]): Ajv2020 {
  const ajv = new Ajv2020(options);
  // ajv-formats is CommonJS; depending on the loader its plugin is the module or its default.
  const plugin = formats as unknown as FormatsPlugin & { default?: FormatsPlugin };
  (plugin.default ?? plugin)(ajv, ['email', 'uuid', 'uri']);
  // Stricter than RFC 3339: only instants a Date holds, from 1970 (http/date-time.ts).
  ajv.addFormat('date-time', dateTimeFormat);
  return ajv;
}

function rewriteRefs(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, prefix));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? prefix + v.slice('#/components/schemas/'.length)
        : rewriteRefs(v, prefix);
  }
  return out;
}

function toDefsRefs(schema: unknown): Json {
  return rewriteRefs(schema, `${DEFS_ID}#/$defs/`) as Json;
}

/** Turns ajv errors into problem `errors[]` entries with JSON pointers. */
export function toFieldErrors(
  errors: ErrorObject[] | null | undefined,
  location: FieldError['in'],
): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    let detail = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      pointer = `${pointer}/${escapePointer(extra)}`;
      detail = location === 'body' ? 'unknown field' : `unknown ${location} parameter`;
    } else if (e.keyword === 'required') {
      pointer = `${pointer}/${escapePointer(String((e.params as { missingProperty?: unknown }).missingProperty))}`;
      detail = 'is required';
    } else if (e.keyword === 'enum') {
      detail = `must be one of ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}`;
    } else if (e.keyword === 'format' && (e.params as { format?: unknown }).format === 'date-time') {
      const checked = typeof e.data === 'string' ? checkDateTime(e.data) : undefined;
      if (checked?.ok === false) detail = checked.detail;
    }
    out.push({ in: location, pointer: pointer === '' ? '/' : pointer, detail });
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

let loaded: ApiDocument | undefined;

/** The platform's OpenAPI document, parsed and compiled once per process. */
export function loadApiDocument(): ApiDocument {
  loaded ??= new ApiDocument(parse(readFileSync(openapiDocument, 'utf8')) as Json);
  return loaded;
}
