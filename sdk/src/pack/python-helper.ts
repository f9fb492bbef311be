/**
 * The Python helper `gpuaas_runtime.py`, a standard-library client for the runtime's local API,
 * has one source: `python-helper/gpuaas_runtime.py` in this package. Apps get a copy of it instead of a
 * dependency, because an allocation runs them with plain `python3` and no package installer:
 * `gpuaas-app init` copies it into a new app, and packing adds it to an app that needs it.
 * `gpuaas-app dev` stages the packer's selection, so it adds it the same way.
 *
 * The rule, the same for scaffolding and packing: when a `.py` file imports `gpuaas_runtime`
 * (`import gpuaas_runtime`, `import json, gpuaas_runtime as r`, `from gpuaas_runtime import meter`)
 * and no file is the module itself (a `gpuaas_runtime.py`, or a `gpuaas_runtime/` package, at any
 * depth), the sdk's copy is added at the app's root, where `python3 script.py` run from the app
 * folder finds it. An app that ships its own copy keeps it; packing warns when that copy differs
 * from the sdk's.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SdkError } from '../errors.js';
import { SDK_VERSION } from '../version.js';
import type { CollectedFile } from './collect.js';
import { readSmallFile, readWhileCollecting, SMALL_FILE_BYTES } from './read.js';

/** The helper's file name, which is also where it lands in an app (its root). */
export const PYTHON_HELPER_FILE = 'gpuaas_runtime.py';
const MODULE = 'gpuaas_runtime';
/** Python sources read at once when looking for an import of the helper. */
const READ_AHEAD = 32;
/** Bytes of small Python sources kept from the import check for the packer, at most. */
const KEEP_READ_BYTES = 64 * 1024 * 1024;

// A line that imports the module: `import a, gpuaas_runtime as r` or `from gpuaas_runtime import x`.
const IMPORT_LINE =
  /^[ \t]*(?:from[ \t]+gpuaas_runtime[ \t]+import\b|import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*gpuaas_runtime\b)/m;

/** Absolute path of the sdk's copy (the same depth from src/pack/ and dist/pack/). */
export function pythonHelperPath(): string {
  return fileURLToPath(new URL(`../../python-helper/${PYTHON_HELPER_FILE}`, import.meta.url));
}

/** The sdk's copy; throws `NOT_FOUND` when the package lacks it (a broken install). */
export async function readPythonHelper(): Promise<Buffer> {
  const path = pythonHelperPath();
  try {
    return await readFile(path);
  } catch (cause) {
    throw new SdkError('NOT_FOUND', `the Python helper ${path} is missing from @gpuaas/sdk`, {
      cause,
      details: { path, hint: 'reinstall @gpuaas/sdk; its package carries python-helper/gpuaas_runtime.py' },
    });
  }
}

/** Whether Python source text imports `gpuaas_runtime` (a top-level import statement). */
export function importsPythonHelper(source: string): boolean {
  return IMPORT_LINE.test(source);
}

/** Whether a '/'-separated app path is the module itself: `gpuaas_runtime.py` or inside `gpuaas_runtime/`. */
export function isPythonHelperModule(path: string): boolean {
  const parts = path.split('/');
  return parts.at(-1) === PYTHON_HELPER_FILE || parts.slice(0, -1).includes(MODULE);
}

/**
 * The rule above, over an app's '/'-separated file paths and a reader of a file's text: true when
 * some `.py` file imports the helper and no file is the module.
 */
export async function needsPythonHelper(
  paths: readonly string[],
  readText: (path: string) => Promise<string>,
): Promise<boolean> {
  if (paths.some(isPythonHelperModule)) return false;
  const sources = paths.filter((path) => path.endsWith('.py'));
  // Reads run up to READ_AHEAD files ahead of the one looked at: one read after another, an app of
  // thousands of small .py files spent most of its pack waiting on them. The answer and the error
  // thrown (the first in path order) are those of reading one file at a time.
  const reads = new Map<number, Promise<string>>();
  const start = (k: number): void => {
    if (k >= sources.length) return;
    const read = readText(sources[k]!);
    read.catch(() => undefined); // awaited in order below, unless an earlier file settles it
    reads.set(k, read);
  };
  for (let k = 0; k < READ_AHEAD; k++) start(k);
  for (let i = 0; i < sources.length; i++) {
    start(i + READ_AHEAD);
    const text = await reads.get(i)!;
    reads.delete(i);
    if (importsPythonHelper(text)) return true;
  }
  return false;
}

/**
 * For packing: the file to add to the main layer (the sdk's copy at the root) when the collected
 * files need it, and a warning for each copy the app ships that differs from the sdk's.
 */
export async function pythonHelperForPack(
  files: readonly CollectedFile[],
): Promise<{ add?: CollectedFile; warnings: string[] }> {
  const byPath = new Map(files.flatMap((f) => (f.type === 'file' ? [[f.path, f] as const] : [])));
  const regular = new Map([...byPath].map(([path, file]) => [path, file.absolutePath]));
  let kept = 0;
  const needed = await needsPythonHelper(
    files.map((f) => f.path),
    async (path) => {
      const file = byPath.get(path);
      // A symlinked .py points inside the app (SYMLINK_ESCAPE otherwise): its target is read on its own.
      if (file === undefined) return '';
      if (file.size > SMALL_FILE_BYTES) return readFile(file.absolutePath, 'utf8');
      const content = await readSmallFile(file.absolutePath, file.size);
      // Kept for the packer, which would otherwise read the file a second time (up to a bound).
      if (kept + content.length <= KEEP_READ_BYTES) {
        kept += content.length;
        readWhileCollecting.set(file, content);
      }
      // Only text that holds the module's name can import it; decoding the rest would be waste.
      return content.includes(MODULE) ? content.toString('utf8') : '';
    },
  );
  if (needed) {
    const { length: size } = await readPythonHelper();
    return {
      add: {
        type: 'file',
        path: PYTHON_HELPER_FILE,
        absolutePath: pythonHelperPath(),
        size,
        executable: false,
      },
      warnings: [],
    };
  }
  const own = [...regular].filter(([path]) => path.split('/').at(-1) === PYTHON_HELPER_FILE);
  if (own.length === 0) return { warnings: [] };
  // Comparing is advice only: a broken sdk install must not stop an app that ships its own copy.
  const sdkCopy = await readPythonHelper().catch(() => undefined);
  if (sdkCopy === undefined) return { warnings: [] };
  const warnings: string[] = [];
  for (const [path, absolutePath] of own) {
    if (!(await readFile(absolutePath)).equals(sdkCopy)) {
      warnings.push(
        `${path}: differs from the ${PYTHON_HELPER_FILE} of @gpuaas/sdk ${SDK_VERSION}; the app's own copy is packed (delete it to have the sdk's added)`,
      );
    }
  }
  return { warnings };
}
