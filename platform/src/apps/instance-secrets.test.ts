import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  instanceSecretsKeyPath,
  loadInstanceSecretsKey,
  openSecrets,
  sealSecrets,
} from './instance-secrets.js';

describe('instance secrets', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'instance-secrets-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates one 256-bit key (0600) on first use, shared by instances starting at once', async () => {
    const keys = await Promise.all([1, 2, 3, 4].map(() => loadInstanceSecretsKey(dataDir)));
    expect(new Set(keys.map((k) => k.key.toString('hex'))).size).toBe(1);
    expect(keys[0]!.key.length).toBe(32);
    const file = instanceSecretsKeyPath(dataDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await loadInstanceSecretsKey(dataDir)).key.equals(keys[0]!.key)).toBe(true);
    expect((await readFile(file, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('seals without the value in clear, opens only for the same instance and key, and detects tampering', async () => {
    const key = await loadInstanceSecretsKey(dataDir);
    const sealed = sealSecrets(key, 'instance-1', { token: 'hunter2-hunter2' });
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('hunter2');
    expect(Buffer.from(sealed.slice(3), 'base64').toString('latin1')).not.toContain('hunter2');
    // A fresh IV each time: the same secrets never seal to the same text.
    expect(sealSecrets(key, 'instance-1', { token: 'hunter2-hunter2' })).not.toBe(sealed);
    expect(openSecrets(key, 'instance-1', sealed)).toEqual({ token: 'hunter2-hunter2' });
    expect(() => openSecrets(key, 'instance-2', sealed)).toThrow();
    const otherDir = await mkdtemp(join(tmpdir(), 'instance-secrets-other-'));
    const other = await loadInstanceSecretsKey(otherDir);
    await rm(otherDir, { recursive: true, force: true });
    expect(() => openSecrets(other, 'instance-1', sealed)).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => openSecrets(key, 'instance-1', `v1:${raw.toString('base64')}`)).toThrow();
  });
});
