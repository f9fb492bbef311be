import type { Anchor } from './positions.js';
import type { ManifestIssueCode } from './types.js';

/**
 * A finding before it has a source position. Checks produce these from values alone, so the
 * position map is only built when there is something to report.
 */
export interface RawIssue {
  pointer: string;
  /** Which part of the pointed-at pair the caret goes under. */
  anchor: Anchor;
  code: ManifestIssueCode;
  message: string;
  hint?: string | undefined;
  severity: 'error' | 'warning';
  /** Explicit source offsets (syntax errors), used instead of the pointer. */
  offsets?: [number, number];
}
