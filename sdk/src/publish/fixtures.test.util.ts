/**
 * Key pairs for the publishing tests of the library (app folders and tampering come from
 * @gpuaas/test-support; running the gpuaas-app CLI is the CLI package's own test helper).
 */
import {
  loadPublicKey,
  loadSigningKey,
  writeKeyPair,
  type PublicKey,
  type SigningKey,
} from '../sign/keys.js';

export interface TestKeys {
  keyPath: string;
  pubPath: string;
  key: SigningKey;
  pub: PublicKey;
}

/** An unencrypted P-256 pair at `prefix`.key / `prefix`.pub. */
export async function makeKeys(prefix: string): Promise<TestKeys> {
  const written = await writeKeyPair(prefix);
  return {
    keyPath: written.privateKeyPath,
    pubPath: written.publicKeyPath,
    key: await loadSigningKey(written.privateKeyPath),
    pub: await loadPublicKey(written.publicKeyPath),
  };
}
