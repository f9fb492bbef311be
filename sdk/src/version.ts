import pkg from '../package.json' with { type: 'json' };

/** Version of @gpuaas/sdk, as published. */
export const SDK_VERSION: string = pkg.version;
