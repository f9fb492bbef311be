import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCommand } from './support/processes.js';

// README promises the app workflow works on a fresh checkout; this runs the same script.
describe('README app quick start (npm run app:quickstart)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('scaffolds an app from a template and validates it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gpuaas-quickstart-'));
    dirs.push(dir);
    const app = join(dir, 'app');
    const { code, stdout, stderr } = await runCommand('bash', ['scripts/app-quickstart.sh', app]);
    expect(code, stderr).toBe(0);
    const manifest = await readFile(join(app, 'gpuaas-app.yaml'), 'utf8');
    expect(manifest).toMatch(/^# yaml-language-server: \$schema=/);
    expect(parse(manifest)).toMatchObject({ name: 'hello-gpu', publisher: 'demo' });
    expect(`${stdout}${stderr}`).toMatch(/valid/i);

    // A second run keeps the app and validates again.
    const again = await runCommand('bash', ['scripts/app-quickstart.sh', app]);
    expect(again.code, again.stderr).toBe(0);
    expect(`${again.stdout}${again.stderr}`).toMatch(/valid/i);
  });
});
