/**
 * The console's routes over a console build written by the test: its page for `/` and deep links
 * with the CSP, immutable hashed assets, no shadowing of the platform's paths, and the page that
 * says how to build it when there is none. Then the same routes inside a real platform.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { consoleCsp, consoleRoutes, isConsolePath, reservedSegments } from './console.js';

const PAGE =
  '<!doctype html><title>console</title><script type="module" src="/assets/index-abc123.js"></script>';
const API_PATHS = [
  '/v1/projects',
  '/v1/allocations/{allocation_id}',
  '/healthz',
  '/readyz',
  '/metrics',
  '/.well-known/jwks.json',
];

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(consoleRoutes({ dir, apiPaths: API_PATHS, issuer: () => 'http://127.0.0.1:8080' }));
  app.use((_req, res) => res.status(404).type('text').send('platform'));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('console routes', () => {
  let dir: string;
  let built: { url: string; close(): Promise<void> };
  let missing: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-console-'));
    await mkdir(join(dir, 'dist', 'assets'), { recursive: true });
    await writeFile(join(dir, 'dist', 'index.html'), PAGE);
    await writeFile(join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dir, 'dist', 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'secret.txt'), 'outside the build');
    built = await serve(join(dir, 'dist'));
    missing = await serve(join(dir, 'not-built'));
  });
  afterAll(async () => {
    await built?.close();
    await missing?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/allocations',
    '/allocations/0b9c1c1e-1111-4222-8333-444455556666',
    '/apps/dash',
    '/auth/callback?code=x',
  ])('answers %s with the page and its CSP', async (path) => {
    const res = await fetch(built.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(PAGE);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves hashed assets as immutable, other files of the build revalidated', async () => {
    const asset = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const icon = await fetch(`${built.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it.each([
    '/assets/missing.js',
    '/robots.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%E0%A4%A.js',
    '/assets/',
  ])('answers %s with 404, never the page or a file outside the build', async (path) => {
    const res = await fetch(built.url + path);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/console|outside the build/);
  });

  it.each([
    '/v1/projects',
    '/v1/anything-new',
    '/v2/',
    '/oidc/auth',
    '/.well-known/openid-configuration',
    '/healthz',
    '/metrics',
    '/docs',
    '/device',
    '/.gpuaas/signin',
  ])('leaves %s to the platform', async (path) => {
    const res = await fetch(built.url + path);
    expect(await res.text()).toBe('platform');
  });

  it('explains how to build the console when it is missing (503, not 500)', async () => {
    for (const path of ['/', '/allocations/x']) {
      const res = await fetch(missing.url + path);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body).toContain('The web console is not built');
      expect(body).toContain('npm run build');
    }
    expect((await fetch(`${missing.url}/v1/projects`)).status).toBe(404);
  });

  it('reserves the first segment of every API path and of the other mounts', () => {
    const reserved = reservedSegments(API_PATHS);
    for (const segment of [
      'v1',
      'v2',
      'oidc',
      'device',
      'docs',
      '.well-known',
      '.gpuaas',
      'healthz',
      'readyz',
      'metrics',
    ])
      expect(reserved.has(segment)).toBe(true);
    expect(isConsolePath('/allocations/1', reserved)).toBe(true);
    expect(isConsolePath('/v1', reserved)).toBe(false);
  });

  it('frames only app instance origins and connects only to its own host', () => {
    expect(consoleCsp('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080; frame-src http://*.apps.localhost:8080; " +
        "frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'",
    );
    expect(consoleCsp('https://gpu.example.com', 'gpu.example.com')).toContain(
      'frame-src https://*.apps.gpu.example.com;',
    );
  });
});

describe('the console inside the platform', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform('sqlite');
  });
  afterAll(() => t?.close());

  it('answers / with HTML and a CSP, built or not, and leaves the API as it was', async () => {
    const page = await t.request('/');
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src/);
    const unknown = await t.request('/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    expect((await t.request('/healthz')).status).toBe(200);
    const discovery = await t.request('/.well-known/openid-configuration');
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(t.url);
  });

  it('registers the console as a public client with its callback on the issuer', async () => {
    const client = await t.platform.oidc.provider().Client.find('gpuaas-console');
    expect(client?.redirectUris).toEqual([`${t.url}/auth/callback`]);
    expect(client?.clientAuthMethod).toBe('none');
    expect(client?.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  });
});
