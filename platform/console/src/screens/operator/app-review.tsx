/**
 * The operators' review queue: app versions awaiting review (oldest first), and the approved,
 * rejected and revoked ones, each with its app, version, publisher, signer and when it was
 * submitted; a version's own page holds the manifest diff and the decisions. Every project's
 * versions are listed (`GET /v1/apps/versions` without a project: operators only, so anyone else
 * sees the platform's refusal).
 */
import { collectAll } from '@gpuaas/sdk/browser';
import { useAsync, useInterval } from '../../api/use-async.js';
import { useConsole } from '../../context.js';
import { formatTime } from '../../format.js';
import { Link, useLocation } from '../../router.js';
import { DataTable, Loaded } from '../../ui/loaded.js';
import { ScreenTitle } from '../../ui/layout.js';
import { REVIEW_TABS, orderVersions, reviewTab, signerLabel } from './review-labels.js';
import type { AppVersion, ReviewTab } from './review-labels.js';
import { ReviewError, VersionState, usePublishers } from './review-shared.js';

function VersionTable({ versions, caption }: { versions: readonly AppVersion[]; caption: string }) {
  const publishers = usePublishers(versions.map((v) => v.project_id));
  return (
    <DataTable
      caption={caption}
      columns={['App', 'Version', 'Publisher', 'Signer', 'State', 'Submitted']}
      testId="review-queue"
    >
      {versions.map((v) => {
        const publisher = publishers.get(v.project_id);
        return (
          <tr key={v.id} data-version={v.id}>
            <th scope="row">
              <Link to={`/operator/apps/versions/${v.id}`}>{v.app === '' ? v.repository : v.app}</Link>
              <div className="muted review-small">{v.repository}</div>
            </th>
            <td>{v.version === '' ? '—' : v.version}</td>
            <td>{publisher?.name ?? <span className="muted">{v.project_id.slice(0, 8)}</span>}</td>
            <td data-testid="signer">{signerLabel(v.signer_key_id, publisher?.keys)}</td>
            <td>
              <VersionState state={v.state} />
              {v.reason !== null && <div className="review-small">{v.reason}</div>}
            </td>
            <td>{formatTime(v.submitted_at)}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** One tab's versions; keyed by the tab, so another tab never shows this one's rows while loading. */
function ReviewQueue({ tab }: { tab: ReviewTab }) {
  const { client } = useConsole();
  const list = useAsync(
    async (signal) => {
      const pages = await Promise.all(
        tab.states.map((state) =>
          collectAll((cursor) =>
            client.api.GET('/v1/apps/versions', {
              params: { query: { state, limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
              signal,
            }),
          ),
        ),
      );
      return orderVersions(tab, pages.flat());
    },
    [client, tab],
  );
  // Publishers register versions at any time; the queue re-reads itself while it is on screen.
  useInterval(list.reload, 30_000);
  return (
    <>
      <div className="actions">
        <button type="button" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
        {list.at !== undefined && <span className="muted">Loaded {formatTime(list.at.toISOString())}</span>}
      </div>
      <Loaded
        state={list}
        what="app versions"
        failed="Could not load the app versions"
        errorView={(error, what) => <ReviewError error={error} what={what} />}
        empty={
          <p>
            {tab.id === 'pending'
              ? 'No version is waiting for review.'
              : `No ${tab.label.toLowerCase()} version.`}
          </p>
        }
      >
        {(versions) => <VersionTable versions={versions} caption={`${tab.label} app versions`} />}
      </Loaded>
    </>
  );
}

export function AppReviewScreen(_props: { id?: string | undefined; app?: string | undefined }) {
  const { search } = useLocation();
  const tab = reviewTab(search.get('state'));
  return (
    <>
      <ScreenTitle title="App review">App review</ScreenTitle>
      <nav aria-label="Review states" className="review-tabs">
        <ul>
          {REVIEW_TABS.map((t) => (
            <li key={t.id}>
              <Link
                to={t.id === 'pending' ? '/operator/apps' : `/operator/apps?state=${t.id}`}
                aria-current={t.id === tab.id ? 'page' : undefined}
              >
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <ReviewQueue key={tab.id} tab={tab} />
    </>
  );
}
