/**
 * Where the workflows' keys come from on the command line: a flag naming a file (or holding PEM),
 * else an environment variable, with the passphrase only ever from the environment.
 */
import { SdkError } from '../errors.js';
import { SIGNING_KEY_ENV, SIGNING_KEY_PASSWORD_ENV, loadSigningKey, type SigningKey } from '../sign/keys.js';

/** Environment variable holding the approval (attestation) key for promote: a path or the PEM. */
export const ATTEST_KEY_ENV = 'GPUAAS_ATTEST_KEY';
/** Environment variable holding the passphrase of an encrypted attestation key. */
export const ATTEST_KEY_PASSWORD_ENV = 'GPUAAS_ATTEST_KEY_PASSWORD';

/**
 * Loads a private key from `flag` (path, relative to `cwd`, or PEM) or else from `env[keyEnv]`;
 * the passphrase comes from `env[passwordEnv]`. USAGE when neither names a key.
 */
export async function resolveSigningKey(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  names: { keyEnv: string; passwordEnv: string; flag: string } = {
    keyEnv: SIGNING_KEY_ENV,
    passwordEnv: SIGNING_KEY_PASSWORD_ENV,
    flag: '--key',
  },
): Promise<SigningKey> {
  const fromEnv = env[names.keyEnv];
  const value = flag ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : undefined);
  if (value === undefined) {
    throw new SdkError('USAGE', `no signing key: pass ${names.flag} PREFIX.key or set ${names.keyEnv}`);
  }
  const passphrase = env[names.passwordEnv];
  return loadSigningKey(value, {
    baseDir: cwd,
    ...(passphrase === undefined || passphrase === '' ? {} : { passphrase }),
    ...(flag === undefined && value.trimStart().startsWith('-----BEGIN ') ? { label: names.keyEnv } : {}),
  });
}
