/**
 * The manifest validator: text or path in, every problem out at once, each with file:line:col, a
 * JSON pointer, a stable code, a plain-English message and a hint. Never throws on any input.
 *
 * The work is done in check.ts; this module reads files and makes sure nothing escapes as a throw.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE_NAMES } from '@gpuaas/manifest-schema';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';
import { checkManifest } from './check.js';
import type { ManifestDiagnostic, ManifestValidationResult, ValidateOptions } from './types.js';

/** Manifests larger than this are refused unread: a manifest is a page of YAML, not a data file. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

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
    return checkManifest(text, file, options);
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
