/** `gpuaas-platform registry gc` over a data folder, with no database and no server. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Registry } from '../registry/registry.js';
import { main } from './main.js';
import type { PlatformCliIo } from './main.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'registry-gc-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const out: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  const io: PlatformCliIo = { stdout, stderr: new PassThrough(), env: { VITEST: 'true' } };
  const code = await main(['node', 'gpuaas-platform', ...args], io);
  return { code, stdout: out.join('') };
}

it('deletes an unreferenced blob past the grace period, and only with --dry-run absent', async () => {
  const registry = new Registry(join(dataDir, 'registry'));
  const bytes = randomBytes(100);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await registry.blobs.putMonolithic('team/app', digest, Readable.from([bytes]));
  const past = new Date(Date.now() - 10_000);
  await utimes(registry.layout.blob(digest.slice(7)), past, past);

  const dry = await run([
    'registry',
    'gc',
    '--data-dir',
    dataDir,
    '--grace-seconds',
    '5',
    '--dry-run',
    '--json',
  ]);
  expect(dry.code).toBe(0);
  expect(JSON.parse(dry.stdout)).toMatchObject({ deletedBlobs: [digest], freedBytes: 100 });
  expect(await registry.blobs.stat('team/app', digest)).toBeDefined();

  const real = await run(['registry', 'gc', '--data-dir', dataDir, '--grace-seconds', '5']);
  expect(real.code).toBe(0);
  expect(real.stdout).toMatch(/deleted 1 blobs \(100 bytes\)/);
  expect(await registry.blobs.stat('team/app', digest)).toBeUndefined();
});
