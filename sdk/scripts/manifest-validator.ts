// Regenerates src/manifest/__generated__/manifest-validator.ts: the manifest schema compiled ahead
// of time by ajv's standalone code generation, with the options and formats of
// src/manifest/ajv.ts, so validating a manifest never loads ajv or compiles the schema (~60 ms of
// loading and ~60–130 ms of compile that every `gpuaas-app pack` and first launch paid).
// CI runs `npm run codegen` and fails when the committed file differs; schema-check.test.ts holds
// the generated validator to a freshly compiled one on every fixture.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import schema from '@gpuaas/manifest-schema/schema.json' with { type: 'json' };
import { createAjv } from '../src/manifest/ajv.ts';

const require = createRequire(import.meta.url);
const standaloneCode = (
  require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }
).default;
const { version } = require('ajv/package.json') as { version: string };
// ajv-formats names its formats in the generated code with its own copy of ajv's code builder,
// which this ajv does not recognise as code (it would print it as JSON), so name them here.
const { _ } = require('ajv/dist/compile/codegen/index.js') as {
  _: (
    strings: TemplateStringsArray,
  ) => NonNullable<NonNullable<Parameters<typeof createAjv>[0]['code']>['formats']>;
};

const out = new URL('../src/manifest/__generated__/manifest-validator.ts', import.meta.url);

// The same options as the run-time compile (builtIn: our own schema, checked against the
// meta-schema by a test), plus source code as an ES module. ajv's optimiser runs here, at codegen
// time, where its cost does not matter.
const ajv = createAjv({
  strictTypes: true,
  builtIn: true,
  code: {
    source: true,
    esm: true,
    lines: true,
    optimize: true,
    formats: _`require("ajv-formats/dist/formats").fullFormats`,
  },
});
const code = standaloneCode(ajv, ajv.compile(schema)).replace(/^"use strict";\n?/, '');

// The generated code reaches ajv's run-time helpers (string length, deep equality) and
// ajv-formats' format checks with require(); an ES module gets one from createRequire.
const banner = `/* eslint-disable */
// @ts-nocheck
// Generated from manifest-schema/schema/gpuaas-app.schema.json by \`npm run codegen\` (ajv ${version}
// standalone code, options of ../ajv.ts). Do not edit.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
`;
await writeFile(out, `${banner}${code}\n`);
