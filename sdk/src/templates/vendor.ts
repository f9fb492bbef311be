/**
 * Templates that import the sdk (typescript-service) need `@gpuaas/sdk` and what it depends on
 * from this project, which no public registry serves. `gpuaas-app init` therefore vendors them:
 * `npm pack` of the installed packages into the app's `vendor/` folder, and `file:` dependencies
 * in its package.json, so the app installs on a machine that has only the npm registry.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SdkError } from '../errors.js';

const run = promisify(execFile);

/** The `name` in `dir`/package.json, or undefined when there is none. */
function packageNameIn(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
  return typeof name === 'string' ? name : '';
}

/**
 * The folder of an installed package: the package this file belongs to when that is the one asked
 * for (the sdk vendoring itself, from this repository or from node_modules), else the one Node
 * resolves from here (the nearest node_modules upwards that holds it).
 */
export function installedPackageDir(name: string, from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const own = packageNameIn(dir);
    if (own === undefined) continue;
    if (own === name) return dir;
    break; // the nearest package.json is another package: look in node_modules
  }
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
  }
  throw new SdkError('VENDOR_FAILED', `cannot find the installed package ${name} to vendor it`, {
    details: {
      hint: 'run gpuaas-app init from an installed @gpuaas/cli (npm install it, or use this repository)',
    },
  });
}

/**
 * Packs each package into `<appDir>/vendor` and points the app's package.json at the tarballs.
 * Returns the tarballs' paths relative to appDir.
 */
export async function vendorPackages(appDir: string, names: readonly string[]): Promise<string[]> {
  const vendor = join(appDir, 'vendor');
  await mkdir(vendor, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const name of names) {
    const dir = installedPackageDir(name);
    let stdout: string;
    try {
      // --ignore-scripts: pack what is installed, as it is (no build, no template copy).
      ({ stdout } = await run(
        'npm',
        ['pack', dir, '--ignore-scripts', '--json', '--pack-destination', vendor],
        {
          cwd: appDir,
          maxBuffer: 64 * 1024 * 1024,
        },
      ));
    } catch (cause) {
      throw new SdkError(
        'VENDOR_FAILED',
        `npm pack ${name} failed: ${(cause as Error).message.split('\n')[0]}`,
        {
          cause,
          details: { hint: 'gpuaas-app init needs npm on PATH to vendor the sdk' },
        },
      );
    }
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (packed === undefined) throw new SdkError('VENDOR_FAILED', `npm pack ${name} printed no file`);
    tarballs.set(name, `vendor/${packed.filename}`);
  }
  const manifestPath = join(appDir, 'package.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  // Every vendored package is a direct dependency, so the sdk's own dependency on
  // @gpuaas/manifest-schema is met by the tarball too, not looked up in the registry. One the
  // template lists as a dev dependency (the CLI: build and publish, not run) stays one, so a
  // production install leaves it out.
  const dependencies = { ...manifest.dependencies };
  const devDependencies = { ...manifest.devDependencies };
  for (const [name, tarball] of tarballs) {
    if (name in devDependencies) devDependencies[name] = `file:${tarball}`;
    else dependencies[name] = `file:${tarball}`;
  }
  manifest.dependencies = dependencies;
  if (manifest.devDependencies !== undefined) manifest.devDependencies = devDependencies;
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return [...tarballs.values()];
}
