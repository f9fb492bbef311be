/**
 * ETags and If-Match for optimistic concurrency: every updatable row has a `version` that each
 * update increments; the ETag is derived from it, and an update must present the current one.
 */
import { PlatformError } from '../errors.js';

/** The strong ETag of a resource version. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * Checks an If-Match header against the current version: 428 PRECONDITION_REQUIRED when it is
 * missing, 412 PRECONDITION_FAILED when no listed tag matches. Weak tags never match (RFC 9110
 * §13.1.1 requires the strong comparison for If-Match).
 */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === '') {
    throw new PlatformError('PRECONDITION_REQUIRED', 'send If-Match with the ETag from your last read');
  }
  const current = etagOf(version);
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(current)) return;
  throw new PlatformError('PRECONDITION_FAILED', `the resource changed: its ETag is now ${current}`);
}
