import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { tempRoot } from '../app/testing.js';
import { folderFingerprint, ignoreRule } from './watch.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ root, cleanup } = await tempRoot()));
afterAll(() => cleanup());

const manifest = (files?: GpuaasAppManifest['files']): GpuaasAppManifest =>
  ({ files }) as unknown as GpuaasAppManifest;

describe('what dev watches', () => {
  it('ignores dotfiles, generated folders, the data folder and what files.exclude leaves out', () => {
    const rule = ignoreRule('/app', manifest({ exclude: ['out/**', '*.log'] }), '/app/state');
    for (const [path, dir] of [
      ['.git', true],
      ['src/.cache/x', false],
      ['node_modules', true],
      ['pkg/__pycache__/m.pyc', false],
      ['m.pyc', false],
      ['state', true],
      ['state/usage/segment', false],
      ['out', true],
      ['out/a.ppm', false],
      ['run.log', false],
    ] as const) {
      expect(rule(path, dir), path).toBe(true);
    }
    for (const [path, dir] of [
      ['server.py', false],
      ['src', true],
      ['src/app.ts', false],
      ['output.txt', false],
      ['gpuaas-app.yaml', false],
    ] as const) {
      expect(rule(path, dir), path).toBe(false);
    }
  });

  it('watches only included files (and named layers) when files.include is set', () => {
    const rule = ignoreRule(
      '/app',
      manifest({ include: ['src/**'], layers: [{ name: 'w', include: ['weights/**'] }] }),
    );
    expect(rule('src/a.py', false)).toBe(false);
    expect(rule('weights/k.txt', false)).toBe(false);
    expect(rule('notes.md', false)).toBe(true);
    // Folders are walked: included files may sit below.
    expect(rule('docs', true)).toBe(false);
  });

  it('fingerprints names, sizes and mtimes of watched files only', async () => {
    const rule = ignoreRule(root, manifest());
    await writeFile(join(root, 'a.txt'), 'one');
    const first = await folderFingerprint(root, rule);
    await writeFile(join(root, '.ignored'), 'x');
    expect(await folderFingerprint(root, rule)).toBe(first);
    await writeFile(join(root, 'a.txt'), 'two!');
    expect(await folderFingerprint(root, rule)).not.toBe(first);
  });
});
