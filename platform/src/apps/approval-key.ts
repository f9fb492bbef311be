/**
 * The platform's approval key: the ECDSA P-256 key that signs every approval attestation when an
 * operator approves an app version. It is created on first use at `<data-dir>/keys/approval.key`
 * (0600, with `approval.pub` beside it) and published at `GET /v1/apps/trust`, so anyone can
 * verify an approval outside the platform. Instances sharing a data folder share the key.
 */
import { join } from 'node:path';
import { SdkError } from '@gpuaas/sdk/common';
import { loadSigningKey, writeKeyPair } from '@gpuaas/sdk/keys';
import type { SigningKey } from '@gpuaas/sdk/keys';

export interface ApprovalKey {
  signingKey: SigningKey;
  /** Hex SHA-256 of the SPKI DER (the SDK's key id). */
  keyId: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/** Where the approval key lives under the data folder. */
export function approvalKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'approval.key');
}

/** Loads the approval key, creating it on first use. */
export async function loadApprovalKey(dataDir: string): Promise<ApprovalKey> {
  const signingKey = await loadOrCreateSigningKey(approvalKeyPath(dataDir));
  return { signingKey, keyId: signingKey.keyId, publicKeyPem: signingKey.publicKey.pem };
}

/**
 * The ECDSA P-256 key at `path` (`….key`, with `….pub` beside it), created 0600 on first use.
 * Two processes starting at once on one data folder both end up with the one key that won the
 * exclusive create.
 */
export async function loadOrCreateSigningKey(path: string): Promise<SigningKey> {
  try {
    return await loadSigningKey(path, { label: path });
  } catch (error) {
    if (!(error instanceof SdkError) || error.code !== 'NOT_FOUND') throw error;
    try {
      await writeKeyPair(path.slice(0, -'.key'.length));
    } catch (written) {
      if (!(written instanceof SdkError) || written.code !== 'ALREADY_EXISTS') throw written;
    }
    return loadWritten(path);
  }
}

/**
 * The key another instance is writing may be empty for a moment (its create is exclusive, its
 * content follows): retry briefly before calling it broken.
 */
async function loadWritten(path: string): Promise<SigningKey> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await loadSigningKey(path, { label: path });
    } catch (error) {
      if (attempt >= 20 || !(error instanceof SdkError) || error.code !== 'KEY_INVALID') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
