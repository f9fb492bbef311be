import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGpuCatalog } from './catalog.js';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-catalog-'));
  server = createServer((req, res) => {
    if (req.url === '/v1/catalog/gpus') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          gpus: [
            { model: 'H100-80GB', memoryGiB: 80 },
            { model: 'L40S', memoryGiB: 48 },
          ],
        }),
      );
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await rm(dir, { recursive: true, force: true });
});

describe('loadGpuCatalog', () => {
  it.each<[string, unknown, string[]]>([
    ['model names', ['H100-80GB', 'A100-80GB', 'H100-80GB'], ['H100-80GB', 'A100-80GB']],
    ['{model} objects', [{ model: 'L40S', vendor: 'nvidia' }], ['L40S']],
    ['the platform response', { gpus: [{ model: 'H100-80GB' }, { model: 'A10' }] }, ['H100-80GB', 'A10']],
    ['an empty list', [], []],
  ])('reads %s from a file', async (_, data, models) => {
    const file = join(dir, `${models.join('_') || 'empty'}.json`);
    await writeFile(file, JSON.stringify(data));
    expect(await loadGpuCatalog(file)).toEqual({ models });
  });

  it.each<[string, string]>([
    ['not JSON', '{gpus'],
    ['a list of numbers', '[1, 2]'],
    ['an object without gpus', '{"models": ["A"]}'],
    ['gpus without model names', '{"gpus": [{"name": "A"}]}'],
  ])('refuses %s with CATALOG_INVALID', async (name, text) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.json`);
    await writeFile(file, text);
    await expect(loadGpuCatalog(file)).rejects.toMatchObject({ code: 'CATALOG_INVALID' });
  });

  it('says NOT_FOUND for a missing file', async () => {
    await expect(loadGpuCatalog(join(dir, 'nope.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("reads the platform's GET /v1/catalog/gpus over http, and reports HTTP failures as IO_ERROR", async () => {
    expect(await loadGpuCatalog(`${base}/v1/catalog/gpus`)).toEqual({ models: ['H100-80GB', 'L40S'] });
    await expect(loadGpuCatalog(`${base}/elsewhere`)).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringMatching(/HTTP 404/),
    });
  });
});
