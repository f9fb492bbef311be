// Regenerates src/__generated__/ from this package's source documents, the single source of truth
// of the platform's HTTP surface:
//   openapi.yaml → platform-api.ts (paths, operations, schemas) and scopes.ts (the OAuth scopes)
//   errors.yaml  → errors.ts (the error-code catalog)
// CI runs this and fails when a committed file differs, so the output must not depend on the time,
// the machine or the order of file reads.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse } from 'yaml';

const source = (name: string) => new URL(`../${name}`, import.meta.url);
const output = (name: string) => new URL(`../src/__generated__/${name}`, import.meta.url);
const banner = (from: string) =>
  `/* eslint-disable */\n// Generated from platform/contract/${from} by \`npm run codegen\` (platform/contract/scripts/codegen.ts). Do not edit.\n\n`;

const spec = parse(await readFile(source('openapi.yaml'), 'utf8')) as Parameters<typeof openapiTS>[0];
const ast = await openapiTS(spec, {
  alphabetize: false,
  exportType: false,
  // Response headers other than ETag are not modelled; the client reads them off `response`.
  rootTypes: false,
});
await writeFile(output('platform-api.ts'), banner('openapi.yaml') + astToString(ast));
await writeFile(output('scopes.ts'), banner('openapi.yaml') + scopesModule(spec));

const errors = parse(await readFile(source('errors.yaml'), 'utf8')) as unknown;
await writeFile(output('errors.ts'), banner('errors.yaml') + errorsModule(errors));

/** The scopes of the `bearer` security scheme, in the document's order, with their descriptions. */
function scopesModule(document: unknown): string {
  const flows = (document as { components?: { securitySchemes?: { bearer?: { flows?: unknown } } } })
    .components?.securitySchemes?.bearer?.flows;
  const scopes = (flows as { authorizationCode?: { scopes?: unknown } } | undefined)?.authorizationCode
    ?.scopes;
  if (typeof scopes !== 'object' || scopes === null || Object.keys(scopes).length === 0) {
    throw new Error(
      'openapi.yaml: components.securitySchemes.bearer.flows.authorizationCode.scopes is missing',
    );
  }
  const entries = Object.entries(scopes as Record<string, unknown>);
  for (const [scope, description] of entries) {
    if (!/^[a-z]+:[a-z]+$/.test(scope) || typeof description !== 'string') {
      throw new Error(`openapi.yaml: scope ${scope} needs the form area:action and a description`);
    }
  }
  return [
    '/** Every scope an operation may require, in the order openapi.yaml lists them. */',
    `export const SCOPES = ${JSON.stringify(
      entries.map(([scope]) => scope),
      null,
      2,
    )} as const;`,
    '',
    'export type Scope = (typeof SCOPES)[number];',
    '',
    '/** What each scope allows (openapi.yaml). */',
    `export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = ${JSON.stringify(Object.fromEntries(entries), null, 2)};`,
    '',
  ].join('\n');
}

/** The catalog as a constant (literal statuses), refusing an entry that is not code → status, title, meaning. */
function errorsModule(catalog: unknown): string {
  if (typeof catalog !== 'object' || catalog === null)
    throw new Error('errors.yaml: expected a map of codes');
  const entries = Object.entries(catalog as Record<string, unknown>).map(([code, entry]) => {
    const { status, title, meaning, ...rest } = (entry ?? {}) as Record<string, unknown>;
    const problems = [
      /^[A-Z][A-Z0-9_]+$/.test(code) ? undefined : 'the code is not UPPER_SNAKE_CASE',
      Number.isInteger(status) && (status as number) >= 400 && (status as number) < 600
        ? undefined
        : 'status is not an HTTP error status',
      typeof title === 'string' && title !== '' ? undefined : 'title is missing',
      typeof meaning === 'string' && meaning !== '' ? undefined : 'meaning is missing',
      Object.keys(rest).length === 0 ? undefined : `unknown fields ${Object.keys(rest).join(', ')}`,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) throw new Error(`errors.yaml: ${code}: ${problems.join('; ')}`);
    return [code, { status, title, meaning }] as const;
  });
  return [
    'export interface ErrorCatalogEntry {',
    '  /** The HTTP status of a problem with this code. */',
    '  readonly status: number;',
    "  /** The problem's `title`. */",
    '  readonly title: string;',
    '  /** What it means and what to do (docs/errors.md). */',
    '  readonly meaning: string;',
    '}',
    '',
    '/** The catalog: code → HTTP status, short title and documented meaning (errors.yaml). */',
    `export const PLATFORM_ERRORS = ${JSON.stringify(Object.fromEntries(entries), null, 2)} as const satisfies Readonly<Record<string, ErrorCatalogEntry>>;`,
    '',
    'export type PlatformErrorCode = keyof typeof PLATFORM_ERRORS;',
    '',
  ].join('\n');
}
