/**
 * `gpuaas-platform node-credentials` against a data folder: the secret alone on stdout (so
 * `> file` makes the agent's credential file), a rotation that keeps the old one until the end
 * of its overlap, a revocation, the list never showing a secret, every change audited; and
 * `gpuaas-platform node-agent` hands its arguments to the agent.
 */
import { PassThrough } from 'node:stream';
import { createTestStore } from '@gpuaas/test-support';
import { describe, expect, it } from 'vitest';
import { verifyNodeCredential } from '../auth/node-credentials.js';
import { createPlatform } from '../platform.js';
import { main } from './main.js';

async function run(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(['node', 'gpuaas-platform', ...args], { stdout, stderr, env: { VITEST: 'true' } });
  return { code, stdout: out, stderr: err };
}

describe('gpuaas-platform node-credentials', () => {
  it('issues, rotates, lists and revokes, auditing each change', async () => {
    const store = await createTestStore('sqlite');
    const at = ['--data-dir', store.dataDir];
    try {
      const issued = await run(['node-credentials', 'issue', '--node', 'gpu-7', ...at]);
      expect(issued.code, issued.stderr).toBe(0);
      const secret = issued.stdout.trim();
      expect(secret).toMatch(/^gpn_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);
      expect(issued.stderr).toMatch(/for node gpu-7: shown once/);
      const id = secret.slice(4, 40);

      const rotated = await run(['node-credentials', 'rotate', id, '--overlap', '600', '--json', ...at]);
      expect(rotated.code, rotated.stderr).toBe(0);
      const successor = JSON.parse(rotated.stdout) as { id: string; secret: string; replaces: string };
      expect(successor.replaces).toBe(id);

      const listed = await run(['node-credentials', 'list', '--node', 'gpu-7', ...at]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${id}  gpu-7  valid until `));
      expect(listed.stdout).toContain(`${successor.id}  gpu-7  valid\n`);
      expect(listed.stdout).not.toContain('gpn_');

      const revoked = await run(['node-credentials', 'revoke', id, ...at]);
      expect(revoked.code, revoked.stderr).toBe(0);
      const again = await run(['node-credentials', 'revoke', id, ...at]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/error\[NOT_FOUND\]: node credential .* not found or already revoked/);

      const platform = await createPlatform({
        dataDir: store.dataDir,
        log: { level: 'silent' },
        defaultMetrics: false,
        localNode: false,
        leases: { background: false },
      });
      try {
        await expect(verifyNodeCredential(platform.db, secret)).rejects.toMatchObject({
          code: 'TOKEN_INVALID',
        });
        await expect(verifyNodeCredential(platform.db, successor.secret)).resolves.toMatchObject({
          operator: true,
          scopes: ['nodes:agent'],
          node: { name: 'gpu-7', credentialId: successor.id },
        });
        const audit = await platform.db
          .selectFrom('audit_events')
          .select(['action', 'actor_type', 'target_id'])
          .where('target_type', '=', 'node_credential')
          .orderBy('occurred_at')
          .execute();
        expect(audit.map((a) => [a.action, a.actor_type, a.target_id])).toEqual([
          ['node_credential.create', 'system', id],
          ['node_credential.rotate', 'system', id],
          ['node_credential.revoke', 'system', id],
        ]);
      } finally {
        await platform.close();
      }
    } finally {
      await store.drop();
    }
  }, 60_000);

  it('refuses a bad node name and a bad overlap', async () => {
    const store = await createTestStore('sqlite');
    try {
      const bad = await run(['node-credentials', 'issue', '--node', '../x', '--data-dir', store.dataDir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/error\[VALIDATION_FAILED\]: node name "..\/x" is not valid/);
      const overlap = await run([
        'node-credentials',
        'rotate',
        'x',
        '--overlap',
        '-1',
        '--data-dir',
        store.dataDir,
      ]);
      expect(overlap.code).toBe(2);
      expect(overlap.stderr).toMatch(/--overlap.*whole number of seconds/);
    } finally {
      await store.drop();
    }
  });

  it('node-agent hands its arguments to the node agent, which names itself after this command', async () => {
    const help = await run(['node-agent', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: gpuaas-platform node-agent/);
    expect(help.stdout).toMatch(/--credential-file/);
    const missing = await run(['node-agent', '--gpus', 'simulated']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error\[CONFIG_INVALID\]: give the platform with --platform-url/);
  });
});
