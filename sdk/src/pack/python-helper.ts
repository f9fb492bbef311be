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

/** The helper's file name, which is also where it lands in an app (its root). */
export const PYTHON_HELPER_FILE = 'gpuaas_runtime.py';
const MODULE = 'gpuaas_runtime';

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
  for (const path of paths) {
    if (path.endsWith('.py') && importsPythonHelper(await readText(path))) return true;
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
  const regular = new Map(files.flatMap((f) => (f.type === 'file' ? [[f.path, f.absolutePath]] : [])));
  const needed = await needsPythonHelper(
    files.map((f) => f.path),
    (path) => {
      const absolutePath = regular.get(path);
      // A symlinked .py points inside the app (SYMLINK_ESCAPE otherwise): its target is read on its own.
      return absolutePath === undefined ? Promise.resolve('') : readFile(absolutePath, 'utf8');
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
