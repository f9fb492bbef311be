/**
 * The release channel an instance follows and whether new versions of it install by themselves
 * (`PATCH /v1/apps/instances/{id}`). Automatic upgrades never widen what was consented to: a
 * version that would is announced instead, and upgraded by hand below.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useConsole } from '../../context.js';
import { ErrorMessage } from '../../ui/feedback.js';
import { useDraft } from '../../ui/use-draft.js';
import type { AppInstance } from './instance-model.js';

/** `AppInstanceUpdate.channel` of the contract. */
const CHANNEL_PATTERN = '^[a-z0-9][a-z0-9._\\-]{0,63}$';

export function InstanceSettings({ instance, onSaved }: { instance: AppInstance; onSaved: () => void }) {
  const { client } = useConsole();
  const ids = { channel: useId(), upgrades: useId(), hint: useId() };
  const [draft, setDraft] = useDraft(`instance-settings:${instance.id}`, () => ({
    channel: instance.channel ?? 'stable',
    upgrades: instance.upgrades ?? 'manual',
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const unchanged =
    draft.channel === (instance.channel ?? 'stable') && draft.upgrades === (instance.upgrades ?? 'manual');

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      await client.api.PATCH('/v1/apps/instances/{instance_id}', {
        params: { path: { instance_id: instance.id } },
        body: { channel: draft.channel, upgrades: draft.upgrades },
      });
      setSaved(true);
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="settings-heading" className="card">
      <h2 id="settings-heading">Channel and upgrades</h2>
      <form onSubmit={(e) => void save(e)}>
        <div className="fields">
          <div>
            <label htmlFor={ids.channel}>Release channel</label>
            <input
              id={ids.channel}
              value={draft.channel}
              required
              pattern={CHANNEL_PATTERN}
              aria-describedby={ids.hint}
              onChange={(e) => setDraft({ ...draft, channel: e.target.value })}
            />
          </div>
          <div>
            <label htmlFor={ids.upgrades}>Upgrades</label>
            <select
              id={ids.upgrades}
              value={draft.upgrades}
              onChange={(e) =>
                setDraft({ ...draft, upgrades: e.target.value === 'automatic' ? 'automatic' : 'manual' })
              }
            >
              <option value="manual">Manual</option>
              <option value="automatic">Automatic</option>
            </select>
          </div>
        </div>
        <p id={ids.hint} className="muted">
          Automatic: each new version published in the channel installs by itself, unless it asks for more
          permissions or costs more — those wait for you to upgrade here.
        </p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || unchanged}>
            Save settings
          </button>
          {saved && unchanged && (
            <span role="status" className="muted">
              Saved.
            </span>
          )}
        </div>
        <ErrorMessage error={error} what="Could not save the settings" />
      </form>
    </section>
  );
}
