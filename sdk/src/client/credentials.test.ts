import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsStore, defaultCredentialsPath, normalizeApiUrl } from './credentials.js';
import type { StoredSession } from './credentials.js';
import { parseRetryAfter } from './sender.js';

const session: StoredSession = {
  issuer: 'http://127.0.0.1:9',
  client_id: 'gpuaas-cli',
  access_token: 'at',
  refresh_token: 'rt',
  expires_at: '2030-01-01T00:00:00.000Z',
};

describe('credentials store', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-cred-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['XDG_CONFIG_HOME', { XDG_CONFIG_HOME: '/x', HOME: '/h' }, '/x/gpuaas/credentials.json'],
    ['HOME', { HOME: '/h' }, '/h/.config/gpuaas/credentials.json'],
    ['empty XDG_CONFIG_HOME', { XDG_CONFIG_HOME: '', HOME: '/h' }, '/h/.config/gpuaas/credentials.json'],
  ])('finds the file from %s', (_name, env, want) => {
    expect(defaultCredentialsPath(env)).toBe(want);
  });

  it('keeps one 0600 session per normalised API URL and deletes the file with the last one', async () => {
    const store = new CredentialsStore(join(dir, 'a', 'credentials.json'));
    await store.put('http://127.0.0.1:8080/', session);
    await store.put('https://gpuaas.example.com', { ...session, access_token: 'other' });
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await store.get('http://127.0.0.1:8080'))?.access_token).toBe('at');
    expect((await store.read()).current).toBe('https://gpuaas.example.com');
    expect(await store.remove('http://127.0.0.1:8080')).toMatchObject({ refresh_token: 'rt' });
    expect(Object.keys((await store.read()).sessions)).toEqual(['https://gpuaas.example.com']);
    await store.remove('https://gpuaas.example.com');
    await expect(readFile(store.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps a current project per API URL, without a login too; logout forgets it with the session', async () => {
    const store = new CredentialsStore(join(dir, 'p', 'credentials.json'));
    // GPUAAS_TOKEN users have no session, yet may choose a project.
    await store.setProject('http://127.0.0.1:8080/', { id: 'p1', name: 'demo' });
    expect(await store.project('http://127.0.0.1:8080')).toEqual({ id: 'p1', name: 'demo' });
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    await store.put('http://127.0.0.1:8080', session);
    expect(await store.project('http://127.0.0.1:8080')).toEqual({ id: 'p1', name: 'demo' });
    await store.remove('http://127.0.0.1:8080');
    expect(await store.project('http://127.0.0.1:8080')).toBeUndefined();
    await expect(readFile(store.path)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.setProject('https://a.example', { id: 'p2', name: 'x' });
    await store.setProject('https://a.example', undefined);
    await expect(readFile(store.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['not JSON', '{'],
    ['wrong version', '{"version":2,"sessions":{}}'],
    ['bad session', '{"version":1,"sessions":{"http://x":{"issuer":1}}}'],
    ['bad project', '{"version":1,"sessions":{},"projects":{"http://x":{"id":1}}}'],
  ])('refuses a credentials file that is %s with CREDENTIALS_INVALID', async (_name, text) => {
    const path = join(dir, `bad-${Math.random()}.json`);
    await writeFile(path, text);
    await expect(new CredentialsStore(path).read()).rejects.toMatchObject({ code: 'CREDENTIALS_INVALID' });
  });

  it('normalises API URLs to origin and path without a trailing slash', () => {
    expect(normalizeApiUrl('HTTP://Example.COM:443/api/')).toBe('http://example.com:443/api');
    expect(normalizeApiUrl('https://example.com:443/')).toBe('https://example.com');
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    fc.assert(fc.property(fc.nat(86_400), (n) => parseRetryAfter(String(n)) === n * 1000));
  });

  it('reads an HTTP date as the time left, never negative', () => {
    const now = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), (s) => {
        const header = new Date(now + s * 1000).toUTCString();
        return parseRetryAfter(header, now) === Math.max(0, s * 1000);
      }),
    );
  });

  it('ignores absent or unreadable values', () => {
    fc.assert(
      fc.property(
        fc.string().filter((v) => !/^\s*\d+\s*$/.test(v) && Number.isNaN(Date.parse(v))),
        (v) => {
          return parseRetryAfter(v) === undefined;
        },
      ),
    );
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
