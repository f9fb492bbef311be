import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalKeyPath, loadApprovalKey } from './approval-key.js';

describe('loadApprovalKey', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'approval-key-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates a P-256 key (0600) on first use and returns the same key afterwards', async () => {
    const first = await loadApprovalKey(dataDir);
    const file = approvalKeyPath(dataDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(first.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(first.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(await readFile(join(dataDir, 'keys', 'approval.pub'), 'utf8')).toBe(first.publicKeyPem);
    const again = await loadApprovalKey(dataDir);
    expect(again.keyId).toBe(first.keyId);
  });

  it('gives instances starting at once on one data folder the same key', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadApprovalKey(dataDir)));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
  });
});
