/**
 * GPU catalogs for `validate --catalog`: a JSON file or the platform's GET /v1/catalog/gpus.
 */
import { readFile } from 'node:fs/promises';
import { SdkError } from '../errors.js';
import type { GpuCatalog } from './types.js';

const FETCH_TIMEOUT_MS = 15_000;

function modelsOf(data: unknown): string[] | undefined {
  const list: unknown[] | undefined = Array.isArray(data)
    ? data
    : data !== null && typeof data === 'object' && 'gpus' in data && Array.isArray(data.gpus)
      ? (data.gpus as unknown[])
      : undefined;
  if (list === undefined) return undefined;
  const models: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') models.push(item);
    else if (item !== null && typeof item === 'object' && 'model' in item && typeof item.model === 'string') {
      models.push(item.model);
    } else return undefined;
  }
  return [...new Set(models)];
}

async function readSource(fileOrUrl: string): Promise<string> {
  if (/^https?:\/\//i.test(fileOrUrl)) {
    let response: Response;
    try {
      response = await fetch(fileOrUrl, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (err) {
      throw new SdkError('IO_ERROR', `cannot fetch the GPU catalog from ${fileOrUrl}`, { cause: err });
    }
    if (!response.ok) {
      throw new SdkError(
        'IO_ERROR',
        `fetching the GPU catalog from ${fileOrUrl} failed: HTTP ${response.status}`,
      );
    }
    return response.text();
  }
  try {
    return await readFile(fileOrUrl, 'utf8');
  } catch (err) {
    const missing = typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
    throw new SdkError(missing ? 'NOT_FOUND' : 'IO_ERROR', `cannot read the GPU catalog ${fileOrUrl}`, {
      cause: err,
    });
  }
}

/**
 * Loads the GPU models known to a platform from a JSON file or an http(s) URL. Accepts an array of
 * model names, an array of `{ model }` objects, or `{ gpus: [{ model }, …] }` (the platform's
 * GET /v1/catalog/gpus). Throws `SdkError` NOT_FOUND, IO_ERROR or CATALOG_INVALID.
 *
 * @example
 * const catalog = await loadGpuCatalog('https://gpuaas.example/v1/catalog/gpus');
 * validateManifestText(text, { catalog });
 */
export async function loadGpuCatalog(fileOrUrl: string): Promise<GpuCatalog> {
  const text = await readSource(fileOrUrl);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SdkError('CATALOG_INVALID', `the GPU catalog ${fileOrUrl} is not JSON`, { cause: err });
  }
  const models = modelsOf(data);
  if (models === undefined) {
    throw new SdkError(
      'CATALOG_INVALID',
      `the GPU catalog ${fileOrUrl} must be a list of model names, a list of {model}, or {gpus: [{model}]}`,
    );
  }
  return { models };
}
