/**
 * Cordon, uncordon and drain one node, each confirmed first. Drain asks how: release the node's
 * allocations now (`mode: release`, reason `node_drained`), or only cordon and wait for them
 * (`mode: wait`). The API takes no reason for these; the audit log records who did it.
 */
import { useId, useState } from 'react';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import type { Node } from './node-state.js';

type Action = 'cordon' | 'uncordon' | 'drain';
type DrainMode = PlatformComponents['schemas']['DrainRequest']['mode'];

const QUESTION: Record<Action, string> = {
  cordon: 'Stop placing new allocations here? Allocations already on it keep running.',
  uncordon: 'Place allocations here again? Queued requests may land at once.',
  drain: 'Drain this node: it is cordoned, and its allocations are',
};

const allocations = (n: number) => `${n} allocation${n === 1 ? '' : 's'}`;

export function NodeActions({ node, onChanged }: { node: Node; onChanged: () => void }) {
  const { client } = useConsole();
  const ids = { mode: useId(), question: useId() };
  const [asking, setAsking] = useState<Action>();
  const [mode, setMode] = useState<DrainMode>('release');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<string>();

  const act = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    const params = { params: { path: { node_id: node.id } } };
    try {
      if (action === 'drain') {
        const result = dataOf(
          await client.api.POST('/v1/nodes/{node_id}/drain', { ...params, body: { mode } }),
        );
        setOutcome(
          `Drained ${node.name}: ${allocations(result.released.length)} released, ` +
            `${result.remaining.length} still running.`,
        );
      } else if (action === 'cordon') {
        await client.api.POST('/v1/nodes/{node_id}/cordon', params);
        setOutcome(`Cordoned ${node.name}.`);
      } else {
        await client.api.POST('/v1/nodes/{node_id}/uncordon', params);
        setOutcome(`Uncordoned ${node.name}.`);
      }
      setAsking(undefined);
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const confirmLabel = { cordon: 'Confirm cordon', uncordon: 'Confirm uncordon', drain: 'Confirm drain' };
  return (
    <div>
      {asking === undefined ? (
        <div className="actions">
          {node.schedulable ? (
            <button type="button" onClick={() => setAsking('cordon')}>
              Cordon<span className="visually-hidden"> {node.name}</span>
            </button>
          ) : (
            <button type="button" onClick={() => setAsking('uncordon')}>
              Uncordon<span className="visually-hidden"> {node.name}</span>
            </button>
          )}
          <button type="button" className="danger" onClick={() => setAsking('drain')}>
            Drain<span className="visually-hidden"> {node.name}</span>
          </button>
        </div>
      ) : (
        <div className="node-confirm" role="group" aria-labelledby={ids.question}>
          <p id={ids.question}>
            <strong>{node.name}:</strong> {QUESTION[asking]}
          </p>
          {asking === 'drain' && (
            <fieldset>
              <legend className="visually-hidden">What happens to its allocations</legend>
              {(
                [
                  ['release', 'released now (their users see them end)'],
                  ['wait', 'left to finish; you watch them here'],
                ] as const
              ).map(([value, text], i) => (
                <label key={value} className="node-mode">
                  <input
                    type="radio"
                    name={ids.mode}
                    value={value}
                    checked={mode === value}
                    onChange={() => setMode(value)}
                    autoFocus={i === 0}
                  />{' '}
                  {text}
                </label>
              ))}
            </fieldset>
          )}
          <div className="actions">
            <button
              type="button"
              className={asking === 'uncordon' ? 'primary' : 'danger'}
              disabled={busy}
              onClick={() => void act(asking)}
              autoFocus={asking !== 'drain'}
            >
              {confirmLabel[asking]}
            </button>
            <button type="button" onClick={() => setAsking(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {outcome !== undefined && (
        <p role="status" className="notice">
          {outcome}
        </p>
      )}
      <ErrorMessage error={error} what={`Could not change ${node.name}`} />
    </div>
  );
}
