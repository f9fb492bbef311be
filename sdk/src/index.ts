export { SdkError, SDK_ERROR_CODES, isSdkError, exitCodeFor } from './errors.js';
export type { SdkErrorCode, SdkErrorOptions } from './errors.js';
export { SDK_VERSION } from './version.js';
