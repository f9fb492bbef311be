/**
 * `gpuaas apps …`, `gpuaas ops apps …` and `gpuaas-app publish --register` as child processes (the
 * built bins) against a real platform with its own registry: publisher keys, registration verified
 * and rejected, versions named by id or REF@DIGEST, the review actions and their refusals, and the
 * exit statuses of the one table. (test/app-registry.e2e.test.ts runs the whole supply chain with
 * `serve`, launches included; this file is about what the commands themselves promise.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeApp } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { gpuaasAppBin, gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

interface AppVersion {
  id: string;
  state: string;
  digest: string;
  reference: string;
  project_id: string;
  signer_key_id: string | null;
  errors: { code: string; message: string }[] | null;
  release_reference: string | null;
  approval: { scope: string; scope_id: string | null } | null;
}

describe('gpuaas apps and gpuaas ops apps against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let host: string;
  let operatorToken: string;
  let ownerToken: string;
  let outsiderToken: string;
  let projectId: string;
  let verified: AppVersion;

  const env = (token: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    GPUAAS_API_URL: t.url,
    GPUAAS_TOKEN: token,
    GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
    CI: 'true',
  });
  const gpuaas = (args: string[], token = ownerToken): Promise<RunResult> => run(gpuaasBin, args, env(token));
  const gpuaasApp = (args: string[], token = ownerToken): Promise<RunResult> =>
    // gpuaas-app also reads the platform URL from GPUAAS_URL.
    run(gpuaasAppBin, args, { ...env(token), GPUAAS_API_URL: '', GPUAAS_URL: t.url });
  const json = <T>(r: RunResult): T => {
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  /** Publishes examples/echo-llm (made unique by `name`) to `ref`, signed with `key`, and registers it. */
  const publish = async (name: string, ref: string, key: string, extra: string[] = []) => {
    const app = await makeApp(join(dir, 'apps', name), { 'unique.txt': name });
    return gpuaasApp([
      'publish',
      app,
      '--to',
      ref,
      '--key',
      join(dir, key),
      '--register',
      '--json',
      ...extra,
    ]);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-apps-cli-'));
    t = await startTestPlatform('sqlite', { log: { level: 'warn' } });
    host = new URL(t.url).host;
    operatorToken = (await t.login('apps-ops@example.com', { operator: true })).token;
    ownerToken = (await t.login('dev@acme.example')).token;
    outsiderToken = (await t.login('someone@else.example')).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: ownerToken,
      json: { name: 'acme' },
    });
    projectId = ((await created.json()) as { id: string }).id;
    for (const name of ['acme', 'rogue', 'spare']) {
      const keygen = await gpuaasApp(['keygen', '--out', join(dir, name), '--no-gitignore']);
      expect(keygen.code, keygen.stderr).toBe(0);
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('registers, lists and retires publisher keys; a private key never leaves the machine', async () => {
    const added = json<{ id: string; key_id: string; kind: string }>(
      await gpuaas([
        'apps',
        'keys',
        'add',
        join(dir, 'acme.pub'),
        '--name',
        'ci',
        '--project',
        'acme',
        '--json',
      ]),
    );
    expect(added).toMatchObject({ kind: 'key', key_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = json<{ id: string }>(
      await gpuaas(['apps', 'keys', 'add', join(dir, 'acme.pub'), '--project', projectId, '--json']),
    );
    expect(again.id).toBe(added.id);

    const secret = await gpuaas(['apps', 'keys', 'add', join(dir, 'acme.key'), '--project', 'acme']);
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('holds a private key');

    const spare = json<{ key_id: string }>(
      await gpuaas(['apps', 'keys', 'add', join(dir, 'spare.pub'), '--project', 'acme', '--output', 'json']),
    );
    const retired = json<{ retired_at: string | null }>(
      await gpuaas(['apps', 'keys', 'retire', spare.key_id, '--project', 'acme', '--json']),
    );
    expect(retired.retired_at).not.toBeNull();
    const table = await gpuaas(['apps', 'keys', 'list', '--project', 'acme']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^KEY_ID\s+NAME\s+KIND/);
    expect(table.stdout).toContain(added.key_id);
    const { items } = json<{ items: { key_id: string; retired_at: string | null }[] }>(
      await gpuaas(['apps', 'keys', 'list', '--project', 'acme', '--json']),
    );
    expect(items.map((k) => [k.key_id, k.retired_at === null]).sort()).toEqual(
      [
        [added.key_id, true],
        [spare.key_id, false],
      ].sort(),
    );

    const invalid = await gpuaas([
      'apps',
      'keys',
      'add',
      join(dir, 'apps-cli-not-a-key.pub'),
      '--project',
      'acme',
    ]);
    expect(invalid.code).toBe(2); // no such file: IO_ERROR
    const foreign = await gpuaas(['apps', 'keys', 'list', '--project', projectId], outsiderToken);
    expect([1, 4]).toContain(foreign.code);
  });

  it('publishes into the platform registry with the platform token and registers a verified version', async () => {
    // No --project and no registry credential: the namespace names the project, the token is the password.
    const result = await publish('echo-1', `${host}/acme/echo:0.1.0`, 'acme.key');
    const published = json<{ reference: string; digest: string; version: AppVersion }>(result);
    expect(published.reference).toBe(`${host}/acme/echo:0.1.0@${published.digest}`);
    expect(published.version).toMatchObject({
      state: 'verified',
      digest: published.digest,
      project_id: projectId,
      signer_key_id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    verified = published.version;

    // Registering the same digest again answers the same version.
    const again = json<AppVersion>(
      await gpuaas(['apps', 'register', `${host}/acme/echo:0.1.0`, '--project', 'acme', '--json']),
    );
    expect(again.id).toBe(verified.id);
  }, 120_000);

  it('exits 1 with the reasons when the platform rejects the registration', async () => {
    const result = await publish('rogue-1', `${host}/acme/rogue:0.1.0`, 'rogue.key', ['--project', 'acme']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('APP_SIGNER_UNKNOWN');
    const { version } = JSON.parse(result.stdout) as { version: AppVersion };
    expect(version.state).toBe('rejected');
    expect(version.errors?.map((e) => e.code)).toContain('APP_SIGNER_UNKNOWN');

    const { items } = json<{ items: AppVersion[] }>(
      await gpuaas(['apps', 'versions', 'list', '--state', 'rejected', '--project', 'acme', '--json']),
    );
    expect(items.map((v) => v.id)).toEqual([version.id]);
    const table = await gpuaas(['apps', 'versions', 'list', '--project', 'acme']);
    expect(table.stdout).toMatch(/^ID\s+APP\s+VERSION\s+STATE/);
    expect(table.stdout).toContain('rejected');
  }, 120_000);

  it('reports a registration the platform refuses with its code, not as an internal error', async () => {
    const other = await t.request('/v1/projects', {
      method: 'POST',
      token: outsiderToken,
      json: { name: 'other' },
    });
    const otherId = ((await other.json()) as { id: string }).id;
    const refused = await publish('echo-foreign', `${host}/acme/echo:0.0.1`, 'acme.key', [
      '--project',
      otherId,
    ]);
    expect([1, 4]).toContain(refused.code);
    expect(refused.stderr).toMatch(/error\[(FORBIDDEN|NOT_FOUND)\]/);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { code: expect.stringMatching(/FORBIDDEN|NOT_FOUND/) },
    });
    const usage = await gpuaasApp([
      'publish',
      join(dir, 'apps', 'echo-foreign'),
      '--to',
      `${host}/acme/echo:0.0.1`,
      '--project',
      'acme',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--project and --api-url go with --register');
  }, 120_000);

  it('shows a version by id or by REF@DIGEST, and answers NOT_FOUND (exit 4) for an unknown digest', async () => {
    const ref = `${host}/acme/echo@${verified.digest}`;
    const byRef = json<AppVersion & { manifest: { name: string } }>(
      await gpuaas(['apps', 'versions', 'show', ref, '--project', 'acme', '--json']),
    );
    expect(byRef).toMatchObject({ id: verified.id, manifest: { name: 'echo-llm' } });
    const table = await gpuaas(['apps', 'versions', 'show', verified.id]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/gpu\s+minimum 1× ≥8 GiB/);

    const unknown = await gpuaas(
      ['ops', 'apps', 'show', `${host}/acme/echo@sha256:${'0'.repeat(64)}`],
      operatorToken,
    );
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('error[NOT_FOUND]');
    const byTag = await gpuaas(['ops', 'apps', 'show', `${host}/acme/echo:0.1.0`], operatorToken);
    expect(byTag.code).toBe(2); // a tag can move: refused before any request
    expect(byTag.stderr).toContain('names no digest');
  });

  it('lists pending versions for operators only, and approves one only with --yes', async () => {
    const pending = json<{ items: AppVersion[] }>(
      await gpuaas(['ops', 'apps', 'pending', '--output', 'json'], operatorToken),
    );
    expect(pending.items.map((v) => v.digest)).toContain(verified.digest);
    expect(pending.items.every((v) => v.state === 'verified')).toBe(true);
    const tenant = await gpuaas(['ops', 'apps', 'pending', '--output', 'json']);
    expect(tenant.code).toBe(1);
    expect(JSON.parse(tenant.stdout)).toMatchObject({ error: { code: 'FORBIDDEN' } });

    const ref = `${host}/acme/echo@${verified.digest}`;
    const unconfirmed = await gpuaas(['ops', 'apps', 'approve', ref], operatorToken);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    const byTenant = await gpuaas(['ops', 'apps', 'approve', ref, '--yes']);
    expect(byTenant.code).toBe(1);

    const approved = json<AppVersion>(
      await gpuaas(
        ['ops', 'apps', 'approve', ref, '--scope', 'project', '--scope-id', 'acme', '--yes', '--json'],
        operatorToken,
      ),
    );
    expect(approved).toMatchObject({
      id: verified.id,
      state: 'approved',
      approval: { scope: 'project', scope_id: projectId },
    });
    expect(approved.release_reference).toContain(`${host}/release/acme/echo`);

    const twice = await gpuaas(['ops', 'apps', 'approve', verified.id, '--yes', '--json'], operatorToken);
    expect(twice.code).toBe(1);
    expect(JSON.parse(twice.stdout)).toMatchObject({ error: { code: 'APP_VERSION_STATE_CONFLICT' } });
  }, 120_000);

  it('rejects with a reason, publishes, deprecates and revokes (revoke only with --yes)', async () => {
    const second = json<{ version: AppVersion }>(
      await publish('echo-2', `${host}/acme/echo:0.2.0`, 'acme.key'),
    ).version;
    const rejected = json<AppVersion & { reason: string }>(
      await gpuaas(['ops', 'apps', 'reject', second.id, '--reason', 'not yet', '--json'], operatorToken),
    );
    expect(rejected).toMatchObject({ state: 'rejected', reason: 'not yet' });

    // The approved first version is untouched by the second's review.
    const ref = `${host}/acme/echo@${verified.digest}`;
    const published = json<AppVersion>(
      await gpuaas(['ops', 'apps', 'publish', ref, '--json'], operatorToken),
    );
    expect(published.state).toBe('published');
    const deprecated = json<AppVersion>(
      await gpuaas(['ops', 'apps', 'deprecate', ref, '--reason', 'use 0.2', '--json'], operatorToken),
    );
    expect(deprecated.state).toBe('deprecated');

    const unconfirmed = await gpuaas(['ops', 'apps', 'revoke', ref, '--reason', 'leaked'], operatorToken);
    expect(unconfirmed.code).toBe(2);
    const revoked = json<AppVersion & { revoked_at: string | null }>(
      await gpuaas(['ops', 'apps', 'revoke', ref, '--reason', 'leaked', '--yes', '--json'], operatorToken),
    );
    expect(revoked).toMatchObject({ state: 'revoked', revoked_at: expect.any(String) });
    // The publisher sees what happened to their versions.
    const mine = json<{ items: AppVersion[] }>(
      await gpuaas(['apps', 'versions', 'list', '--project', 'acme', '--json']),
    );
    expect(Object.fromEntries(mine.items.map((v) => [v.id, v.state]))).toMatchObject({
      [verified.id]: 'revoked',
      [second.id]: 'rejected',
    });
  }, 120_000);

  it('prints the platform approval key', async () => {
    const trust = json<{ approval_key: { key_id: string; public_key: string }; predicate_type: string }>(
      await gpuaas(['apps', 'trust', '--json']),
    );
    expect(trust.approval_key.key_id).toMatch(/^[0-9a-f]{64}$/);
    expect(trust.predicate_type).toBe('https://gpuaas.dev/attestations/approval/v1');
    const approvalKey = await readFile(join(t.store.dataDir, 'keys', 'approval.key'), 'utf8').catch(() => '');
    expect(approvalKey).toContain('PRIVATE KEY');
  });
});
