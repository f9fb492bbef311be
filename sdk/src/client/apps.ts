/**
 * The app an allocation hosts, for the CLI and library users alike: read the runtime's status of
 * it, and wait until it is ready or has ended.
 */
import type { components } from '@gpuaas/platform-contract';
import { SdkError } from '../errors.js';
import type { PlatformClient } from './client.js';

export type AppStatus = components['schemas']['AppStatus'];

/** The runtime's status document of the app `allocationId` hosts (docs/runtime.md). */
export async function readAppStatus(client: PlatformClient, allocationId: string): Promise<AppStatus> {
  const { data } = await client.api.GET('/v1/allocations/{allocation_id}/app', {
    params: { path: { allocation_id: allocationId } },
  });
  return data!;
}

export interface WaitForAppOptions {
  /** WAIT_TIMEOUT once this has passed without the app being ready or ended. */
  timeoutMs: number;
  /** Called with the first status and with each one whose state differs from the one before. */
  onChange?: (status: AppStatus) => void;
  pollMs?: number;
  /** The allocation, named in the errors' details. */
  allocationId?: string;
  /** What to do next, added to APP_ENDED's details as `hint` (the CLI names its commands). */
  hint?: string;
}

/**
 * Polls `read` until the app is `ready` or has ended; resolves with the ready status. An app that
 * ends `failed` or `stopped` is APP_ENDED (its allocation keeps running), carrying the runtime's
 * own code (e.g. HOOK_FAILED) unchanged as `runtime_code`; WAIT_TIMEOUT after `timeoutMs`.
 *
 * @example
 * const ready = await waitForApp(() => readAppStatus(client, allocation.id), { timeoutMs: 600_000 });
 */
export async function waitForApp(
  read: () => Promise<AppStatus>,
  options: WaitForAppOptions,
): Promise<AppStatus> {
  const deadline = Date.now() + options.timeoutMs;
  let last: string | undefined;
  for (;;) {
    const status = await read();
    if (status.state !== last) options.onChange?.(status);
    last = status.state;
    if (status.state === 'ready') return status;
    if (status.state === 'stopped' || status.state === 'failed') {
      const code = typeof status.code === 'string' ? status.code : undefined;
      throw new SdkError(
        'APP_ENDED',
        `the app is ${status.state}${code === undefined ? '' : ` (${code})`}: ${status.reason ?? 'no reason given'}; the allocation keeps running`,
        {
          details: {
            allocation_id: options.allocationId,
            state: status.state,
            runtime_code: code ?? null,
            reason: status.reason ?? null,
            status,
            ...(options.hint === undefined ? {} : { hint: options.hint }),
          },
        },
      );
    }
    if (Date.now() > deadline) {
      throw new SdkError('WAIT_TIMEOUT', `the app is still ${status.state} after the timeout`, {
        details: { allocation_id: options.allocationId, status },
      });
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}
