/**
 * `gpuaas node-credentials create|list|rotate|revoke` as a child process (the built bin) against
 * a real platform: an issued secret registers its node (and pins the node's runtime certificate),
 * a rotation with no overlap retires the old secret at once, a revocation refuses the new one,
 * and a user who is not an operator is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

interface Issued {
  id: string;
  node_name: string;
  secret: string;
  replaces: string | null;
  expires_at: string | null;
}

describe('gpuaas node-credentials against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let operator: string;

  const gpuaas = (args: string[], token = operator): Promise<RunResult> =>
    run(gpuaasBin, ['node-credentials', ...args], {
      PATH: process.env.PATH,
      GPUAAS_API_URL: t.url,
      GPUAAS_TOKEN: token,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });
  const json = <T>(r: RunResult): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  /** A node agent's registration with `secret` as its bearer token: the HTTP status. */
  const register = async (secret: string, fingerprint?: string) =>
    (
      await t.request('/v1/nodes', {
        method: 'POST',
        token: secret,
        json: {
          name: 'edge-1',
          agent_version: 'test',
          inventory: { gpus: [] },
          ...(fingerprint === undefined ? {} : { runtime_certificate_sha256: fingerprint }),
        },
      })
    ).status;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-node-credentials-'));
    t = await startTestPlatform('sqlite', { localNode: false, log: { level: 'warn' } });
    operator = (await t.login('root@example.com', { operator: true })).token;
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, lists, rotates and revokes, and the secrets work exactly as long as they should', async () => {
    const created = await gpuaas(['create', '--node', 'edge-1', '--output', 'json']);
    const first = json<Issued>(created);
    expect(first).toMatchObject({ node_name: 'edge-1', replaces: null });
    expect(first.secret).toMatch(/^gpn_/);
    expect(created.stderr).toContain('shown only this once');

    // The secret registers its node, which pins its runtime certificate (issue 19).
    const pin = 'ab'.repeat(32);
    expect(await register(first.secret, pin)).toBe(200);
    const nodes = (await (await t.request('/v1/nodes', { token: operator })).json()) as {
      items: { name: string; runtime_certificate_sha256: string | null }[];
    };
    expect(nodes.items.find((n) => n.name === 'edge-1')?.runtime_certificate_sha256).toBe(pin);

    const table = await gpuaas(['list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NODE_NAME\s+STATE/);
    expect(table.stdout).toMatch(new RegExp(`${first.id}\\s+edge-1\\s+valid`));
    expect(table.stdout).not.toContain(first.secret);
    expect(json<{ items: unknown[] }>(await gpuaas(['list', '--node', 'other', '--json'])).items).toEqual([]);

    const second = json<Issued>(await gpuaas(['rotate', first.id, '--overlap', '0', '--output', 'json']));
    expect(second).toMatchObject({ node_name: 'edge-1', replaces: first.id });
    expect(second.secret).not.toBe(first.secret);
    expect(await register(first.secret)).toBe(401);
    expect(await register(second.secret)).toBe(200);
    const listed = json<{ items: { id: string; expires_at: string | null }[] }>(
      await gpuaas(['list', '--node', 'edge-1', '--output', 'json']),
    );
    expect(listed.items.map((c) => c.id)).toEqual([first.id, second.id]);
    expect(listed.items[0]!.expires_at).not.toBeNull();

    const revoked = await gpuaas(['revoke', second.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout.trim()).toBe(`revoked node credential ${second.id}`);
    expect(await register(second.secret)).toBe(401);
    expect((await gpuaas(['list'])).stdout).toMatch(new RegExp(`${second.id}\\s+edge-1\\s+revoked`));
  }, 60_000);

  it('refuses a bad overlap before asking, and a user who is not an operator', async () => {
    const bad = await gpuaas(['rotate', '00000000-0000-4000-8000-000000000000', '--overlap', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--overlap');

    const user = (await t.login('user@example.com')).token;
    const refused = await gpuaas(['create', '--node', 'edge-2'], user);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FORBIDDEN');
  }, 60_000);
});
