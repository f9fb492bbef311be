// Regenerates src/__generated__/manifest.ts and console-messages.ts from the JSON Schemas, the
// single source of truth.
// CI runs this and fails when the committed file differs.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

type Node = { [key: string]: unknown };

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

/** Generates `out` from the schema file `name` in ../schema, its root type called `title`. */
async function generate(name: string, title: string, out: URL): Promise<void> {
  const schema = JSON.parse(await readFile(new URL(`../schema/${name}`, import.meta.url), 'utf8')) as Node;
  const shaped = shapeForTypes(schema) as Node;
  shaped.title = title;
  for (const [defName, def] of Object.entries(shaped.$defs as Record<string, Node>))
    def.title = pascal(defName);
  const banner = `/* eslint-disable */\n// Generated from manifest-schema/schema/${name} by \`npm run codegen\`. Do not edit.\n`;
  const ts = await compile(shaped, title, {
    bannerComment: banner,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 110, trailingComma: 'all' },
  });
  await writeFile(out, ts);
}

await generate('gpuaas-app.schema.json', 'GpuaasAppManifest', outUrl);
// The postMessage protocol between the console and an app's UI extension (docs/ui-extensions.md).
await generate(
  'console-messages.schema.json',
  'ConsoleMessage',
  new URL('../src/__generated__/console-messages.ts', import.meta.url),
);
