/**
 * Node and allocation events for the operator's nodes grid: `GET /v1/events` with no project, so
 * an operator receives every project's allocation events and the node events (which reach
 * operators only). The screen re-reads the nodes on each, and still polls while visible in case
 * the stream cannot open.
 */
import { followEvents } from '@gpuaas/sdk/browser';
import { useEffect, useRef, useState } from 'react';
import type { StreamStatus } from '../../api/use-events.js';
import { useConsole } from '../../context.js';

export const NODE_GRID_EVENTS = [
  'node.status_changed',
  'allocation.state_changed',
  'allocation.node_unreachable',
] as const;

export function useNodeEvents(onEvent: () => void): StreamStatus {
  const { client } = useConsole();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [status, setStatus] = useState<StreamStatus>('connecting');
  useEffect(() => {
    const controller = new AbortController();
    void followEvents(client, {
      types: NODE_GRID_EVENTS,
      signal: controller.signal,
      onOpen: () => setStatus('live'),
      onEvent: () => handler.current(),
      onUnavailable: () => setStatus('unavailable'),
    });
    return () => controller.abort();
  }, [client]);
  return status;
}
