/**
 * Waiting for a catalog app instance: a launch without an allocation answers `pending` (its
 * allocation is starting), then `launching`, then — once running — the runtime's state
 * (`fetching`, `starting`, `ready`). This polls until the app is ready, and turns an instance
 * that ends first into APP_ENDED carrying its failure (the runtime's code unchanged).
 */
import { SdkError } from '../errors.js';
import { readAppInstance } from './app-catalog.js';
import type { AppInstance } from './app-catalog.js';
import type { PlatformClient } from './client.js';

export interface WaitForInstanceOptions {
  timeoutMs: number;
  /** Between reads (default 1 s). */
  intervalMs?: number;
  /** Each state change, as it is seen. */
  onChange?: (instance: AppInstance) => void;
}

/** States of a live instance whose app serves: the runtime's `ready` (`running` where it was not asked). */
const SERVING = new Set(['ready', 'running']);

/**
 * Polls instance `first` until its app is ready; APP_ENDED (with `failure`) when it fails or is
 * stopped first; WAIT_TIMEOUT after `timeoutMs`.
 *
 * @example
 * const ready = await waitForAppInstance(client, await launchAppInstance(client, input), { timeoutMs: 600_000 });
 */
export async function waitForAppInstance(
  client: PlatformClient,
  first: AppInstance,
  options: WaitForInstanceOptions,
): Promise<AppInstance> {
  const deadline = Date.now() + options.timeoutMs;
  let instance = first;
  let last = instance.state;
  for (;;) {
    if (SERVING.has(instance.state)) return instance;
    if (instance.state === 'failed' || instance.state === 'stopped') {
      const failure = instance.failure ?? null;
      throw new SdkError(
        'APP_ENDED',
        `app instance ${instance.id} is ${instance.state}${failure === null ? '' : `: ${failure.code}: ${failure.detail}`}`,
        {
          details: {
            instance_id: instance.id,
            allocation_id: instance.allocation_id,
            state: instance.state,
            failure,
            runtime_code: failure?.code ?? null,
          },
        },
      );
    }
    if (Date.now() > deadline) {
      throw new SdkError('WAIT_TIMEOUT', `app instance ${instance.id} is still ${instance.state}`, {
        details: { instance_id: instance.id, state: instance.state },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    instance = await readAppInstance(client, instance.id);
    if (instance.state !== last) options.onChange?.(instance);
    last = instance.state;
  }
}
