// Generates the Python SDK's models and per-operation request builders from the platform's OpenAPI
// document (platform/contract/openapi.yaml), into sdk/python/src/gpuaas/__generated__/. CI runs
// `npm run codegen` and fails on a diff, so the output depends on nothing but the document: same
// order as the document, no timestamps, no machine paths.
//
// What comes out:
// - models.py: response schemas as small classes with typed attributes (`allocation.state`) built by
//   `from_json`; request bodies as TypedDicts (what a caller writes as a dict literal); string
//   enums as `Literal` aliases; the problem codes as a tuple and a `Literal`.
// - operations.py: one function per operation returning an `ApiRequest[Response]` (method, path,
//   query, headers, body and how to parse the answer); the hand-written client sends it.
// Operations whose answer is not a request/response exchange (a WebSocket upgrade, an event
// stream) are listed in STREAMING_OPERATIONS instead: the terminal and event modules handle them.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { parse } from 'yaml';
import {
  collectBodySchemas,
  emitModels,
  pascal,
  snake,
  type Schema,
  type TypeContext,
} from './codegen-models.ts';

const specUrl = new URL('../../../platform/contract/openapi.yaml', import.meta.url);
const outDir = new URL('../src/gpuaas/__generated__/', import.meta.url);

const BANNER =
  '# Generated from platform/contract/openapi.yaml by `npm run codegen` (sdk/python/scripts/codegen.ts). Do not edit.\n';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
  $ref?: string;
}

interface MediaType {
  schema?: Schema;
}

interface Operation {
  operationId: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, { $ref?: string; content?: Record<string, MediaType> }>;
}

interface Document {
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Schema>;
    parameters?: Record<string, Parameter>;
  };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

const doc = parse(await readFile(specUrl, 'utf8')) as Document;

function resolveParameter(p: Parameter): Parameter {
  if (p.$ref === undefined) return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  const found = doc.components.parameters?.[name];
  if (found === undefined) throw new Error(`unknown parameter ${p.$ref}`);
  return found;
}

interface PlannedOperation {
  method: (typeof METHODS)[number];
  path: string;
  op: Operation;
  parameters: Parameter[];
  body: { schema: Schema; required: boolean } | undefined;
  /** The 2xx answer: JSON with a schema, text, nothing, or a stream/upgrade handled elsewhere. */
  response:
    | { kind: 'json'; schema: Schema }
    | { kind: 'text' }
    | { kind: 'empty' }
    | { kind: 'stream'; contentType: string };
}

function planResponse(op: Operation): PlannedOperation['response'] {
  const success = Object.entries(op.responses ?? {}).filter(([status]) => /^[12]\d\d$/.test(status));
  if (success.some(([status]) => status === '101')) return { kind: 'stream', contentType: 'websocket' };
  const [first] = success;
  if (first === undefined) throw new Error(`${op.operationId} has no success response`);
  const content = first[1].content;
  if (content === undefined) return { kind: 'empty' };
  const json = content['application/json'];
  if (json?.schema !== undefined) return { kind: 'json', schema: json.schema };
  const types = Object.keys(content);
  if (types.includes('text/event-stream')) return { kind: 'stream', contentType: 'text/event-stream' };
  // Plain text, JSON Lines and CSV are handed back as one string.
  return { kind: 'text' };
}

const operations: PlannedOperation[] = [];
for (const [path, item] of Object.entries(doc.paths)) {
  const shared = ((item.parameters ?? []) as Parameter[]).map(resolveParameter);
  for (const method of METHODS) {
    const op = item[method] as Operation | undefined;
    if (op === undefined) continue;
    const own = (op.parameters ?? []).map(resolveParameter);
    const parameters = [
      ...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)),
      ...own,
    ];
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    operations.push({
      method,
      path,
      op,
      parameters,
      body:
        bodySchema === undefined
          ? undefined
          : { schema: bodySchema, required: op.requestBody?.required === true },
      response: planResponse(op),
    });
  }
}

// Request-side schemas become TypedDicts, everything answered becomes a model class.
const requestRoots = operations.flatMap((o) => (o.body === undefined ? [] : [o.body.schema]));
const responseRoots = operations.flatMap((o) => (o.response.kind === 'json' ? [o.response.schema] : []));
const { render: renderModels, context } = emitModels(doc.components.schemas, {
  requestSide: collectBodySchemas(doc.components.schemas, requestRoots),
  responseRoots,
  inlineBodyName: (schema) => {
    const owner = operations.find((o) => o.body?.schema === schema);
    return owner === undefined ? undefined : `${pascal(owner.op.operationId)}Body`;
  },
});

function pyString(value: string): string {
  return JSON.stringify(value);
}

function docstring(text: string, indent: string): string {
  const clean = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').trim();
  return `${indent}"""${clean}"""\n`;
}

/** Python keyword or builtin-shadowing-safe argument name for a parameter. */
function argName(p: Parameter): string {
  const name = snake(p.name.replace(/-/g, '_'));
  return ['from', 'in', 'import', 'class', 'def', 'global', 'lambda', 'pass', 'return'].includes(name)
    ? `${name}_`
    : name;
}

