/**
 * The decisions on one version, offered only where the platform's state machine allows them:
 * approve (pinned to the digest, for a scope), reject with a reason the publisher sees, revoke an
 * approved one with a reason (optionally stopping its running instances). The reasons and the
 * scope are a draft that survives an expired session; a refusal shows its code and a hint.
 */
import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import { useConsole } from '../../context.js';
import { useDraft } from '../../ui/use-draft.js';
import { reviewActions } from './review-labels.js';
import type { AppVersion } from './review-labels.js';
import { ReviewError } from './review-shared.js';
import { RestoredNotice } from '../../ui/form.js';

type Detail = PlatformComponents['schemas']['AppVersionDetail'];
type Scope = PlatformComponents['schemas']['AppVersionScope'];

interface Draft {
  scope: Scope;
  scopeId: string;
  rejectReason: string;
  revokeReason: string;
  stopRunning: boolean;
}

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

const EMPTY: Draft = {
  scope: 'platform',
  scopeId: '',
  rejectReason: '',
  revokeReason: '',
  stopRunning: false,
};

type Action = 'approve' | 'reject' | 'revoke';

const DONE: Record<Action, string> = { approve: 'Approved', reject: 'Rejected', revoke: 'Revoked' };

export function ReviewActions({
  version,
  onDone,
}: {
  version: Detail;
  /** Called with what was done, once the platform has recorded it. */
  onDone: (message: string) => void;
}) {
  const { client } = useConsole();
  const ids = { scope: useId(), scopeId: useId(), reject: useId(), revoke: useId(), stop: useId() };
  const [draft, setDraft, restored] = useDraft<Draft>(`app-review-${version.id}`, () => EMPTY);
  const [busy, setBusy] = useState<Action | undefined>();
  const [error, setError] = useState<{ action: Action; error: unknown } | undefined>();
  const allowed = reviewActions(version.state);
  const path = { params: { path: { version_id: version.id } } };

  const act = async (event: FormEvent, action: Action) => {
    event.preventDefault();
    setBusy(action);
    setError(undefined);
    try {
      let updated: AppVersion;
      if (action === 'approve') {
        const body =
          draft.scope === 'platform'
            ? { scope: draft.scope }
            : { scope: draft.scope, scope_id: draft.scopeId };
        updated = dataOf(await client.api.POST('/v1/apps/versions/{version_id}/approve', { ...path, body }));
      } else if (action === 'reject') {
        const body = { reason: draft.rejectReason.trim() };
        updated = dataOf(await client.api.POST('/v1/apps/versions/{version_id}/reject', { ...path, body }));
      } else {
        const body = { reason: draft.revokeReason.trim(), stop_running: draft.stopRunning };
        updated = dataOf(await client.api.POST('/v1/apps/versions/{version_id}/revoke', { ...path, body }));
      }
      setDraft(EMPTY);
      onDone(`${DONE[action]} ${updated.app} ${updated.version} (now ${updated.state}).`);
    } catch (failure) {
      setError({ action, error: failure });
    } finally {
      setBusy(undefined);
    }
  };
  const failure = (action: Action) =>
    error?.action === action ? <ReviewError error={error.error} what={`Could not ${action}`} /> : null;

  if (!allowed.approve && !allowed.reject && !allowed.revoke) {
    return <p className="muted">No decision applies to a {version.state} version.</p>;
  }
  return (
    <div className="review-actions">
      <RestoredNotice restored={restored} />
      {allowed.approve && (
        <form className="card" aria-labelledby={`${ids.scope}-h`} onSubmit={(e) => void act(e, 'approve')}>
          <h2 id={`${ids.scope}-h`}>Approve</h2>
          <p className="muted">
            Promotes <code>{version.digest.slice(0, 19)}…</code> by digest into the release namespace, with an
            approval signed by the platform. Only projects inside the scope may launch it.
          </p>
          <div className="fields">
            <div>
              <label htmlFor={ids.scope}>Scope</label>
              <select
                id={ids.scope}
                value={draft.scope}
                onChange={(e) => setDraft({ ...draft, scope: e.target.value as Scope })}
              >
                <option value="platform">Every project (platform)</option>
                <option value="organization">One organization</option>
                <option value="project">One project</option>
              </select>
            </div>
            {draft.scope !== 'platform' && (
              <div>
                <label htmlFor={ids.scopeId}>
                  {draft.scope === 'project' ? 'Project id' : 'Organization id'}
                </label>
                <input
                  id={ids.scopeId}
                  required
                  pattern={UUID}
                  value={draft.scopeId}
                  onChange={(e) => setDraft({ ...draft, scopeId: e.target.value.trim() })}
                />
              </div>
            )}
          </div>
          {failure('approve')}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy !== undefined}>
              {busy === 'approve' ? 'Approving…' : 'Approve'}
            </button>
          </div>
        </form>
      )}
      {allowed.reject && (
        <ReasonForm
          id={ids.reject}
          title="Reject"
          label="Reason for rejecting (shown to the publisher)"
          value={draft.rejectReason}
          onChange={(rejectReason) => setDraft({ ...draft, rejectReason })}
          onSubmit={(e) => void act(e, 'reject')}
          busy={busy}
          action="reject"
        >
          {failure('reject')}
        </ReasonForm>
      )}
      {allowed.revoke && (
        <ReasonForm
          id={ids.revoke}
          title="Revoke"
          label="Reason for revoking"
          value={draft.revokeReason}
          onChange={(revokeReason) => setDraft({ ...draft, revokeReason })}
          onSubmit={(e) => void act(e, 'revoke')}
          busy={busy}
          action="revoke"
        >
          <p className="muted">New launches of this digest are refused at once.</p>
          <p>
            <input
              id={ids.stop}
              type="checkbox"
              checked={draft.stopRunning}
              onChange={(e) => setDraft({ ...draft, stopRunning: e.target.checked })}
            />{' '}
            <label htmlFor={ids.stop}>Also stop its running instances</label>
          </p>
          {failure('revoke')}
        </ReasonForm>
      )}
    </div>
  );
}

function ReasonForm(props: {
  id: string;
  title: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  onSubmit: (event: FormEvent) => void;
  busy: Action | undefined;
  action: Action;
  children: ReactNode;
}) {
  const { id, title, label, value, onChange, onSubmit, busy, action, children } = props;
  return (
    <form className="card" aria-labelledby={`${id}-h`} onSubmit={onSubmit}>
      <h2 id={`${id}-h`}>{title}</h2>
      <div className="review-reason">
        <label htmlFor={id}>{label}</label>
        <textarea
          id={id}
          required
          minLength={1}
          maxLength={1000}
          rows={3}
          value={value}
          // A reason of blanks is no reason: the browser refuses it like an empty one.
          onChange={(e) => {
            onChange(e.target.value);
            e.target.setCustomValidity(
              e.target.value.trim() === '' && e.target.value !== '' ? 'Give a reason.' : '',
            );
          }}
        />
      </div>
      {children}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy !== undefined}>
          {busy === action ? `${title.replace(/e$/, '')}ing…` : title}
        </button>
      </div>
    </form>
  );
}
