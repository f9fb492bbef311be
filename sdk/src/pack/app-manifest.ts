/**
 * Loads and validates the app manifest for packing. A small adapter over the JSON Schema (yaml +
 * ajv 2020), used until the sdk's manifest validator is there to take its place.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats, { type FormatsPlugin } from 'ajv-formats';
import { parse } from 'yaml';
import { MANIFEST_FILE_NAMES, manifestSchema, type GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { SdkError } from '../errors.js';

export interface LoadedAppManifest {
  manifest: GpuaasAppManifest;
  /** Absolute path of the manifest file. */
  file: string;
  warnings: string[];
}

let validator: ValidateFunction | undefined;

function validate(data: unknown): ValidateFunction['errors'] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    // ajv-formats is CommonJS; depending on the loader its plugin is the module or its default.
    const module = formats as unknown as FormatsPlugin & { default?: FormatsPlugin };
    (module.default ?? module)(ajv);
    validator = ajv.compile(manifestSchema);
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

/** Semantic rules the schema cannot express, for the parts packing relies on. */
function packingErrors(manifest: GpuaasAppManifest): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const [i, layer] of (manifest.files?.layers ?? []).entries()) {
    if (layer.name === 'main') errors.push(`/files/layers/${i}/name: "main" is reserved for the main layer`);
    if (seen.has(layer.name)) errors.push(`/files/layers/${i}/name: layer "${layer.name}" is declared twice`);
    seen.add(layer.name);
  }
  return errors;
}

/**
 * Finds gpuaas-app.yaml (or .yml/.json) in `dir`, parses and validates it. Throws NOT_FOUND when
 * there is none and MANIFEST_INVALID, with every error in `details.errors`, when it is invalid.
 */
export async function loadAppManifest(dir: string): Promise<LoadedAppManifest> {
  for (const name of MANIFEST_FILE_NAMES) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new SdkError('IO_ERROR', `${file}: could not read: ${(error as Error).message}`, { cause: error });
    }
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      throw new SdkError('MANIFEST_INVALID', `${file}: not valid YAML: ${(error as Error).message}`, {
        cause: error,
        details: { file, errors: [(error as Error).message] },
      });
    }
    const schemaErrors = (validate(data) ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    const errors = schemaErrors.length > 0 ? schemaErrors : packingErrors(data as GpuaasAppManifest);
    if (errors.length > 0) {
      throw new SdkError('MANIFEST_INVALID', `${file}: ${errors.length} error(s): ${errors.join('; ')}`, {
        details: { file, errors },
      });
    }
    return { manifest: data as GpuaasAppManifest, file, warnings: [] };
  }
  throw new SdkError('NOT_FOUND', `${dir}: no ${MANIFEST_FILE_NAMES.join(', ')} found`, { details: { path: dir } });
}
