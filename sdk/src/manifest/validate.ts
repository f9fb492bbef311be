/**
 * The manifest validator: text or path in, every problem out at once, each with file:line:col, a
 * JSON pointer, a stable code, a plain-English message and a hint. Never throws on any input.
 *
 * Happy path cost is kept low on purpose (a fast YAML reader, a schema compiled once, no position
 * map): the `yaml` document with source ranges is only built when there is something to report.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Document, ErrorCode, YAMLError } from 'yaml';
import { MANIFEST_FILE_NAMES } from '@gpuaas/manifest-schema';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { parseFastYaml } from './fast-yaml.js';
import { jsonErrorOffset } from './json-position.js';
import type { RawIssue } from './issue.js';
import { LineIndex, locate, pointerAt, pointerSegments } from './positions.js';
import { getManifestValidator, schemaIssues } from './schema-check.js';
import { semanticIssues } from './semantics.js';
import type { ManifestDiagnostic, ManifestValidationResult, ValidateOptions } from './types.js';

/** Manifests larger than this are refused unread: a manifest is a page of YAML, not a data file. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

const YAML_HINTS: Partial<Record<ErrorCode, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  MULTIPLE_DOCS: 'a manifest is a single YAML document; remove the second "---" and what follows it',
  BAD_INDENT: 'check the indentation: keys of one mapping must line up, nested keys go further right',
  MISSING_CHAR: 'a quote or bracket is not closed: this one has no partner',
  BAD_DQ_ESCAPE: 'inside double quotes write a backslash as \\\\, or use single quotes',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " must be quoted',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; a value that contains ": " must be quoted',
  BAD_SCALAR_START: 'quote the value: a plain value cannot start with @ or `',
  UNEXPECTED_TOKEN: 'check the line for a stray character, an unclosed quote or a missing ":"',
  RESOURCE_EXHAUSTION: 'aliases expand too much; write the values out',
};

/** Index of the unmatched `open` before `pos` (scanning back), or -1. */
function openerBefore(text: string, pos: number, open: string, close: string): number {
  let depth = 0;
  for (let i = Math.min(pos, text.length) - 1; i >= 0; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/**
 * Where an unterminated construct starts. yaml reports these at the end of the damage (often the
 * end of the file); the opening quote or bracket is what the author has to fix.
 */
function startOfDamage(text: string, e: YAMLError): number | undefined {
  if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
    // An unclosed "…" swallows everything up to the end, so its opening quote is the last one.
    for (let i = Math.min(e.pos[0], text.length) - 1; i >= 0; i--) {
      if (text[i] !== '"') continue;
      let slashes = 0;
      while (text[i - 1 - slashes] === '\\') slashes++;
      if (slashes % 2 === 0) return i;
    }
  }
  const flow = /end with a ([\]}])/.exec(e.message)?.[1];
  if (flow !== undefined) {
    const at = openerBefore(text, e.pos[0], flow === ']' ? '[' : '{', flow);
    if (at >= 0) return at;
  }
  return undefined;
}

function yamlIssue(text: string, doc: Document, e: YAMLError, severity: 'error' | 'warning'): RawIssue {
  const start = startOfDamage(text, e) ?? e.pos[0];
  const offsets: [number, number] = [start, Math.max(start + 1, e.pos[1])];
  // yaml's wording is for programmers in one case: it recommends one of its own functions.
  const message =
    e.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document'
      : (e.message.split('\n')[0] ?? e.message);
  if (e.code === 'DUPLICATE_KEY') {
    const pointer = pointerAt(doc, e.pos[0]);
    const key = pointerSegments(pointer).at(-1) ?? '?';
    return {
      pointer,
      anchor: 'key',
      code: 'duplicate-key',
      message: `key ${JSON.stringify(key)} appears twice in the same mapping`,
      hint: 'YAML keeps only one of them; remove or rename the other',
      severity,
      offsets: [e.pos[0], e.pos[0] + Math.max(1, key.length)],
    };
  }
  const flow = /end with a ([\]}])/.exec(message)?.[1];
  return {
    pointer: '',
    anchor: 'value',
    code: severity === 'error' ? 'yaml-syntax' : 'yaml-warning',
    message: `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${message}`,
    hint:
      flow !== undefined
        ? `this ${flow === ']' ? '[' : '{'} is never closed with ${flow}`
        : YAML_HINTS[e.code],
    severity,
    offsets: startOfDamage(text, e) !== undefined ? [start, start + 1] : offsets,
  };
}

