// Regenerates src/__generated__/manifest.ts from the JSON Schema, the single source of truth.
// CI runs this and fails when the committed file differs.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

type Node = { [key: string]: unknown };

const schemaUrl = new URL('../schema/gpuaas-app.schema.json', import.meta.url);
const outUrl = new URL('../src/__generated__/manifest.ts', import.meta.url);

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * Shapes a copy of the schema for the generator without changing what it accepts:
 * - a `$ref` with a sibling `description` (there for editor hover) makes the generator emit one
 *   duplicate type per use site, so the copy keeps only the `$ref`;
 * - `oneOf` branches that only list `required` (the probe's "exactly one of") add nothing to the
 *   static type but an index signature, so the copy drops them;
 * - `$defs` get titles so the generated names follow the definition names.
 */
function shapeForTypes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shapeForTypes);
  if (node === null || typeof node !== 'object') return node;
  const source = node as Node;
  if (typeof source.$ref === 'string') return { $ref: source.$ref };
  const out: Node = {};
  for (const [key, value] of Object.entries(source)) {
    if (
      key === 'oneOf' &&
      Array.isArray(value) &&
      value.every((b) => Object.keys(b as Node).join() === 'required')
    ) {
      continue;
    }
    out[key] = shapeForTypes(value);
  }
  return out;
}

const schema = JSON.parse(await readFile(schemaUrl, 'utf8')) as Node;
const shaped = shapeForTypes(schema) as Node;
shaped.title = 'GpuaasAppManifest';
for (const [name, def] of Object.entries(shaped.$defs as Record<string, Node>)) def.title = pascal(name);

const banner =
  '/* eslint-disable */\n// Generated from manifest-schema/schema/gpuaas-app.schema.json by `npm run codegen`. Do not edit.\n';
const ts = await compile(shaped, 'GpuaasAppManifest', {
  bannerComment: banner,
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
});
await writeFile(outUrl, ts);
