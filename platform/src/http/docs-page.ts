/**
 * Reference pages rendered from the OpenAPI document and the error catalog: plain, self-contained
 * HTML (no scripts, no CDN — deployments may have no outbound network), with a strict CSP.
 */
import { PLATFORM_ERRORS } from '../errors.js';

type Json = Record<string, unknown>;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Content-Security-Policy for the pages: inline styles only, nothing else. */
export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:13px ui-monospace,monospace;background:#f4f4f4}pre{padding:.6rem;overflow:auto}
.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;text-transform:uppercase}
.get{color:#1565c0}.post{color:#2e7d32}.patch{color:#ef6c00}.put{color:#6a1b9a}.delete{color:#c62828}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}`;

/** A document field as text; anything that is not a string or number renders empty. */
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function resolveRef(doc: Json, node: unknown): Json {
  let current = node as Json;
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i++) {
    let target: unknown = doc;
    for (const part of current.$ref.replace(/^#\//, '').split('/'))
      target = (target as Json | undefined)?.[part];
    current = (target ?? {}) as Json;
  }
  return current;
}

function schemaName(node: unknown): string {
  const ref = (node as Json | undefined)?.$ref;
  return typeof ref === 'string' ? (ref.split('/').pop() ?? '') : '';
}

/** The interactive-free reference of every operation, then every schema. */
export function renderApiReference(doc: Json): string {
  const info = (doc.info ?? {}) as Json;
  const parts: string[] = [
    `<h1>${escapeHtml(str(info.title, 'API'))} <small>${escapeHtml(str(info.version, ''))}</small></h1>`,
    `<p>${escapeHtml(str(info.description, ''))}</p>`,
    '<p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a> · Error codes: <a href="/docs/errors">/docs/errors</a></p>',
    '<h2>Operations</h2>',
  ];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const [method, raw] of Object.entries(item)) {
      if (method === 'parameters' || typeof raw !== 'object' || raw === null) continue;
      const op = raw as Json;
      const security = (op.security ?? doc.security) as Record<string, string[]>[] | undefined;
      const auth =
        security === undefined || security.length === 0
          ? 'public'
          : `bearer token${
              Object.values(security[0] ?? {}).flat().length > 0
                ? `; scope ${Object.values(security[0] ?? {})
                    .flat()
                    .join(' ')}`
                : ''
            }`;
      const params = [...((item.parameters ?? []) as unknown[]), ...((op.parameters ?? []) as unknown[])]
        .map((p) => resolveRef(doc, p))
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(str(p.name))}</code></td><td>${escapeHtml(str(p.in))}</td><td>${p.required === true ? 'required' : ''}</td><td>${escapeHtml(str(p.description, ''))}</td></tr>`,
        )
        .join('');
      const body = resolveRef(doc, op.requestBody ?? {});
      const bodySchema = ((body.content as Json | undefined)?.['application/json'] as Json | undefined)
        ?.schema;
      const responses = Object.entries((op.responses ?? {}) as Record<string, unknown>)
        .map(([status, r]) => {
          const response = resolveRef(doc, r);
          const content = Object.entries((response.content ?? {}) as Record<string, Json>)
            .map(([type, c]) => `${escapeHtml(type)} ${escapeHtml(schemaName(c.schema))}`)
            .join(', ');
          return `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(str(response.description, ''))}</td><td>${content}</td></tr>`;
        })
        .join('');
      parts.push(
        `<div class="op" id="${escapeHtml(str(op.operationId))}"><div><span class="m ${method}">${method}</span> <code>${escapeHtml(path)}</code> — ${escapeHtml(str(op.summary, ''))}</div>` +
          `<p>${escapeHtml(str(op.description, ''))}</p><p><small>operationId <code>${escapeHtml(str(op.operationId))}</code> · ${escapeHtml(auth)}</small></p>` +
          (params === ''
            ? ''
            : `<table><tr><th>parameter</th><th>in</th><th></th><th></th></tr>${params}</table>`) +
          (bodySchema === undefined
            ? ''
            : `<p>Request body: <a href="#schema-${escapeHtml(schemaName(bodySchema))}">${escapeHtml(schemaName(bodySchema))}</a></p>`) +
          `<table><tr><th>status</th><th>meaning</th><th>body</th></tr>${responses}</table></div>`,
      );
    }
  }
  parts.push('<h2>Schemas</h2>');
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  for (const [name, schema] of Object.entries(schemas)) {
    parts.push(
      `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`,
    );
  }
  return page(str(info.title, 'API reference'), parts.join('\n'));
}

/** Every error code with its status and meaning (the target of each problem's `type`). */
export function renderErrorCatalog(): string {
  const rows = Object.entries(PLATFORM_ERRORS)
    .map(
      ([code, e]) =>
        `<tr id="${code}"><td><code>${code}</code></td><td>${e.status}</td><td>${escapeHtml(e.title)}</td><td>${escapeHtml(e.meaning)}</td></tr>`,
    )
    .join('');
  return page(
    'GPUaaS platform error codes',
    `<h1>Error codes</h1><p>Every error is an RFC 9457 <code>application/problem+json</code> document with one of these codes and the request's <code>correlation_id</code>.</p><table><tr><th>code</th><th>status</th><th>title</th><th>meaning</th></tr>${rows}</table>`,
  );
}
