import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppTestContext } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'gpuaas-testing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: testing-app
version: 1.2.3
publisher: acme
resources:
  minimum:
    gpus:
      count: 0
run:
  entrypoint: [node, app.mjs]
  env: { MODE: test }
parameters:
  size: { type: integer, minimum: 1, default: 4 }
  tags: { type: array, items: { type: string } }
meters:
  - { name: items, unit: item, aggregation: sum }
hooks:
  configure:
    command: 'echo "size=$GPUAAS_PARAM_SIZE tags=$GPUAAS_PARAM_TAGS mode=$MODE hook=$GPUAAS_HOOK extra=$EXTRA"; cat "$GPUAAS_PARAMS_FILE"'
    env: { EXTRA: from-hook }
  install:
    command: 'echo failing >&2; exit 5'
  start:
    command: 'sleep 5'
    timeout: 100ms
`;

// Meters through the fake runtime's loopback URL with plain fetch.
const APP = `process.on('SIGTERM', () => process.exit(0));
const url = process.env.GPUAAS_RUNTIME_URL;
const post = (path, body) => fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
await post('/v1/meter', { name: 'items', quantity: Number(process.env.GPUAAS_PARAM_SIZE) });
const refused = await post('/v1/meter', { name: 'unknown', quantity: 1 });
console.log('unknown meter: ' + refused.status);
await post('/v1/status', { message: 'working', progress: 0.5 });
await post('/v1/ready', {});
setInterval(() => undefined, 1000);
`;

function app(): string {
  const dir = mkdtempSync(join(work, 'app-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'gpuaas-app.yaml'), MANIFEST);
  writeFileSync(join(dir, 'app.mjs'), APP);
  return dir;
}

describe('@gpuaas/sdk/testing createAppTestContext', () => {
  it('runs hooks with the runtime environment contract and reports failures and timeouts', async () => {
    const ctx = await createAppTestContext({ appDir: app(), params: { tags: ['a', 'b'] } });
    try {
      expect(ctx.params).toEqual({ size: 4, tags: ['a', 'b'] });
      const configure = await ctx.runHook('configure');
      expect(configure.ok).toBe(true);
      expect(configure.stdout).toContain('size=4 tags=["a","b"] mode=test hook=configure extra=from-hook');
      expect(JSON.parse(configure.stdout.slice(configure.stdout.indexOf('{')))).toEqual({
        size: 4,
        tags: ['a', 'b'],
      });
      const install = await ctx.runHook('install');
      expect(install).toMatchObject({ ok: false, exitCode: 5, timedOut: false, stderr: 'failing\n' });
      const start = await ctx.runHook('start');
      expect(start).toMatchObject({ ok: false, timedOut: true, signal: 'SIGKILL' });
      await expect(ctx.runHook('stop')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(ctx.env().GPUAAS_RUNTIME_URL).toBe(ctx.runtime.url);
    } finally {
      await ctx.close();
    }
  });

  it('runs the app against the fake runtime: meters, status, ready, undeclared meters refused', async () => {
    const ctx = await createAppTestContext({ appDir: app(), params: { size: 7 } });
    try {
      const proc = ctx.startApp();
      await ctx.waitFor(() => ctx.readyCalled);
      expect(ctx.total('items')).toBe(7);
      expect(ctx.meters).toHaveLength(1);
      expect(ctx.statuses).toEqual([{ message: 'working', progress: 0.5 }]);
      expect(proc.output()).toContain('unknown meter: 400');
      expect(await proc.stop()).toEqual({ code: 0, signal: null });
    } finally {
      await ctx.close();
    }
  });

  it('refuses undeclared and invalid parameters like the runtime does', async () => {
    await expect(
      createAppTestContext({ appDir: app(), params: { size: 0, colour: 'red' } }),
    ).rejects.toMatchObject({
      code: 'PARAMETERS_INVALID',
      message: expect.stringMatching(/"colour" is not declared.*"size" must be >= 1/s),
    });
  });
});
