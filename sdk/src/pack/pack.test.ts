import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTools } from '@gpuaas/test-support';
import { SdkError } from '../errors.js';
import { OciLayout } from '../oci/layout.js';
import { ANNOTATIONS, GPUAAS_APP_ARTIFACT_TYPE, MEDIA_TYPES, type ImageManifest } from '../oci/types.js';
import { canonicalJson } from './canonical-json.js';
import { packApp, type PackOptions, type PackProgress } from './pack.js';

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gpuaas-pack-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: demo
version: 1.2.0+build.7
publisher: acme
source: https://example.com/acme/demo
run:
  entrypoint: [python3, server.py]
resources:
  minimum:
    gpus:
      count: 1
files:
  exclude: ['**/*.pyc', tests]
  layers:
    - name: weights
      include: ['models/**']
`;

// Fixed random bytes: the same fixture content in every app folder of a run.
const WEIGHTS = randomBytes(3 * 1024 * 1024 + 17);
const CODE = Array.from({ length: 2000 }, (_, i) => `def handler_${i}(x):\n    return x + ${i}\n`).join('');

interface Fixture {
  files: Record<string, string | Buffer>;
  executables?: string[];
  symlinks?: Record<string, string>;
}

function baseFixture(): Fixture {
  return {
    files: {
      'gpuaas-app.yaml': MANIFEST,
      'server.py': CODE,
      'lib/util.py': 'def util():\n    return 1\n',
      'lib/util.pyc': 'compiled',
      'tests/test_server.py': 'assert True\n',
      '.env.example': 'PORT=8000\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/.cache/x': 'cache',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      'models/7b/weights.bin': WEIGHTS,
      'models/README.md': 'weights\n',
      'run.sh': '#!/bin/sh\nexec python3 server.py\n',
    },
    executables: ['run.sh'],
    symlinks: { 'lib/current': 'util.py' },
  };
}

/** Writes a fixture; `variant` changes everything a reproducible pack must ignore. */
function writeApp(dir: string, fixture: Fixture, variant = false): string {
  const names = Object.keys(fixture.files);
  for (const name of variant ? [...names].reverse() : names) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fixture.files[name] ?? '');
    const executable = fixture.executables?.includes(name) ?? false;
    chmodSync(path, variant ? (executable ? 0o700 : 0o600) : executable ? 0o755 : 0o644);
    if (variant) {
      utimesSync(path, new Date('2001-02-03T04:05:06Z'), new Date('2011-12-13T14:15:16Z'));
      chownSync(path, 1234, 5678);
    }
  }
  for (const [link, target] of Object.entries(fixture.symlinks ?? {})) symlinkSync(target, join(dir, link));
  return dir;
}

const NO_EPOCH: PackOptions['env'] = {};

async function errorOf(promise: Promise<unknown>): Promise<SdkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SdkError);
  return error as SdkError;
}

function listTar(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
}

describe('packApp', () => {
  it('packs a main layer and a named weights layer into a tagged OCI artifact', async () => {
    const app = writeApp(tempDir(), baseFixture());
    const progress: PackProgress[] = [];
    const result = await packApp(app, { env: NO_EPOCH, onProgress: (p) => progress.push({ ...p }) });

    expect(result.layout).toBe(join(app, '.gpuaas', 'oci'));
    expect(result.tag).toBe('1.2.0_build.7');
    expect(result.manifest).toMatchObject({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      artifactType: GPUAAS_APP_ARTIFACT_TYPE,
      config: { mediaType: MEDIA_TYPES.gpuaasAppConfig },
      annotations: {
        [ANNOTATIONS.title]: 'demo',
        [ANNOTATIONS.version]: '1.2.0+build.7',
        [ANNOTATIONS.created]: '1970-01-01T00:00:00Z',
        [ANNOTATIONS.source]: 'https://example.com/acme/demo',
      },
    });
    expect(result.manifest.annotations?.[ANNOTATIONS.revision]).toBeUndefined();
    const [main, weights] = result.layers;
    expect(result.layers).toHaveLength(2);
    // Python source compresses; random weights in a named layer stay plain tar.
    expect(main).toMatchObject({ name: 'main', mediaType: MEDIA_TYPES.layerTarGzip, files: 7 });
    expect(main?.annotations).toEqual({ [ANNOTATIONS.title]: 'main' });
    expect(main?.uncompressedDigest).not.toBe(main?.digest);
    expect(weights).toMatchObject({ name: 'weights', mediaType: MEDIA_TYPES.layerTar, files: 2 });
    expect(weights?.uncompressedDigest).toBe(weights?.digest);
    expect(result.manifest.layers.map((l) => Object.keys(l).sort())).toEqual([
      ['annotations', 'digest', 'mediaType', 'size'],
      ['annotations', 'digest', 'mediaType', 'size'],
    ]);

    const packed = Object.entries(baseFixture().files).filter(
      ([name]) => !/^(\.git|tests|node_modules\/\.cache)\/|\.pyc$/.test(name),
    );
    expect(packed).toHaveLength(8);
    const total = packed.reduce((sum, [, content]) => sum + Buffer.byteLength(content), 0);
    expect(progress.at(-1)).toMatchObject({ bytesDone: total, bytesTotal: total });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
    }

    // Read it back through the layout, every blob verified against its digest.
    const layout = await OciLayout.open(result.layout);
    const descriptor = await layout.resolve(result.tag);
    expect(descriptor).toMatchObject({
      digest: result.manifestDescriptor.digest,
      artifactType: GPUAAS_APP_ARTIFACT_TYPE,
    });
    const manifest = (await layout.readManifest(descriptor)) as ImageManifest;
    expect(manifest).toEqual(result.manifest);
    const config = await layout.readBlob(manifest.config.digest);
    expect(config.toString()).toBe(canonicalJson(parse(MANIFEST)));
    for (const layer of manifest.layers) {
      for await (const _ of layout.openBlob(layer.digest, layer.size)) void _;
    }
  });

  it.skipIf(!requireTools('packed layers read by tar', 'tar', 'gzip'))(
    'writes layers that system tar extracts to the selected files',
    async () => {
      const app = writeApp(tempDir(), baseFixture());
      const result = await packApp(app, { env: NO_EPOCH });
      const layout = await OciLayout.open(result.layout);
      const [main, weights] = result.layers;
      const mainTar = join(tempDir(), 'main.tar');
      writeFileSync(
        mainTar,
        execFileSync('gzip', ['-dc', layout.blobPath(main!.digest)], { maxBuffer: 1 << 26 }),
      );
      expect(createHash('sha256').update(readFileSync(mainTar)).digest('hex')).toBe(
        main!.uncompressedDigest.slice(7),
      );
      expect(listTar(mainTar)).toEqual([
        '.env.example',
        'gpuaas-app.yaml',
        'lib/',
        'lib/current',
        'lib/util.py',
        'node_modules/',
        'node_modules/pkg/',
        'node_modules/pkg/index.js',
        'run.sh',
        'server.py',
      ]);
      expect(listTar(layout.blobPath(weights!.digest))).toEqual([
        'models/',
        'models/7b/',
        'models/7b/weights.bin',
        'models/README.md',
      ]);
      const out = tempDir();
      execFileSync('tar', ['-xf', layout.blobPath(weights!.digest), '-C', out]);
      expect(readFileSync(join(out, 'models/7b/weights.bin')).equals(WEIGHTS)).toBe(true);
    },
  );

  it('gives the same digest from a copy with other mtimes, owners, modes and creation order', async () => {
    const first = await packApp(writeApp(tempDir(), baseFixture()), {
      env: NO_EPOCH,
      output: join(tempDir(), 'a'),
    });
    const again = await packApp(writeApp(tempDir(), baseFixture()), {
      env: NO_EPOCH,
      output: join(tempDir(), 'b'),
    });
    const variant = await packApp(writeApp(tempDir(), baseFixture(), true), { env: NO_EPOCH });
    expect(again.manifestDescriptor.digest).toBe(first.manifestDescriptor.digest);
    expect(variant.manifestDescriptor.digest).toBe(first.manifestDescriptor.digest);
    expect(variant.layers.map((l) => l.digest)).toEqual(first.layers.map((l) => l.digest));
  });

  it('repacking into the same layout is a no-op on its index', async () => {
    const app = writeApp(tempDir(), baseFixture());
    const one = await packApp(app, { env: NO_EPOCH });
    const index = readFileSync(join(one.layout, 'index.json'));
    const two = await packApp(app, { env: NO_EPOCH });
    expect(two.manifestDescriptor).toEqual(one.manifestDescriptor);
    expect(readFileSync(join(one.layout, 'index.json')).equals(index)).toBe(true);
  });

  it('changing app code changes the main layer but not the weights layer', async () => {
    const before = await packApp(writeApp(tempDir(), baseFixture()), { env: NO_EPOCH });
    const changed = baseFixture();
    changed.files['server.py'] = `${CODE}# a fix\n`;
    const after = await packApp(writeApp(tempDir(), changed), { env: NO_EPOCH });
    expect(after.layers[0]?.digest).not.toBe(before.layers[0]?.digest);
    expect(after.layers[1]?.digest).toBe(before.layers[1]?.digest);
    expect(after.manifestDescriptor.digest).not.toBe(before.manifestDescriptor.digest);
  });

  it('takes created and file times from SOURCE_DATE_EPOCH', async () => {
    const app = writeApp(tempDir(), baseFixture());
    const result = await packApp(app, { env: { SOURCE_DATE_EPOCH: '1700000000' }, compression: 'none' });
    expect(result.manifest.annotations?.[ANNOTATIONS.created]).toBe('2023-11-14T22:13:20Z');
    expect(result.createdFrom).toBe('SOURCE_DATE_EPOCH');
    expect(result.layers[0]?.mediaType).toBe(MEDIA_TYPES.layerTar);
    // Every ustar header (and PAX header) in the plain tar layer carries the same mtime field.
    const tar = readFileSync(join(result.layout, 'blobs/sha256', result.layers[0]!.digest.slice(7)));
    const mtimes = new Set<number>();
    for (let at = 0; at + 512 <= tar.length; at += 512) {
      const block = tar.subarray(at, at + 512);
      if (block.subarray(257, 262).toString() === 'ustar')
        mtimes.add(parseInt(block.toString('ascii', 136, 147), 8));
    }
    expect(mtimes).toEqual(new Set([1_700_000_000]));
    expect((await errorOf(packApp(app, { env: { SOURCE_DATE_EPOCH: 'yesterday' } }))).code).toBe('USAGE');
  });

  it.skipIf(!requireTools('created from git', 'git'))(
    'takes created and revision from the last git commit',
    async () => {
      const repo = tempDir();
      const app = writeApp(join(repo, 'apps', 'demo'), baseFixture());
      const git = (...args: string[]): string =>
        execFileSync('git', args, {
          cwd: repo,
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_AUTHOR_DATE: '2020-01-02T03:04:05Z',
            GIT_COMMITTER_DATE: '2020-01-02T03:04:05Z',
          },
        }).trim();
      git('init', '-q');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'app');
      const result = await packApp(app, { env: NO_EPOCH });
      expect(result.manifest.annotations).toMatchObject({
        [ANNOTATIONS.created]: '2020-01-02T03:04:05Z',
        [ANNOTATIONS.revision]: git('rev-parse', 'HEAD'),
      });
      expect(result.createdFrom).toBe('git');
    },
  );

  it('puts random data of the main layer in a plain tar, and honours compress: true', async () => {
    const fixture = baseFixture();
    fixture.files['server.py'] = randomBytes(2 * 1024 * 1024);
    fixture.files['gpuaas-app.yaml'] = MANIFEST.replace(
      "include: ['models/**']",
      "include: ['models/**']\n      compress: true",
    );
    const result = await packApp(writeApp(tempDir(), fixture), { env: NO_EPOCH });
    expect(result.layers.map((l) => l.mediaType)).toEqual([MEDIA_TYPES.layerTar, MEDIA_TYPES.layerTarGzip]);
    const forced = await packApp(writeApp(tempDir(), fixture), { env: NO_EPOCH, compression: 'gzip' });
    expect(forced.layers[0]?.mediaType).toBe(MEDIA_TYPES.layerTarGzip);
    // Small reads cycle many times through the reused buffers, on both the tar and gzip paths:
    // any chunk overwritten too early would change the digests.
    const smallReads = await packApp(writeApp(tempDir(), fixture), { env: NO_EPOCH, chunkSize: 256 * 1024 });
    expect(smallReads.layers.map((l) => [l.digest, l.uncompressedDigest])).toEqual(
      result.layers.map((l) => [l.digest, l.uncompressedDigest]),
    );
  });

  it('skips sockets with a warning', async () => {
    const app = writeApp(tempDir(), baseFixture());
    const server = createServer();
    await new Promise<void>((listening) => server.listen(join(app, 'app.sock'), listening));
    try {
      const result = await packApp(app, { env: NO_EPOCH });
      expect(result.warnings).toEqual([expect.stringContaining('app.sock: skipped')]);
      expect(result.layers[0]?.files).toBe(7);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it('allows an empty main layer', async () => {
    const result = await packApp(
      writeApp(tempDir(), {
        files: {
          'gpuaas-app.yaml': MANIFEST.replace("exclude: ['**/*.pyc', tests]", "include: ['models/**']"),
          'models/w.bin': 'w',
          'other.txt': 'not included',
        },
      }),
      { env: NO_EPOCH },
    );
    expect(result.layers.map((l) => [l.name, l.files])).toEqual([
      ['main', 0],
      ['weights', 1],
    ]);
  });

  it('refuses a file matched by two named layers, naming the file and both layers', async () => {
    const fixture = baseFixture();
    fixture.files['gpuaas-app.yaml'] = `${MANIFEST}    - name: big\n      include: ['**/*.bin']\n`;
    const error = await errorOf(packApp(writeApp(tempDir(), fixture), { env: NO_EPOCH }));
    expect(error.code).toBe('PACK_LAYER_CONFLICT');
    expect(error.message).toContain('models/7b/weights.bin');
    expect(error.details?.conflicts).toEqual([{ file: 'models/7b/weights.bin', layers: ['weights', 'big'] }]);
  });

  it('refuses an invalid manifest with every error', async () => {
    const fixture = baseFixture();
    fixture.files['gpuaas-app.yaml'] = MANIFEST.replace('name: demo', 'name: Demo_App').replace(
      'publisher: acme\n',
      '',
    );
    const error = await errorOf(packApp(writeApp(tempDir(), fixture), { env: NO_EPOCH }));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect((error.details?.errors as unknown[]).length).toBeGreaterThanOrEqual(2);
    const reserved = baseFixture();
    reserved.files['gpuaas-app.yaml'] = MANIFEST.replace('- name: weights', '- name: main');
    expect((await errorOf(packApp(writeApp(tempDir(), reserved), { env: NO_EPOCH }))).code).toBe(
      'MANIFEST_INVALID',
    );
    expect((await errorOf(packApp(tempDir(), { env: NO_EPOCH }))).code).toBe('NOT_FOUND');
  });

  const escapes: Array<[string, (dir: string) => void]> = [
    ['absolute', (dir) => symlinkSync('/etc/passwd', join(dir, 'passwd'))],
    ['relative out of the folder', (dir) => symlinkSync('../../etc', join(dir, 'lib', 'up'))],
    [
      'through another symlink',
      (dir) => {
        symlinkSync('/etc', join(dir, 'tests', 'etc'));
        symlinkSync('../tests/etc/passwd', join(dir, 'lib', 'sneaky'));
      },
    ],
  ];
  it.each(escapes)('refuses a symlink leading outside the app folder (%s)', async (_name, plant) => {
    const app = writeApp(tempDir(), baseFixture());
    plant(app);
    const error = await errorOf(packApp(app, { env: NO_EPOCH }));
    expect(error.code).toBe('SYMLINK_ESCAPE');
  });
});

describe.skipIf(!requireTools('packed app read by skopeo', 'skopeo'))('skopeo reads a packed app', () => {
  it('inspects and copies the artifact by tag', async () => {
    const result = await packApp(writeApp(tempDir(), baseFixture()), {
      env: NO_EPOCH,
      output: join(tempDir(), 'oci'),
    });
    const ref = `oci:${result.layout}:${result.tag}`;
    const raw = execFileSync('skopeo', ['inspect', '--raw', ref]);
    expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(result.manifestDescriptor.digest);
    const out = join(tempDir(), 'copy');
    execFileSync('skopeo', ['copy', '--quiet', ref, `dir:${out}`], { stdio: 'pipe' });
    for (const layer of result.layers) {
      const copied = readFileSync(join(out, layer.digest.slice(7)));
      expect(`sha256:${createHash('sha256').update(copied).digest('hex')}`).toBe(layer.digest);
    }
  });
});
