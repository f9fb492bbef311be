import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startHttpServer } from '@gpuaas/test-support';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../output.js';
import { main } from './main.js';

/** A fake OIDC provider (PKCE, device flow, refresh, revocation) and a fake API behind one URL. */
async function startFakePlatform() {
  const codes = new Map<string, { challenge: string; redirect: string; nonce: string | null }>();
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const idToken = (nonce: string | null) =>
    new SignJWT({ email: 'dev@example.com', ...(nonce ? { nonce } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(base)
      .setAudience('gpuaas-cli')
      .setSubject('u1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
  const revoked: string[] = [];
  let tokenCount = 0;
  const issue = async (nonce: string | null = null) => ({
    access_token: `at-${++tokenCount}`,
    refresh_token: `rt-${tokenCount}`,
    id_token: await idToken(nonce),
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'openid email offline_access',
  });
  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json'): void =>
    void res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  let base = '';
  const server: TestHttpServer = await startHttpServer(async (req, res) => {
    const form = new URLSearchParams(req.body.toString());
    switch (req.url.pathname) {
      case '/.well-known/openid-configuration':
        return json(res, 200, {
          issuer: base,
          authorization_endpoint: `${base}/oidc/auth`,
          token_endpoint: `${base}/oidc/token`,
          device_authorization_endpoint: `${base}/oidc/device/auth`,
          revocation_endpoint: `${base}/oidc/revoke`,
          jwks_uri: `${base}/oidc/jwks`,
          id_token_signing_alg_values_supported: ['ES256'],
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
        });
      case '/oidc/auth': {
        const q = req.url.searchParams;
        if (q.get('code_challenge_method') !== 'S256' || q.get('client_id') !== 'gpuaas-cli')
          return json(res, 400, {});
        const redirect = q.get('redirect_uri') ?? '';
        if (!/^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirect)) return json(res, 400, {});
        const code = `code-${codes.size + 1}`;
        codes.set(code, { challenge: q.get('code_challenge') ?? '', redirect, nonce: q.get('nonce') });
        res.writeHead(302, { location: `${redirect}?code=${code}&state=${q.get('state')}` }).end();
        return undefined;
      }
      case '/oidc/jwks':
        return json(res, 200, { keys: [jwk] });
      case '/oidc/device/auth':
        return json(res, 200, {
          device_code: 'dev-1',
          user_code: 'WXYZ-1234',
          verification_uri: `${base}/device`,
          expires_in: 600,
          interval: 1,
        });
      case '/oidc/revoke':
        revoked.push(form.get('token') ?? '');
        return json(res, 200, {});
      case '/oidc/token': {
        const grant = form.get('grant_type');
        if (grant === 'authorization_code') {
          const entry = codes.get(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (
            entry === undefined ||
            entry.challenge !== challenge ||
            entry.redirect !== form.get('redirect_uri')
          ) {
            return json(res, 400, { error: 'invalid_grant' });
          }
          return json(res, 200, await issue(entry.nonce));
        }
        if (grant === 'refresh_token') {
          if (!/^rt-\d+$/.test(form.get('refresh_token') ?? ''))
            return json(res, 400, { error: 'invalid_grant' });
          return json(res, 200, await issue());
        }
        if (grant === 'urn:ietf:params:oauth:grant-type:device_code' && form.get('device_code') === 'dev-1') {
          return json(res, 200, await issue());
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      case '/v1/users/me': {
        if (!/^Bearer (at-\d+|static-token)$/.test(req.headers.authorization ?? '')) {
          return json(
            res,
            401,
            {
              type: 'x',
              title: 'Unauthorized',
              status: 401,
              code: 'TOKEN_INVALID',
              correlation_id: 'corr-401-abcdef',
            },
            'application/problem+json',
          );
        }
        return json(res, 200, {
          id: 'u1',
          email: 'dev@example.com',
          display_name: null,
          operator: false,
          created_at: '2026-01-01T00:00:00.000Z',
        });
      }
      case '/v1/projects':
        return json(res, 200, {
          items: [
            {
              id: '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e55',
              organization_id: '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e56',
              name: 'demo',
              description: null,
              role: 'owner',
              created_at: 't',
              updated_at: 't',
            },
          ],
          next_cursor: null,
        });
      default:
        return json(
          res,
          404,
          {
            type: 'x',
            title: 'Not found',
            status: 404,
            code: 'NOT_FOUND',
            detail: 'no such thing',
            correlation_id: 'corr-404-abcdef',
          },
          'application/problem+json',
        );
    }
  });
  base = server.url;
  return { server, revoked, url: server.url };
}

function fakeIo(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: CliIo = { stdout, stderr, stdin: new PassThrough(), env, cwd: process.cwd() };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

/** Plays the browser: follows the issuer's redirect to the CLI's loopback callback. */
async function browser(url: string): Promise<boolean> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (location === null) return false;
  await (await fetch(location)).text();
  return true;
}

describe('gpuaas CLI (in-process, fake platform)', () => {
  let fake: Awaited<ReturnType<typeof startFakePlatform>>;
  let home: string;
  let credentials: string;
  const env = (): NodeJS.ProcessEnv => ({
    XDG_CONFIG_HOME: home,
    GPUAAS_API_URL: fake.url,
    PATH: process.env.PATH,
  });
  const run = async (args: string[], envOverride: NodeJS.ProcessEnv = env(), deps = {}) => {
    const f = fakeIo(envOverride);
    const code = await main(['node', 'gpuaas', ...args], f.io, deps);
    return { code, stdout: f.out(), stderr: f.err() };
  };

  beforeAll(async () => {
    fake = await startFakePlatform();
    home = await mkdtemp(join(tmpdir(), 'gpuaas-cli-'));
    credentials = join(home, 'gpuaas', 'credentials.json');
  });
  afterAll(async () => {
    await fake.server.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('exits 3 with AUTH_REQUIRED when there is no credential', async () => {
    const r = await run(['projects', 'list']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error\[AUTH_REQUIRED\]/);
  });

  it('logs in with PKCE on a loopback port and caches tokens in a 0600 file', async () => {
    const r = await run(['auth', 'login', '--json'], env(), {
      openBrowser: browser,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${fake.url}/oidc/auth?`);
    const saved = JSON.parse(await readFile(credentials, 'utf8'));
    expect(saved.current).toBe(fake.url);
    expect(saved.sessions[fake.url]).toMatchObject({
      access_token: 'at-1',
      refresh_token: 'rt-1',
      client_id: 'gpuaas-cli',
    });
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, 'gpuaas'))).mode & 0o777).toBe(0o700);
  });

  it('uses the cached login: status shows the user, the source and the expiry', async () => {
    const r = await run(['auth', 'status', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      source: 'login',
      email: 'dev@example.com',
      refreshable: true,
    });
  });

  it('refreshes an expiring session silently and saves the rotated tokens', async () => {
    const saved = JSON.parse(await readFile(credentials, 'utf8'));
    saved.sessions[fake.url].expires_at = new Date(Date.now() - 1000).toISOString();
    await writeFile(credentials, JSON.stringify(saved), { mode: 0o600 });
    const r = await run(['projects', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ID\s+NAME\s+ROLE/);
    expect(r.stdout).toContain('demo');
    const after = JSON.parse(await readFile(credentials, 'utf8'));
    expect(after.sessions[fake.url].refresh_token).toBe('rt-2');
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe('Bearer at-2');
  });

  it('prints the code and correlation id of a refusal and exits 4 on not found', async () => {
    const r = await run(['projects', 'get', '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e99']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('error[NOT_FOUND]: no such thing (correlation_id corr-404-abcdef)\n');
    const j = await run(['projects', 'get', '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e99', '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({
      error: { code: 'NOT_FOUND', status: 404, correlation_id: 'corr-404-abcdef' },
    });
  });

  it('logs out: deletes the cache and revokes the refresh token', async () => {
    const r = await run(['auth', 'logout']);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.revoked).toEqual(['rt-2']);
    await expect(stat(credentials)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses the device flow with --device and prints the code to enter', async () => {
    const r = await run(['auth', 'login', '--device']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`visit ${fake.url}/device and enter the code WXYZ-1234`);
    expect(JSON.parse(await readFile(credentials, 'utf8')).sessions[fake.url].access_token).toMatch(
      /^at-\d+$/,
    );
  });

  it('falls back to the device flow when no browser can be opened (no DISPLAY, SSH)', async () => {
    const r = await run(['auth', 'login'], {
      ...env(),
      SSH_CONNECTION: '1 2 3 4',
      DISPLAY: ':0',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('enter the code WXYZ-1234');
  });

  it('prefers GPUAAS_TOKEN from the environment', async () => {
    const r = await run(['auth', 'status', '--json'], { ...env(), GPUAAS_TOKEN: 'static-token' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'GPUAAS_TOKEN', email: 'dev@example.com' });
  });

  it.each([
    [['projects', 'list', '--output', 'yaml'], 2],
    [['iam', 'members', 'add', 'a@b.c', '--project', 'demo', '--role', 'boss'], 2],
    [['audit', 'export'], 2],
  ])('rejects bad usage %j with exit %i', async (args, code) => {
    const r = await run(args, { ...env(), GPUAAS_TOKEN: 'static-token' });
    expect(r.code).toBe(code);
  });
});
