/**
 * Stop (the stop hook, then signals; the instance ends) and uninstall (also its uninstall hook and
 * its files), each confirmed first. The allocation stays either way: it is released on its own.
 */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { isEnded } from './instance-model.js';
import type { AppInstance } from './instance-model.js';

type Action = 'stop' | 'uninstall';

const CONFIRM: Record<Action, { ask: string; button: string }> = {
  stop: {
    ask: 'Stop the app? Its stop hook runs, then its processes are ended. The allocation keeps running.',
    button: 'Confirm stop',
  },
  uninstall: {
    ask: 'Uninstall the app? It stops, its uninstall hook runs and its data and logs are removed from the allocation.',
    button: 'Confirm uninstall',
  },
};

export function InstanceActions({ instance, onChanged }: { instance: AppInstance; onChanged: () => void }) {
  const { client } = useConsole();
  const [confirming, setConfirming] = useState<Action>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const params = { params: { path: { instance_id: instance.id } } };
  const confirmButton = useRef<HTMLButtonElement>(null);
  // The question takes the focus (the button that asked is gone): Enter confirms, Tab reaches Cancel.
  useEffect(() => {
    if (confirming !== undefined) confirmButton.current?.focus();
  }, [confirming]);

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    try {
      if (action === 'stop') await client.api.POST('/v1/apps/instances/{instance_id}/stop', params);
      else await client.api.DELETE('/v1/apps/instances/{instance_id}', params);
      setConfirming(undefined);
      setDone(action === 'stop' ? 'Stopped.' : 'Uninstalled.');
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const ended = isEnded(instance);
  return (
    <div className="actions">
      {confirming !== undefined ? (
        <>
          <span>{CONFIRM[confirming].ask}</span>
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => void run(confirming)}
            ref={confirmButton}
          >
            {busy ? 'Working…' : CONFIRM[confirming].button}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(undefined)}>
            Cancel
          </button>
        </>
      ) : (
        <>
          {!ended && (
            <button type="button" className="danger" onClick={() => setConfirming('stop')}>
              Stop
            </button>
          )}
          <button type="button" className="danger" onClick={() => setConfirming('uninstall')}>
            Uninstall
          </button>
        </>
      )}
      {done !== undefined && (
        <span role="status" className="muted">
          {done}
        </span>
      )}
      <ErrorMessage error={error} what="Could not change the app instance" />
    </div>
  );
}
