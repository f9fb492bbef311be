/**
 * `gpuaas ops operators list|add|remove` against a real platform (in-process CLI, like the other
 * CLI integration tests): the flag changes in the database, so the removed operator's token loses
 * operator rights at once, and the last operator cannot be removed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { main } from '@gpuaas/cli/gpuaas';
import type { CliIo } from '@gpuaas/cli/gpuaas';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('gpuaas ops operators against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let rootToken: string;
  let rootId: string;

  const run = async (args: string[], token = rootToken): Promise<Run> => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const io: CliIo = {
      stdout,
      stderr,
      stdin: new PassThrough(),
      env: {
        GPUAAS_API_URL: t.url,
        GPUAAS_TOKEN: token,
        GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
        CI: 'true',
        PATH: process.env.PATH,
      },
      cwd: dir,
    };
    const code = await main(['node', 'gpuaas', ...args], io);
    return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  };
  const json = <T>(r: Run): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-ops-operators-'));
    t = await startTestPlatform('sqlite', { localNode: false, log: { level: 'warn' } });
    const root = await t.login('root@example.com', { operator: true });
    rootToken = root.token;
    rootId = root.user.id;
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds by email, lists, and removes; the removed operator loses access with the token it holds', async () => {
    const added = json<{ id: string; email: string; operator: boolean }>(
      await run(['ops', 'operators', 'add', 'oncall@example.com', '--output', 'json']),
    );
    expect(added).toMatchObject({ email: 'oncall@example.com', operator: true });
    const oncall = (await t.login('oncall@example.com')).token;
    expect(
      json<{ items: unknown[] }>(await run(['ops', 'operators', 'list', '--json'], oncall)).items,
    ).toHaveLength(2);

    const table = await run(['ops', 'operators', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('oncall@example.com');
    expect(table.stdout).toContain('root@example.com');

    expect(json(await run(['ops', 'operators', 'remove', added.id, '--json']))).toEqual({
      user: added.id,
      operator: false,
    });
    const refused = await run(['ops', 'operators', 'list'], oncall);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('FORBIDDEN');
    expect((await t.request('/v1/nodes', { token: oncall })).status).toBe(403);
  });

  it('refuses to remove the last operator', async () => {
    const last = await run(['ops', 'operators', 'remove', rootId]);
    expect(last.code).not.toBe(0);
    expect(last.stderr).toContain('LAST_OPERATOR');
    expect(
      json<{ items: { id: string }[] }>(await run(['ops', 'operators', 'list', '--json'])).items,
    ).toEqual([expect.objectContaining({ id: rootId })]);
  });
});