/** JSON.parse's complaint, placed where V8 says and explained for the usual slips. */
function jsonIssue(text: string, err: unknown): RawIssue {
  const raw = err instanceof Error ? err.message : String(err);
  let offset = Math.max(0, jsonErrorOffset(text));
  let hint: string | undefined;
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before--;
  const c = text[offset] ?? '';
  if ((c === '}' || c === ']') && text[before] === ',') {
    offset = before;
    hint = 'JSON does not allow a trailing comma; remove it';
  } else if (c === '/')
    hint = 'JSON does not allow comments; remove them, or write the manifest as gpuaas-app.yaml';
  else if (c === "'") hint = 'JSON strings and keys need double quotes';
  else if (/[A-Za-z_$]/.test(c)) hint = 'JSON keys and strings need double quotes';
  return {
    pointer: '',
    anchor: 'value',
    code: 'json-syntax',
    message: `invalid JSON: ${raw.replace(/ in JSON at position.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')}`,
    hint,
    severity: 'error',
    offsets: [offset, Math.min(text.length, offset + 1)],
  };
}

function parseWithPositions(text: string): Document.Parsed {
  return parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
}

function finish(
  file: string,
  text: string,
  value: unknown,
  issues: RawIssue[],
  parsed: Document.Parsed | undefined,
): ManifestValidationResult {
  if (issues.length === 0) return { file, value: value as GpuaasAppManifest, errors: [], warnings: [] };
  const doc = parsed ?? parseWithPositions(text);
  const lines = new LineIndex(text);
  const diagnostics = issues.map((i): ManifestDiagnostic => {
    const [start, end] = i.offsets ?? locate(doc, i.pointer, i.anchor);
    const span = lines.span(start, end);
    const d: ManifestDiagnostic = {
      file,
      ...span,
      pointer: i.pointer,
      code: i.code,
      message: i.message,
      severity: i.severity,
    };
    if (i.hint !== undefined) d.hint = i.hint;
    return d;
  });
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { file, value: errors.length === 0 ? (value as GpuaasAppManifest) : undefined, errors, warnings };
}

function check(text: string, file: string, options: ValidateOptions): ManifestValidationResult {
  const json = /\.json$/i.test(file);
  const issues: RawIssue[] = [];
  let doc: Document.Parsed | undefined;
  let value: unknown;
  const fast = json ? undefined : parseFastYaml(text);
  if (fast !== undefined) {
    value = fast.value;
  } else {
    doc = parseWithPositions(text);
    if (json && text.trim() !== '') {
      try {
        value = JSON.parse(text);
      } catch (err) {
        return finish(file, text, undefined, [jsonIssue(text, err)], doc);
      }
    }
    for (const e of doc.errors) issues.push(yamlIssue(text, doc, e, 'error'));
    for (const w of doc.warnings) issues.push(yamlIssue(text, doc, w, 'warning'));
    // Past a real syntax error the tree is a guess; only duplicate keys leave it trustworthy.
    if (issues.some((i) => i.code === 'yaml-syntax')) return finish(file, text, undefined, issues, doc);
    if (!json) {
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        const message = `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`;
        issues.push({
          pointer: '',
          anchor: 'value',
          code: 'yaml-syntax',
          message,
          severity: 'error',
          offsets: [0, 0],
        });
        return finish(file, text, undefined, issues, doc);
      }
    }
  }
  if (value === null || value === undefined) {
    issues.push({
      pointer: '',
      anchor: 'value',
      code: 'empty-manifest',
      message: 'the file holds no manifest',
      hint: 'start with apiVersion: gpuaas.dev/v1alpha1, or run `gpuaas-app init` to create one',
      severity: 'error',
    });
    return finish(file, text, undefined, issues, doc);
  }
  const validate = getManifestValidator();
  const schemaProblems = validate(value) ? [] : schemaIssues(validate.errors ?? []);
  issues.push(...schemaProblems);
  issues.push(
    ...semanticIssues(
      value,
      schemaProblems.map((i) => i.pointer),
      options.catalog,
    ),
  );
  return finish(file, text, value, issues, doc);
}

function failure(file: string, code: ManifestDiagnostic['code'], message: string): ManifestValidationResult {
  return {
    file,
    value: undefined,
    errors: [{ file, line: 1, column: 1, pointer: '', code, message, severity: 'error' }],
    warnings: [],
  };
}

