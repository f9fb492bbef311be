import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OciLayout, packApp } from '@gpuaas/sdk';
import { makeApp } from '@gpuaas/test-support';
import { runCli } from '../run.test.util.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-pack-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gpuaas-app pack', () => {
  it('writes an OCI layout and prints only JSON on stdout under --json', async () => {
    await makeApp(path.join(dir, 'app'));
    const result = await runCli(['pack', 'app', '--output', 'oci', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      digest: string;
      tag: string;
      layout: string;
      layers: unknown[];
    };
    expect(json.layout).toBe(path.join(dir, 'oci'));
    expect(json.tag).toBe('0.1.0');
    expect(result.stderr).toBe('');
    const layout = await OciLayout.open(json.layout);
    expect((await layout.resolve('0.1.0')).digest).toBe(json.digest);
    // Reproducible: the library packing the same folder elsewhere gives the same digest.
    const again = await packApp(path.join(dir, 'app'), { output: path.join(dir, 'oci-2') });
    expect(again.manifestDescriptor.digest).toBe(json.digest);
  });

  it('prints a human summary and plain progress lines when not on a TTY', async () => {
    await makeApp(path.join(dir, 'app'));
    const result = await runCli(['pack', 'app', '-o', 'oci', '--tag', 'dev'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^packed .*oci:dev$/m);
    expect(result.stdout).toMatch(/^digest sha256:[a-f0-9]{64}$/m);
    expect(result.stdout).toMatch(/^LAYER +FILES +SIZE +DIGEST$/m);
    expect(result.stderr).toMatch(/^pack: done$/m);
  });

  it('exits 1 with MANIFEST_INVALID for an invalid manifest and writes no layout', async () => {
    await makeApp(path.join(dir, 'app'));
    const manifest = path.join(dir, 'app', 'gpuaas-app.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('version: 0.1.0', 'version: one'));
    const result = await runCli(['pack', 'app', '--output', 'oci'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error\[MANIFEST_INVALID\]/);
    expect(existsSync(path.join(dir, 'oci'))).toBe(false);
  });

  it('exits 2 without --output, and for a missing folder', async () => {
    expect((await runCli(['pack', '.'], { cwd: dir })).code).toBe(2);
    const missing = await runCli(['pack', 'nope', '--output', 'oci'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error\[NOT_FOUND\]/);
  });
});
