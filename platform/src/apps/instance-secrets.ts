/**
 * App instance secrets at rest: the values of manifest parameters marked `secret: true` are kept
 * only sealed (AES-256-GCM, the instance id as associated data so a sealed value cannot be moved
 * to another instance) under a 256-bit key created on first use at
 * `<data-dir>/keys/instance-secrets.key` (0600). A pending launch and an upgrade need them again,
 * so they are sealed rather than dropped; they are cleared when the instance ends. Instances
 * sharing a data folder share the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The key that seals instance secrets (never logged, never leaves the process). */
export interface InstanceSecretsKey {
  readonly key: Buffer;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Format marker of a sealed value, so a future key rotation can tell the versions apart. */
const PREFIX = 'v1:';

export function instanceSecretsKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'instance-secrets.key');
}

/**
 * Loads the key, creating it on first use (hex text, 0600). Two instances starting at once on
 * one data folder both end up with the one key that won the exclusive create.
 */
export async function loadInstanceSecretsKey(dataDir: string): Promise<InstanceSecretsKey> {
  const path = instanceSecretsKeyPath(dataDir);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Another instance's exclusive create may not have its content yet: retry briefly.
  for (let attempt = 0; ; attempt++) {
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
    if (key.length === KEY_BYTES) return { key };
    if (attempt >= 20) throw new Error(`${path} is not a ${KEY_BYTES}-byte hex key`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Seals `secrets` for instance `instanceId`: `v1:` + base64(iv ‖ tag ‖ ciphertext). */
export function sealSecrets(
  k: InstanceSecretsKey,
  instanceId: string,
  secrets: Readonly<Record<string, string>>,
): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  cipher.setAAD(Buffer.from(instanceId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens what sealSecrets sealed for the same instance; throws on any tampering or a wrong key. */
export function openSecrets(
  k: InstanceSecretsKey,
  instanceId: string,
  sealed: string,
): Record<string, string> {
  if (!sealed.startsWith(PREFIX)) throw new Error('unknown sealed-secrets format');
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', k.key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(instanceId, 'utf8'));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(text.toString('utf8')) as Record<string, string>;
}