/**
 * Validates manifest text (YAML, or JSON when `options.file` ends in `.json`). Never throws:
 * problems of any kind come back as diagnostics.
 *
 * @example
 * const { value, errors } = validateManifestText(text, { file: 'gpuaas-app.yaml' });
 * for (const e of errors) console.log(`${e.file}:${e.line}:${e.column} ${e.message} [${e.code}]`);
 */
export function validateManifestText(text: string, options: ValidateOptions = {}): ManifestValidationResult {
  const file = options.file ?? '<input>';
  if (typeof text !== 'string')
    return failure(file, 'io-error', `expected the manifest as text, got ${typeof text}`);
  try {
    return check(text, file, options);
  } catch (err) {
    if (err instanceof RangeError) {
      return failure(file, 'yaml-syntax', `the manifest nests too deeply to read (${err.message})`);
    }
    return failure(
      file,
      'internal-error',
      `the validator failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export type ManifestSource =
  { file: string; text: string } | { file: string; missing: boolean; message: string; cause?: unknown };

function errno(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

function ioFailure(file: string, err: unknown): ManifestSource {
  const code = errno(err);
  const why =
    code === 'ENOENT'
      ? 'no such file or folder'
      : code === 'EACCES'
        ? 'permission denied'
        : err instanceof Error
          ? err.message
          : String(err);
  return {
    file,
    missing: code === 'ENOENT' || code === 'ENOTDIR',
    message: `cannot read ${file}: ${why}`,
    cause: err,
  };
}

async function readText(file: string, cwd: string): Promise<ManifestSource> {
  const real = resolve(cwd, file);
  try {
    const info = await stat(real);
    if (info.size > MAX_MANIFEST_BYTES) {
      return {
        file,
        missing: false,
        message: `${file} is ${info.size} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES}`,
      };
    }
    const bytes = await readFile(real);
    return { file, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (err) {
    if (err instanceof TypeError)
      return { file, missing: false, message: `${file} is not UTF-8 text`, cause: err };
    return ioFailure(file, err);
  }
}

/**
 * Reads a manifest file, or the first of gpuaas-app.yaml/.yml/.json in a folder. Relative paths
 * are read from `cwd` but reported as given, so diagnostics name files the way the user did.
 */
export async function readManifestSource(path: string, cwd: string = process.cwd()): Promise<ManifestSource> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(resolve(cwd, path))).isDirectory();
  } catch (err) {
    return ioFailure(path, err);
  }
  if (!isFolder) return readText(path, cwd);
  for (const name of MANIFEST_FILE_NAMES) {
    const source = await readText(join(path, name), cwd);
    if (!('missing' in source) || !source.missing) return source;
  }
  return { file: path, missing: true, message: `no ${MANIFEST_FILE_NAMES.join(', ')} in folder ${path}` };
}

/**
 * Validates a manifest file, or the manifest in a folder. Never throws: a missing or unreadable
 * path comes back as an `io-error` diagnostic.
 */
export async function validateManifestPath(
  path: string,
  options: ValidateOptions = {},
): Promise<ManifestValidationResult> {
  try {
    const source = await readManifestSource(path);
    if (!('text' in source)) return failure(source.file, 'io-error', source.message);
    return validateManifestText(source.text, { ...options, file: options.file ?? source.file });
  } catch (err) {
    return failure(
      path,
      'internal-error',
      `the validator failed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Reads and validates a manifest for the commands that act on it (pack, publish, the runtime).
 * Throws `SdkError` MANIFEST_INVALID (with `details.errors`), NOT_FOUND or IO_ERROR.
 */
export async function loadManifest(
  path: string,
  options: ValidateOptions = {},
): Promise<{ manifest: GpuaasAppManifest; file: string; warnings: ManifestDiagnostic[] }> {
  const source = await readManifestSource(path);
  if (!('text' in source)) {
    throw new SdkError(source.missing ? 'NOT_FOUND' : 'IO_ERROR', source.message, { cause: source.cause });
  }
  const result = validateManifestText(source.text, { ...options, file: options.file ?? source.file });
  const first = result.errors[0];
  if (result.value === undefined || first !== undefined) {
    const count = result.errors.length;
    const where = first ? `; first: ${first.file}:${first.line}:${first.column} ${first.message}` : '';
    throw new SdkError(
      'MANIFEST_INVALID',
      `${result.file} is not a valid manifest (${count} error${count === 1 ? '' : 's'})${where}`,
      {
        details: { file: result.file, errors: result.errors },
      },
    );
  }
  return { manifest: result.value, file: result.file, warnings: result.warnings };
}
