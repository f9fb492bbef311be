/**
 * One app version under review (loaded on demand: app-version.tsx): who published and signed it,
 * where it comes from, its GPU profile, what it changes against the previous approved version of
 * the same app (the platform's diff for permissions, meters, prices and GPU profile; the rest of
 * the manifest compared here with that version's manifest), and the decisions it allows. A first
 * version shows "New app" and its whole manifest.
 */
import { useState } from 'react';
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { dataOf } from '../../api/client.js';
import { useAsync } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { Loading } from '../../ui/feedback.js';
import { ScreenTitle } from '../../ui/layout.js';
import { ReviewActions } from './review-actions.js';
import { ReviewHighlights } from './review-highlights.js';
import { principalLabel, signerLabel } from './review-labels.js';
import { ManifestDiff, ManifestListing } from './review-manifest.js';
import { ReviewError, VersionState, usePublishers } from './review-shared.js';

type Detail = PlatformComponents['schemas']['AppVersionDetail'];

function Facts({ version }: { version: Detail }) {
  const publisher = usePublishers([version.project_id]).get(version.project_id);
  const approval = version.approval;
  return (
    <dl className="facts card" data-testid="version-facts">
      <dt>State</dt>
      <dd>
        <VersionState state={version.state} />
      </dd>
      <dt>Publisher</dt>
      <dd>{publisher?.name ?? version.project_id}</dd>
      <dt>Signer</dt>
      <dd data-testid="signer">{signerLabel(version.signer_key_id, publisher?.keys)}</dd>
      <dt>Artifact</dt>
      <dd>
        <code className="review-break">{version.reference}</code>
        {version.tag !== null && <span className="muted"> (registered as tag {version.tag})</span>}
      </dd>
      <dt>Submitted</dt>
      <dd>
        {formatTime(version.submitted_at)}{' '}
        <span className="muted" title={version.submitted_by}>
          by {principalLabel(version.submitted_by)}
        </span>
      </dd>
      {version.reviewed_at !== null && (
        <>
          <dt>Reviewed</dt>
          <dd>
            {formatTime(version.reviewed_at)}{' '}
            <span className="muted" title={version.reviewed_by ?? ''}>
              by {principalLabel(version.reviewed_by)}
            </span>
          </dd>
        </>
      )}
      {version.reason !== null && (
        <>
          <dt>Reason</dt>
          <dd data-testid="version-reason">{version.reason}</dd>
        </>
      )}
      {approval !== null && (
        <>
          <dt>Approved for</dt>
          <dd>
            {approval.scope === 'platform' ? 'every project' : `${approval.scope} ${approval.scope_id ?? ''}`}
          </dd>
        </>
      )}
      {version.release_reference !== null && (
        <>
          <dt>Release</dt>
          <dd>
            <code className="review-break">{version.release_reference}</code>
          </dd>
        </>
      )}
      {version.errors !== null && version.errors.length > 0 && (
        <>
          <dt>Registration errors</dt>
          <dd>
            <ul>
              {version.errors.map((e) => (
                <li key={`${e.code}:${e.pointer ?? ''}:${e.message}`}>
                  <code>{e.code}</code> {e.message} {e.pointer !== undefined && <code>{e.pointer}</code>}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
    </dl>
  );
}

function Comparison({ version }: { version: Detail }) {
  const { client } = useConsole();
  const previousId = version.previous_approved?.id;
  const previous = useAsync(
    async (signal) =>
      previousId === undefined
        ? undefined
        : dataOf(
            await client.api.GET('/v1/apps/versions/{version_id}', {
              params: { path: { version_id: previousId } },
              signal,
            }),
          ),
    [client, previousId],
  );
  const prior = version.previous_approved;
  if (prior === null) {
    return (
      <>
        <p className="notice" data-testid="new-app">
          <strong>New app:</strong> no version of this app was approved before, so there is nothing to compare
          with. Everything below is what it asks for.
        </p>
        <ReviewHighlights version={version} />
        <h2>Manifest</h2>
        <ManifestListing manifest={version.manifest} />
      </>
    );
  }
  return (
    <>
      <p data-testid="compared-with">
        Compared with version <Link to={`/operator/apps/versions/${prior.id}`}>{prior.version}</Link>, the
        last approved one (<code>{prior.digest.slice(0, 19)}…</code>).
      </p>
      <ReviewHighlights version={version} />
      <h2>Rest of the manifest</h2>
      <ReviewError error={previous.error} what={`Could not load version ${prior.version} to compare`} />
      {previous.data === undefined ? (
        previous.error === undefined && <Loading what={`version ${prior.version}`} />
      ) : (
        <ManifestDiff before={previous.data.manifest} after={version.manifest} />
      )}
    </>
  );
}

export function VersionReview({ id }: { id: string }) {
  const { client } = useConsole();
  const detail = useAsync(
    async (signal) =>
      dataOf(
        await client.api.GET('/v1/apps/versions/{version_id}', {
          params: { path: { version_id: id } },
          signal,
        }),
      ),
    [client, id],
  );
  const [done, setDone] = useState<string | undefined>();
  const version = detail.data;
  const name =
    version === undefined ? 'App version' : `${version.app || version.repository} ${version.version}`;

  return (
    <>
      <p className="review-back">
        <Link to="/operator/apps">← App review</Link>
      </p>
      <ScreenTitle title={`Review ${name}`}>Review {name}</ScreenTitle>
      <p
        role="status"
        className={done === undefined ? 'visually-hidden' : 'notice'}
        data-testid="review-done"
      >
        {done ?? ''}
      </p>
      <ReviewError error={detail.error} what="Could not load the app version" />
      {version === undefined ? (
        detail.error === undefined && <Loading what="the app version" />
      ) : (
        <div className="review-layout">
          <div className="review-main">
            <Facts version={version} />
            <Comparison version={version} />
          </div>
          <aside className="review-side" aria-label="Decision">
            <ReviewActions
              key={version.state}
              version={version}
              onDone={(message) => {
                setDone(message);
                detail.reload();
              }}
            />
          </aside>
        </div>
      )}
    </>
  );
}
