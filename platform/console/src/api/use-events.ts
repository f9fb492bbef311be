/**
 * Live updates from the platform's event stream (`GET /v1/events`, Server-Sent Events read with
 * fetch so the bearer token goes in a header; resumed with Last-Event-ID after a drop): the sdk's
 * `followEvents`, opened while a screen is mounted and closed when it goes.
 */
import { followEvents } from '@gpuaas/sdk/browser';
import type { PlatformEvent } from '@gpuaas/sdk/browser';
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../context.js';

export type { PlatformEvent };

/** `live`: the stream is open; `unavailable`: refused (the screen's own polling goes on). */
export type StreamStatus = 'connecting' | 'live' | 'unavailable';

/** Follows `types` of events in `projectId` while mounted; nothing while the project is undefined. */
export function useEvents(
  types: readonly string[],
  projectId: string | undefined,
  onEvent: (event: PlatformEvent) => void,
): StreamStatus {
  const { client } = useConsole();
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const key = types.join(',');

  useEffect(() => {
    // Nothing to follow before the project is known (or when the user has none).
    if (projectId === undefined) return undefined;
    const controller = new AbortController();
    setStatus('connecting');
    void followEvents(client, {
      types: key.split(','),
      projectId,
      signal: controller.signal,
      onOpen: () => setStatus('live'),
      onEvent: (event) => handler.current(event),
      onUnavailable: () => setStatus('unavailable'),
    });
    return () => controller.abort();
  }, [client, key, projectId]);
  return status;
}
