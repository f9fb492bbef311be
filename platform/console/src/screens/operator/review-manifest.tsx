/**
 * The rest of the manifest (what the highlights leave out), field by field: against the previous
 * approved version's manifest what changed first and the unchanged fields folded away, or for a
 * new app the whole manifest.
 */
import { countChanges, flattenManifest, manifestDiff } from './review-diff.js';
import type { ManifestLine } from './review-diff.js';
import { DataTable } from '../../ui/loaded.js';

function DiffRows({ lines }: { lines: ManifestLine[] }) {
  return (
    <tbody>
      {lines.map((l) => (
        <tr key={l.path} data-path={l.path} data-change={l.change} className={`review-row-${l.change}`}>
          <th scope="row">
            <code>{l.path}</code>
          </th>
          <td>{l.before === undefined ? <span className="muted">—</span> : <code>{l.before}</code>}</td>
          <td>{l.after === undefined ? <span className="muted">—</span> : <code>{l.after}</code>}</td>
          <td>
            {l.change !== 'same' && (
              <span className={`review-change review-change-${l.change}`}>{l.change}</span>
            )}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function DiffTable({ lines, caption }: { lines: ManifestLine[]; caption: string }) {
  return (
    <table className="data review-manifest">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">Now</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <DiffRows lines={lines} />
    </table>
  );
}

/** This manifest against the previous approved one (everything but the highlighted sections). */
export function ManifestDiff({ before, after }: { before: unknown; after: unknown }) {
  const lines = manifestDiff(before, after);
  const changed = lines.filter((l) => l.change !== 'same');
  const same = lines.filter((l) => l.change === 'same');
  const counts = countChanges(lines);
  return (
    <div data-testid="manifest-diff">
      <p>
        {counts.changed} changed, {counts.added} added, {counts.removed} removed, {counts.same} unchanged.
      </p>
      {changed.length === 0 ? (
        <p className="muted">Nothing else in the manifest changed.</p>
      ) : (
        <DiffTable lines={changed} caption="Manifest fields that changed" />
      )}
      {same.length > 0 && (
        <details>
          <summary>{same.length} unchanged fields</summary>
          <DiffTable lines={same} caption="Manifest fields that did not change" />
        </details>
      )}
    </div>
  );
}

/** A first version's whole manifest. */
export function ManifestListing({ manifest }: { manifest: unknown }) {
  const lines = [...flattenManifest(manifest)];
  if (lines.length === 0) return <p className="muted">The manifest could not be read.</p>;
  return (
    <DataTable
      caption="The whole manifest"
      className="review-manifest"
      testId="manifest-listing"
      columns={['Field', 'Value']}
    >
      {lines.map(([path, value]) => (
        <tr key={path} data-path={path}>
          <th scope="row">
            <code>{path}</code>
          </th>
          <td>
            <code>{value}</code>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
