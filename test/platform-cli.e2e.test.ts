import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserScript,
  gpuaasBin,
  run,
  runPlatform,
  startProcess,
  startServer,
} from './support/processes.js';
import type { StartedProcess, TestServer } from './support/processes.js';

describe.each(await testDialects('platform + gpuaas CLI e2e'))(
  'platform + gpuaas CLI end to end on %s',
  (dialect) => {
    let store: TestStore;
    let server: TestServer;
    let home: string;
    let ciHome: string;
    let projectId: string;
    let bootstrapToken: string;
    const baseEnv = (): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      GPUAAS_API_URL: server.url,
      CI: 'true',
    });
    const asUser = (): NodeJS.ProcessEnv => ({ ...baseEnv(), XDG_CONFIG_HOME: home });
    const platform = (args: string[], stdin?: string) => runPlatform(store, args, stdin);

    beforeAll(async () => {
      store = await createTestStore(dialect);
      server = await startServer(store);
      home = await mkdtemp(join(tmpdir(), 'gpuaas-e2e-home-'));
      ciHome = await mkdtemp(join(tmpdir(), 'gpuaas-e2e-ci-'));
    });
    afterAll(async () => {
      await server?.stop();
      await store?.drop();
      await rm(home, { recursive: true, force: true });
      await rm(ciHome, { recursive: true, force: true });
    });

    it('logs in through the real OIDC flow (PKCE, loopback, login form) and caches 0600 credentials', async () => {
      const added = await platform(
        ['users', 'add', '--email', 'alice@example.com', '--password-stdin'],
        'correct horse battery\n',
      );
      expect(added.code, added.stderr).toBe(0);
      const login = await run(gpuaasBin, ['auth', 'login', '--json'], {
        ...asUser(),
        BROWSER: `${process.execPath} ${browserScript}`,
        GPUAAS_TEST_EMAIL: 'alice@example.com',
        GPUAAS_TEST_PASSWORD: 'correct horse battery',
      });
      expect(login.code, login.stderr).toBe(0);
      expect(JSON.parse(login.stdout)).toMatchObject({ api_url: server.url, email: 'alice@example.com' });
      const file = join(home, 'gpuaas', 'credentials.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const status = await run(gpuaasBin, ['auth', 'status', '--json'], asUser());
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        source: 'login',
        email: 'alice@example.com',
        refreshable: true,
      });
    });

    it('logs in with the device flow (--device): the code is approved in a browser elsewhere', async () => {
      const deviceHome = await mkdtemp(join(tmpdir(), 'gpuaas-e2e-device-'));
      let login: StartedProcess | undefined;
      try {
        login = await startProcess(process.execPath, [gpuaasBin, 'auth', 'login', '--device', '--json'], {
          env: { ...baseEnv(), XDG_CONFIG_HOME: deviceHome },
          ready: /\(or open (\S+)\)/,
          stream: 'stderr',
          name: 'gpuaas auth login --device',
        });
        const verificationUrl = login.match[1] ?? '';
        expect(login.stderr()).toMatch(/enter the code [A-Z0-9-]+/);
        const approved = await run(browserScript, [verificationUrl], {
          ...process.env,
          GPUAAS_TEST_EMAIL: 'alice@example.com',
          GPUAAS_TEST_PASSWORD: 'correct horse battery',
        });
        expect(approved.code, approved.stderr).toBe(0);
        expect(await login.exited, login.stderr()).toBe(0);
        expect(JSON.parse(login.stdout())).toMatchObject({ email: 'alice@example.com' });
        const saved = JSON.parse(await readFile(join(deviceHome, 'gpuaas', 'credentials.json'), 'utf8'));
        expect(saved.sessions[server.url]).toMatchObject({
          client_id: 'gpuaas-cli',
          refresh_token: expect.any(String),
        });
      } finally {
        await login?.stop();
        await rm(deviceHome, { recursive: true, force: true });
      }
    });

    it('creates a project (--output json) and adds a member (table)', async () => {
      const created = await run(gpuaasBin, ['projects', 'create', 'e2e-demo', '--output', 'json'], asUser());
      expect(created.code, created.stderr).toBe(0);
      const project = JSON.parse(created.stdout) as { id: string; name: string; role: string };
      expect(project).toMatchObject({ name: 'e2e-demo', role: 'owner' });
      projectId = project.id;

      const added = await run(
        gpuaasBin,
        ['iam', 'members', 'add', 'bob@example.com', '--project', 'e2e-demo', '--role', 'member'],
        asUser(),
      );
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/^email\s+bob@example\.com$/m);
      const listed = await run(gpuaasBin, ['iam', 'members', 'list', '--project', projectId], asUser());
      expect(listed.stdout.split('\n')[0]).toMatch(/^USER_ID\s+EMAIL\s+ROLE\s+CREATED_AT$/);
      expect(listed.stdout).toMatch(/bob@example\.com\s+member/);
      expect(listed.stdout).toMatch(/alice@example\.com\s+owner/);
    });

    it('creates a service account and uses it from the CLI via GPUAAS_CLIENT_ID/SECRET', async () => {
      const created = await run(
        gpuaasBin,
        [
          'service-accounts',
          'create',
          'ci',
          '--project',
          'e2e-demo',
          '--scope',
          'projects:read',
          'audit:read',
          '--json',
        ],
        asUser(),
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toMatch(/shown only this once/);
      const sa = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
      const ciEnv = {
        ...baseEnv(),
        XDG_CONFIG_HOME: ciHome,
        GPUAAS_CLIENT_ID: sa.client_id,
        GPUAAS_CLIENT_SECRET: sa.client_secret,
        // The issuer grants a client_credentials token only the scopes it asks for.
        GPUAAS_SCOPE: 'projects:read audit:read',
      };
      const listed = await run(gpuaasBin, ['projects', 'list', '--json'], ciEnv);
      expect(listed.code, listed.stderr).toBe(0);
      expect((JSON.parse(listed.stdout) as { items: { id: string }[] }).items.map((p) => p.id)).toEqual([
        projectId,
      ]);
      const status = await run(gpuaasBin, ['auth', 'status', '--json'], ciEnv);
      expect(JSON.parse(status.stdout)).toMatchObject({ source: 'client_credentials' });
      // A scope it lacks is refused with the platform's code and exit 1.
      const refused = await run(
        gpuaasBin,
        ['iam', 'members', 'add', 'eve@example.com', '--project', projectId, '--role', 'viewer'],
        ciEnv,
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error\[INSUFFICIENT_SCOPE\]: .*\(correlation_id [A-Za-z0-9._-]+\)$/m);
    });

    it('exports the audit log as JSON Lines and CSV', async () => {
      const jsonl = await run(
        gpuaasBin,
        ['audit', 'export', '--format', 'jsonl', '--project', projectId],
        asUser(),
      );
      expect(jsonl.code, jsonl.stderr).toBe(0);
      const events = jsonl.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { action: string; project_id: string });
      expect(events.map((e) => e.action)).toEqual(
        expect.arrayContaining(['project.create', 'member.add', 'service_account.create']),
      );
      expect(events.every((e) => e.project_id === projectId)).toBe(true);

      const out = join(home, 'audit.csv');
      const csv = await run(
        gpuaasBin,
        ['audit', 'export', '--format', 'csv', '--project', projectId, '--file', out],
        asUser(),
      );
      expect(csv.code, csv.stderr).toBe(0);
      const lines = (await readFile(out, 'utf8')).trim().split('\n');
      expect(lines[0]).toMatch(/action/);
      expect(lines).toHaveLength(events.length + 1);
    });

    it('updates a project, changes and removes a member, rotates and revokes a service account, lists audit', async () => {
      const updated = await run(
        gpuaasBin,
        ['projects', 'update', 'e2e-demo', '--description', 'end to end', '--json'],
        asUser(),
      );
      expect(updated.code, updated.stderr).toBe(0);
      expect(JSON.parse(updated.stdout)).toMatchObject({ id: projectId, description: 'end to end' });
      const got = await run(gpuaasBin, ['projects', 'get', projectId], asUser());
      expect(got.stdout).toMatch(/^description\s+end to end$/m);

      const role = await run(
        gpuaasBin,
        [
          'iam',
          'members',
          'set-role',
          'bob@example.com',
          '--project',
          projectId,
          '--role',
          'viewer',
          '--json',
        ],
        asUser(),
      );
      expect(role.code, role.stderr).toBe(0);
      expect(JSON.parse(role.stdout)).toMatchObject({ email: 'bob@example.com', role: 'viewer' });
      const removed = await run(
        gpuaasBin,
        ['iam', 'members', 'remove', 'bob@example.com', '--project', projectId],
        asUser(),
      );
      expect(removed.code, removed.stderr).toBe(0);
      const members = await run(
        gpuaasBin,
        ['iam', 'members', 'list', '--project', projectId, '--json'],
        asUser(),
      );
      expect(
        (JSON.parse(members.stdout) as { items: { email: string }[] }).items.map((m) => m.email),
      ).toEqual(['alice@example.com']);

      const rotated = await run(
        gpuaasBin,
        ['service-accounts', 'rotate', 'ci', '--project', projectId, '--json'],
        asUser(),
      );
      expect(rotated.code, rotated.stderr).toBe(0);
      const sa = JSON.parse(rotated.stdout) as { client_id: string; client_secret: string };
      const ciEnv = {
        ...baseEnv(),
        XDG_CONFIG_HOME: ciHome,
        GPUAAS_CLIENT_ID: sa.client_id,
        GPUAAS_CLIENT_SECRET: sa.client_secret,
        GPUAAS_SCOPE: 'projects:read',
      };
      expect((await run(gpuaasBin, ['projects', 'list'], ciEnv)).code).toBe(0);
      const revoked = await run(
        gpuaasBin,
        ['service-accounts', 'revoke', sa.client_id, '--project', projectId],
        asUser(),
      );
      expect(revoked.code, revoked.stderr).toBe(0);
      const listed = await run(
        gpuaasBin,
        ['service-accounts', 'list', '--project', projectId, '--json'],
        asUser(),
      );
      expect(
        (JSON.parse(listed.stdout) as { items: { revoked_at: string | null }[] }).items[0]?.revoked_at,
      ).toEqual(expect.any(String));
      const refused = await run(gpuaasBin, ['projects', 'list'], ciEnv);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/^error\[AUTH_FAILED\]: .*invalid_client/);

      const audit = await run(
        gpuaasBin,
        ['audit', 'list', '--project', projectId, '--action', 'service_account.revoke', '--json'],
        asUser(),
      );
      expect(audit.code, audit.stderr).toBe(0);
      expect(
        (JSON.parse(audit.stdout) as { items: { action: string }[] }).items.map((e) => e.action),
      ).toEqual(['service_account.revoke']);
    });

    it('works with a bootstrap GPUAAS_TOKEN, and reports refusals with code, correlation id and exit status', async () => {
      const minted = await platform(['token', '--user', 'ops@example.com', '--operator', '--json']);
      expect(minted.code, minted.stderr).toBe(0);
      bootstrapToken = (JSON.parse(minted.stdout) as { access_token: string }).access_token;
      const env = { ...baseEnv(), XDG_CONFIG_HOME: ciHome, GPUAAS_TOKEN: bootstrapToken };
      const listed = await run(gpuaasBin, ['projects', 'list'], env);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/e2e-demo/);

      const missing = await run(gpuaasBin, ['projects', 'get', '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e55'], env);
      expect(missing.code).toBe(4);
      expect(missing.stderr).toMatch(/^error\[NOT_FOUND\]: .*\(correlation_id [A-Za-z0-9._-]+\)\n$/);
      const bad = await run(gpuaasBin, ['projects', 'create', 'Not A Name', '--json'], env);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'VALIDATION_FAILED', status: 400 } });
      const unauth = await run(gpuaasBin, ['projects', 'list'], { ...env, GPUAAS_TOKEN: 'not-a-jwt' });
      expect(unauth.code).toBe(3);
      expect(unauth.stderr).toMatch(/^error\[TOKEN_INVALID\]/);
    });

    it('logs out: the cached session is deleted', async () => {
      const out = await run(gpuaasBin, ['auth', 'logout', '--json'], asUser());
      expect(out.code, out.stderr).toBe(0);
      expect(JSON.parse(out.stdout)).toMatchObject({ logged_out: true, revoked: true });
      await expect(stat(join(home, 'gpuaas', 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });
      const after = await run(gpuaasBin, ['projects', 'list'], asUser());
      expect(after.code).toBe(3);
    });
  },
);
