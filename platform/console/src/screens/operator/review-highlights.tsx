/**
 * The parts of a version that widen what a tenant grants or pays, highlighted against the previous
 * approved version: permissions and meters (added, removed), prices (up, down, added, removed) and
 * the GPU profile. Each change is said in words as well as colour.
 */
import type { PlatformComponents } from '@gpuaas/sdk/browser';
import { gpuFieldLabel, gpuProfiles, meterNames, setRows, showValue } from './review-diff.js';
import { priceRows } from './review-prices.js';
import type { SetRow } from './review-diff.js';
import type { PriceTrend } from './review-prices.js';
import { DataTable } from '../../ui/loaded.js';

type Detail = PlatformComponents['schemas']['AppVersionDetail'];

const TREND_TEXT: Record<PriceTrend, string> = {
  up: 'price up',
  down: 'price down',
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  same: '',
};

function Change({ change, text }: { change: string; text?: string }) {
  if (change === 'same') return null;
  return <span className={`review-change review-change-${change}`}>{text ?? change}</span>;
}

function NameList({ rows, label, none }: { rows: SetRow[]; label: string; none: string }) {
  if (rows.length === 0) return <p className="muted">{none}</p>;
  return (
    <ul className="review-names" aria-label={label}>
      {rows.map((r) => (
        <li key={r.name} data-change={r.change} className={`review-row-${r.change}`}>
          <code>{r.name}</code> <Change change={r.change} />
        </li>
      ))}
    </ul>
  );
}

function Prices({ version }: { version: Detail }) {
  const rows = priceRows(version.manifest, version.diff?.prices ?? null);
  if (rows.length === 0) return <p className="muted">Free: the manifest sets no prices.</p>;
  const compared = version.diff !== null;
  return (
    <table className="data" data-testid="prices">
      <caption className="visually-hidden">Prices</caption>
      <thead>
        <tr>
          <th scope="col">Price</th>
          {compared && <th scope="col">Before</th>}
          <th scope="col">{compared ? 'Now' : 'Amount'}</th>
          {compared && <th scope="col">Change</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.field} data-field={r.field} data-change={r.trend} className={`review-row-${r.trend}`}>
            <th scope="row">{r.label}</th>
            {compared && <td>{r.before}</td>}
            <td>{r.after}</td>
            {compared && (
              <td>
                <Change change={r.trend} text={TREND_TEXT[r.trend]} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GpuProfile({ version }: { version: Detail }) {
  const profiles = gpuProfiles(version.manifest);
  const changes = version.diff?.gpu ?? [];
  return (
    <>
      {profiles.length === 0 ? (
        <p className="muted">The manifest asks for no GPU.</p>
      ) : (
        <DataTable
          caption="GPU profile"
          testId="gpu-profile"
          columns={['Profile', 'GPUs', 'Models', 'Memory (GiB)', 'Other']}
        >
          {profiles.map((p) => (
            <tr key={p.profile}>
              <th scope="row">{p.profile}</th>
              <td>{p.count}</td>
              <td>{p.models}</td>
              <td>{p.minMemoryGiB}</td>
              <td>{p.other === '' ? '—' : p.other}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {changes.length > 0 && (
        <ul className="review-names" aria-label="GPU profile changes" data-testid="gpu-changes">
          {changes.map((c) => (
            <li key={c.field} className="review-row-changed">
              {gpuFieldLabel(c.field)}: {showValue(c.before)} → {showValue(c.after)}{' '}
              <Change change="changed" />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Permissions, meters, prices and GPU profile, each marked against the previous approved version. */
export function ReviewHighlights({ version }: { version: Detail }) {
  const diff = version.diff;
  return (
    <div className="review-highlights">
      <section className="card" aria-labelledby="review-permissions" data-testid="permissions">
        <h2 id="review-permissions">Permissions</h2>
        <NameList
          rows={setRows(version.permissions, diff?.permissions ?? null)}
          label="Permissions requested"
          none="The app asks for no permission."
        />
      </section>
      <section className="card" aria-labelledby="review-meters" data-testid="meters">
        <h2 id="review-meters">Meters</h2>
        <NameList
          rows={setRows(meterNames(version.manifest), diff?.meters ?? null)}
          label="Meters"
          none="The app declares no meter."
        />
      </section>
      <section className="card review-wide" aria-labelledby="review-prices">
        <h2 id="review-prices">Prices</h2>
        <Prices version={version} />
      </section>
      <section className="card review-wide" aria-labelledby="review-gpu">
        <h2 id="review-gpu">GPU profile</h2>
        <GpuProfile version={version} />
      </section>
    </div>
  );
}
