/**
 * One node: its condition, facts, the grid of its GPUs (each cell coloured and labelled by state,
 * naming the allocation that holds it) and the operator's actions.
 */
import { formatTime, shortId } from '../../format.js';
import { Link } from '../../router.js';
import { NodeActions } from './node-actions.js';
import { GPU_STATE_LABEL, gpuState, nodeCondition, nodeConditionLabel } from './node-state.js';
import type { Node } from './node-state.js';

export function NodeCard({ node, onChanged }: { node: Node; onChanged: () => void }) {
  const headingId = `node-${node.id}`;
  const condition = nodeCondition(node);
  return (
    <section className="card node" aria-labelledby={headingId} data-node={node.id}>
      <h2 id={headingId}>
        {node.name}{' '}
        <span
          className={`node-condition node-${condition}`}
          data-testid="node-condition"
          data-condition={condition}
        >
          {nodeConditionLabel(node)}
        </span>
      </h2>
      <p className="muted">
        Region {node.region} · agent {node.agent_version} · last heartbeat{' '}
        {formatTime(node.last_heartbeat_at)}
      </p>
      <ul className="gpu-grid" aria-label={`GPUs of ${node.name}`}>
        {[...node.gpus]
          .sort((a, b) => a.index - b.index)
          .map((gpu) => {
            const state = gpuState(node, gpu);
            return (
              <li key={gpu.index} className={`gpu gpu-${state}`} data-gpu-state={state}>
                <span className="gpu-index">GPU {gpu.index}</span>
                <span className="gpu-state">
                  <span aria-hidden="true" className="gpu-mark" />
                  {GPU_STATE_LABEL[state]}
                </span>
                <span className="gpu-model">
                  {gpu.model} · {Math.round(gpu.memory_mib / 1024)} GiB
                </span>
                {gpu.allocation_id !== null && (
                  <Link to={`/allocations/${gpu.allocation_id}`}>
                    <span className="visually-hidden">Allocation </span>
                    {shortId(gpu.allocation_id)}
                  </Link>
                )}
              </li>
            );
          })}
      </ul>
      <NodeActions node={node} onChanged={onChanged} />
    </section>
  );
}