function emitOperation(planned: PlannedOperation, ctx: TypeContext): string {
  const { op, method, path } = planned;
  const name = snake(op.operationId);
  const response = planned.response;
  if (response.kind === 'stream') throw new Error('streams are not emitted as builders');
  const responseType =
    response.kind === 'json' ? ctx.responseType(response.schema) : response.kind === 'text' ? 'str' : 'None';
  const parse =
    response.kind === 'json'
      ? ctx.parserFor(response.schema)
      : response.kind === 'text'
        ? '_model.parse_text'
        : '_model.parse_empty';

  const positional: string[] = [];
  const keyword: string[] = [];
  const pathParams = planned.parameters.filter((p) => p.in === 'path');
  for (const p of pathParams) positional.push(`${argName(p)}: ${ctx.parameterType(p.schema)}`);
  if (planned.body !== undefined) {
    const bodyType = ctx.requestType(planned.body.schema);
    if (planned.body.required) positional.push(`body: ${bodyType}`);
    else keyword.push(`body: ${bodyType} | None = None`);
  }
  const query = planned.parameters.filter((p) => p.in === 'query');
  const headers = planned.parameters.filter((p) => p.in === 'header');
  for (const p of [...query, ...headers]) {
    const type = ctx.parameterType(p.schema);
    keyword.push(p.required === true ? `${argName(p)}: ${type}` : `${argName(p)}: ${type} | None = None`);
  }
  const args = [...positional, ...(keyword.length > 0 ? ['*', ...keyword] : [])];

  let pathExpr = pyString(path);
  if (pathParams.length > 0) {
    const template = path.replace(/\{([^}]+)\}/g, (_m, p: string) => {
      const param = pathParams.find((x) => x.name === p);
      if (param === undefined) throw new Error(`${op.operationId}: no parameter for {${p}} in ${path}`);
      return `{_model.quote_path(${argName(param)})}`;
    });
    pathExpr = `f${pyString(template)}`;
  }
  const lines = [
    `def ${name}(${args.join(', ')}) -> ApiRequest[${responseType}]:\n`,
    docstring(
      `${op.summary ?? op.operationId}\n\n    \`${method.toUpperCase()} ${path}\` (${op.operationId}).`,
      '    ',
    ),
    `    return ApiRequest(\n`,
    `        ${pyString(op.operationId)},\n`,
    `        ${pyString(method.toUpperCase())},\n`,
    `        ${pathExpr},\n`,
    `        ${parse},\n`,
  ];
  if (query.length > 0)
    lines.push(`        query={${query.map((p) => `${pyString(p.name)}: ${argName(p)}`).join(', ')}},\n`);
  if (headers.length > 0)
    lines.push(`        headers={${headers.map((p) => `${pyString(p.name)}: ${argName(p)}`).join(', ')}},\n`);
  if (planned.body !== undefined) lines.push(`        body=body,\n`);
  if (response.kind !== 'json') lines.push(`        response_kind=${pyString(response.kind)},\n`);
  lines.push(`    )\n`);
  return lines.join('');
}

function emitOperations(): string {
  const builders = operations.filter((o) => o.response.kind !== 'stream');
  const streams = operations.filter((o) => o.response.kind === 'stream');
  const body = builders.map((planned) => `\n\n${emitOperation(planned, context)}`).join('');
  const typing = ['Any', 'Literal'].filter((name) => new RegExp(`\\b${name}[\\[\\]]`).test(body));
  const out: string[] = [
    BANNER,
    '"""One request builder per operation of the platform API; the client sends what they build."""\n\n',
    'from __future__ import annotations\n\n',
    ...(typing.length > 0 ? [`from typing import ${typing.join(', ')}\n\n`] : []),
    'from .. import _model\n',
    'from .._request import ApiRequest\n',
    'from . import models\n',
    body,
    '\n',
  ];
  out.push(
    '\n#: Every operation of the document: id -> (method, path template).\n',
    'OPERATIONS: dict[str, tuple[str, str]] = {\n',
    ...operations.map(
      (o) =>
        `    ${pyString(o.op.operationId)}: (${pyString(o.method.toUpperCase())}, ${pyString(o.path)}),\n`,
    ),
    '}\n\n',
    '#: Operations answered by a WebSocket upgrade or an event stream: id -> kind.\n',
    'STREAMING_OPERATIONS: dict[str, str] = {\n',
    ...streams.map(
      (o) =>
        `    ${pyString(o.op.operationId)}: ${pyString(o.response.kind === 'stream' ? o.response.contentType : '')},\n`,
    ),
    '}\n',
  );
  return out.join('');
}

await mkdir(outDir, { recursive: true });
// Operations first: an inline request body adds its TypedDict to the models.
const operationsPy = emitOperations();
await writeFile(new URL('models.py', outDir), BANNER + renderModels());
await writeFile(new URL('operations.py', outDir), operationsPy);
await writeFile(
  new URL('__init__.py', outDir),
  `${BANNER}"""Models and request builders generated from the platform's OpenAPI document."""\n`,
);
