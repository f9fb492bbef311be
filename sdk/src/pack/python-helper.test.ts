import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTools } from '@gpuaas/test-support';
import { OciLayout } from '../oci/layout.js';
import { collectFiles } from './collect.js';
import { packApp, type PackResult } from './pack.js';
import {
  importsPythonHelper,
  isPythonHelperModule,
  needsPythonHelper,
  PYTHON_HELPER_FILE,
  pythonHelperPath,
} from './python-helper.js';

const work = mkdtempSync(join(tmpdir(), 'gpuaas-python-helper-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: py-app
version: 1.0.0
publisher: acme
run:
  entrypoint: [python3, server.py]
resources:
  minimum:
    gpus:
      count: 1
files:
  layers:
    - name: jobs
      include: ['jobs/**']
`;

function writeApp(files: Record<string, string | Buffer>): string {
  const dir = join(work, `app-${++counter}`);
  for (const [path, content] of Object.entries({ 'gpuaas-app.yaml': MANIFEST, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const sdkCopy = readFileSync(pythonHelperPath());
const NO_EPOCH = {};

describe('importsPythonHelper', () => {
  it.each([
    ['import gpuaas_runtime', true],
    ['import gpuaas_runtime as runtime', true],
    ['import json, gpuaas_runtime as r', true],
    ['import os.path as p, json, gpuaas_runtime', true],
    ['from gpuaas_runtime import meter, ready', true],
    ['def f():\n    import gpuaas_runtime\n', true],
    ['# import gpuaas_runtime', false],
    ['import gpuaas_runtime_extra', false],
    ['from mylib.gpuaas_runtime import meter', false],
    ['print("import gpuaas_runtime")', false],
    ['import json', false],
  ])('%j → %s', (source, want) => {
    expect(importsPythonHelper(source)).toBe(want);
  });
});

describe('needsPythonHelper', () => {
  // More sources than one batch of reads: the answer and the error are those of reading in order.
  const paths = Array.from({ length: 70 }, (_, i) => `m${String(i).padStart(2, '0')}.py`);
  const reader = (importer: string, failing?: string) => (path: string) =>
    path === failing
      ? Promise.reject(new Error(`cannot read ${path}`))
      : Promise.resolve(path === importer ? 'import gpuaas_runtime\n' : 'print(1)\n');

  it('finds an importer in a later batch', async () => {
    expect(await needsPythonHelper(paths, reader('m66.py'))).toBe(true);
    expect(await needsPythonHelper(paths, reader('none'))).toBe(false);
  });

  it('answers before a failed read that comes after the importer, and fails on one before it', async () => {
    expect(await needsPythonHelper(paths, reader('m40.py', 'm41.py'))).toBe(true);
    await expect(needsPythonHelper(paths, reader('m40.py', 'm39.py'))).rejects.toThrow('cannot read m39.py');
  });
});

describe('isPythonHelperModule', () => {
  it.each([
    ['gpuaas_runtime.py', true],
    ['src/gpuaas_runtime.py', true],
    ['gpuaas_runtime/__init__.py', true],
    ['gpuaas_runtime_old.py', false],
    ['server.py', false],
  ])('%s → %s', (path, want) => {
    expect(isPythonHelperModule(path)).toBe(want);
  });
});

describe('packing adds the Python helper to an app that imports it without shipping it', () => {
  const files = (result: Awaited<ReturnType<typeof collectFiles>>): string[] =>
    result.layers.flatMap((layer) => layer.files.map((f) => `${layer.name}:${f.path}`)).sort();

  it("adds the sdk's copy to the main layer's root, even for an importer in a named layer", async () => {
    const dir = writeApp({ 'server.py': 'print(1)\n', 'jobs/run.py': 'import gpuaas_runtime\n' });
    const collected = await collectFiles(dir, { layers: [{ name: 'jobs', include: ['jobs/**'] }] });
    expect(files(collected)).toEqual([
      'jobs:jobs/run.py',
      'main:gpuaas-app.yaml',
      `main:${PYTHON_HELPER_FILE}`,
      'main:server.py',
    ]);
    const added = collected.layers[0]?.files.find((f) => f.path === PYTHON_HELPER_FILE);
    expect(added).toMatchObject({
      absolutePath: pythonHelperPath(),
      size: sdkCopy.length,
      executable: false,
    });
    expect(collected.warnings).toEqual([]);
  });

  it('adds nothing to an app that does not import it, or whose importer is excluded', async () => {
    const plain = writeApp({ 'server.py': 'import json\n' });
    expect(files(await collectFiles(plain))).toEqual(['main:gpuaas-app.yaml', 'main:server.py']);
    const excluded = writeApp({ 'server.py': 'import json\n', 'tests/t.py': 'import gpuaas_runtime\n' });
    expect(files(await collectFiles(excluded, { exclude: ['tests'] }))).toEqual([
      'main:gpuaas-app.yaml',
      'main:server.py',
    ]);
  });

  it('keeps a copy the app ships, warning when it differs from the sdk’s', async () => {
    const same = writeApp({ 'server.py': 'import gpuaas_runtime\n', [PYTHON_HELPER_FILE]: sdkCopy });
    const sameCollected = await collectFiles(same);
    expect(sameCollected.layers[0]?.files.find((f) => f.path === PYTHON_HELPER_FILE)?.absolutePath).toBe(
      join(same, PYTHON_HELPER_FILE),
    );
    expect(sameCollected.warnings).toEqual([]);

    const own = writeApp({ 'server.py': 'import gpuaas_runtime\n', 'lib/gpuaas_runtime.py': '# mine\n' });
    const ownCollected = await collectFiles(own);
    expect(files(ownCollected)).toEqual([
      'main:gpuaas-app.yaml',
      'main:lib/gpuaas_runtime.py',
      'main:server.py',
    ]);
    expect(ownCollected.warnings).toEqual([expect.stringMatching(/^lib\/gpuaas_runtime\.py: differs from/)]);
  });

  it('packs to the same digest as the same app carrying the sdk’s copy itself', async () => {
    const code = { 'server.py': 'import gpuaas_runtime as runtime\nruntime.ready()\n' };
    const without = await packApp(writeApp(code), { env: NO_EPOCH });
    const again = await packApp(writeApp(code), { env: NO_EPOCH });
    const carrying = await packApp(writeApp({ ...code, [PYTHON_HELPER_FILE]: sdkCopy }), { env: NO_EPOCH });
    expect(without.manifestDescriptor.digest).toBe(again.manifestDescriptor.digest);
    expect(without.manifestDescriptor.digest).toBe(carrying.manifestDescriptor.digest);
    expect(without.layers[0]?.files).toBe(3);
  });

  it.skipIf(!requireTools('packed layers read by tar', 'tar'))(
    'puts the helper in the artifact layer, byte for byte and not executable',
    async () => {
      const result: PackResult = await packApp(writeApp({ 'server.py': 'import gpuaas_runtime\n' }), {
        env: NO_EPOCH,
        compression: 'none',
      });
      const layout = await OciLayout.open(result.layout);
      const main = layout.blobPath(result.layers[0]?.digest ?? '');
      const listing = execFileSync('tar', ['-tvf', main], { encoding: 'utf8' });
      expect(listing).toMatch(new RegExp(`^-rw-r--r-- .* ${PYTHON_HELPER_FILE}$`, 'm'));
      const content = execFileSync('tar', ['-xOf', main, PYTHON_HELPER_FILE], { maxBuffer: 1 << 24 });
      expect(content.equals(sdkCopy)).toBe(true);
    },
  );
});
