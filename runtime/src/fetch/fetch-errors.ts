/** How fetch failures from the sdk and the file system become the runtime's error codes. */
import { SdkError } from '@gpuaas/sdk';
import { RuntimeError, isRuntimeError } from '../errors.js';

/** Maps sdk and file-system failures onto the runtime's codes. */
export function toRuntimeError(error: unknown, what: string): unknown {
  if (isRuntimeError(error)) return error;
  if (error instanceof SdkError) {
    const code =
      error.code === 'REFERENCE_INVALID'
        ? 'ARTIFACT_REFERENCE_INVALID'
        : error.code === 'NOT_FOUND'
          ? 'ARTIFACT_NOT_FOUND'
          : error.code === 'DIGEST_MISMATCH'
            ? 'ARTIFACT_TAMPERED'
            : error.code === 'IO_ERROR'
              ? 'ARTIFACT_CACHE_FAILED'
              : 'ARTIFACT_PULL_FAILED';
    return new RuntimeError(code, `${what}: ${error.message}`, {
      cause: error,
      details: { sdkCode: error.code, ...(error.details ?? {}) },
    });
  }
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
    return new RuntimeError('ARTIFACT_CACHE_FAILED', `${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return error;
}
