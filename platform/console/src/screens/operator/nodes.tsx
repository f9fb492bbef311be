/**
 * Operators: every node (`GET /v1/nodes`) with its GPUs as a grid (free, allocated, cordoned,
 * unreachable: colour and words), kept current from the event stream (node and allocation events)
 * and a poll while the page is visible; cordon, uncordon and drain each node.
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useAsync, useInterval } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { LiveStatus } from '../../ui/feedback.js';
import { Loaded } from '../../ui/loaded.js';
import { ScreenTitle } from '../../ui/layout.js';
import { NodeCard } from './node-card.js';
import { useNodeEvents } from './node-events.js';
import { countGpus, GPU_STATE_LABEL, GPU_STATES, summarize } from './node-state.js';
import './node-grid.css';

const POLL_SECONDS = 10;

function Legend() {
  return (
    <ul className="gpu-legend" aria-label="GPU states">
      {GPU_STATES.map((state) => (
        <li key={state} className={`gpu-${state}`}>
          <span aria-hidden="true" className="gpu-mark" /> {GPU_STATE_LABEL[state]}
        </li>
      ))}
    </ul>
  );
}

export function NodesScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { client } = useConsole();
  const nodes = useAsync(
    (signal) =>
      collectAll((cursor) =>
        client.api.GET('/v1/nodes', {
          params: { query: cursor === undefined ? { limit: 100 } : { limit: 100, cursor } },
          signal,
        }),
      ),
    [client],
  );
  const live = useNodeEvents(nodes.reload);
  // Heartbeats change `last_heartbeat_at` without an event; and the stream may be refused.
  useInterval(nodes.reload, POLL_SECONDS * 1000);

  return (
    <>
      <ScreenTitle title="Nodes">Nodes</ScreenTitle>
      <p>
        <LiveStatus status={live} everySeconds={POLL_SECONDS} />
      </p>
      <Loaded
        state={nodes}
        what="nodes"
        failed="Could not load the nodes"
        empty={<p>No node has registered yet.</p>}
      >
        {(items) => (
          <>
            <p data-testid="gpu-summary">
              {items.length} node{items.length === 1 ? '' : 's'}: {summarize(countGpus(items))}
            </p>
            <Legend />
            {items.map((node) => (
              <NodeCard key={node.id} node={node} onChanged={nodes.reload} />
            ))}
          </>
        )}
      </Loaded>
    </>
  );
}
