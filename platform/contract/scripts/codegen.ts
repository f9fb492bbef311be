// Regenerates src/__generated__/platform-api.ts from openapi.yaml (this package), the single
// source of truth of the platform's HTTP surface. CI runs this and fails when the committed file
// differs, so the output must not depend on the time, the machine or the order of file reads.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

const specUrl = new URL('../openapi.yaml', import.meta.url);
const outUrl = new URL('../src/__generated__/platform-api.ts', import.meta.url);

const spec = parse(await readFile(specUrl, 'utf8')) as Parameters<typeof openapiTS>[0];
const ast = await openapiTS(spec, {
  alphabetize: false,
  exportType: false,
  // Response headers other than ETag are not modelled; the client reads them off `response`.
  rootTypes: false,
});
const banner =
  '/* eslint-disable */\n// Generated from platform/contract/openapi.yaml by `npm run codegen` (platform/contract/scripts/codegen.ts). Do not edit.\n\n';
await writeFile(outUrl, banner + astToString(ast));
