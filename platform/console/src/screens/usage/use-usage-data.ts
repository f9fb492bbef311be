/**
 * What the usage screen reads from the public API for a project: every charge (the API lists them
 * oldest first, without a time filter, so all pages are read), the allocations (names, GPU counts),
 * the app instances (which app ran where) and the balance. Re-read on billing events and every
 * 30 s, since GPU-time charges arrive without an event of their own.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import type { PlatformClient } from '../../api/client.js';
import { useAsync, useInterval } from '../../api/use-async.js';
import type { AsyncState } from '../../api/use-async.js';
import { useEvents } from '../../api/use-events.js';
import type { StreamStatus } from '../../api/use-events.js';
import { useConsole } from '../../context.js';
import { recordsFromCharges } from './aggregate.js';
import type { Allocation, AppInstance, UsageRecord } from './aggregate.js';
import type { Balance } from './balance-card.js';

export interface UsageData {
  records: UsageRecord[];
  allocations: Map<string, Allocation>;
  /** Undefined when the app instances could not be read (the per-app view says so). */
  instances: AppInstance[] | undefined;
  balance: Balance;
  /** When it was read (epoch ms): "now" for the buckets and the projection. */
  now: number;
}

export const BILLING_EVENTS = ['billing.balance_changed', 'billing.funds_exhausted', 'billing.budget_alert'];
const PAGE = 100;

async function load(client: PlatformClient, projectId: string, signal: AbortSignal): Promise<UsageData> {
  const [charges, allocations, instances, balance] = await Promise.all([
    collectAll((cursor) =>
      client.api.GET('/v1/billing/charges', {
        params: {
          query: { project_id: projectId, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) },
        },
        signal,
      }),
    ),
    collectAll((cursor) =>
      client.api.GET('/v1/allocations', {
        params: {
          query: { project_id: projectId, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) },
        },
        signal,
      }),
    ),
    collectAll((cursor) =>
      client.api.GET('/v1/apps/instances', {
        params: {
          query: { project_id: projectId, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) },
        },
        signal,
      }),
    ).catch(() => undefined),
    client.api
      .GET('/v1/billing/balance', { params: { query: { project_id: projectId } }, signal })
      .then(dataOf),
  ]);
  return {
    records: recordsFromCharges(charges, allocations, instances ?? []),
    allocations: new Map(allocations.map((a) => [a.id, a])),
    instances,
    balance,
    now: Date.now(),
  };
}

export function useUsageData(projectId: string | undefined): AsyncState<UsageData | undefined> & {
  live: StreamStatus;
} {
  const { client } = useConsole();
  const state = useAsync(
    async (signal) => (projectId === undefined ? undefined : load(client, projectId, signal)),
    [client, projectId],
  );
  const live = useEvents(BILLING_EVENTS, projectId, state.reload);
  useInterval(state.reload, 30_000);
  return { ...state, live };
}
