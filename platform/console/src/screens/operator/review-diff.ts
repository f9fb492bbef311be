/**
 * What a reviewer reads on an app version, as pure functions (review-diff.test.ts): the platform's
 * diff of permissions and meters against the previous approved version turned into marked rows,
 * the GPU profile, and the rest of the manifest flattened to `path → value` lines compared side by
 * side. Prices are review-prices.ts.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type SetChange = 'added' | 'removed' | 'same';

export interface SetRow {
  name: string;
  change: SetChange;
}

/**
 * Every name of this version, plus the ones it dropped, each marked: what a tenant is asked to
 * grant (permissions) or charged by (meters) reads at a glance.
 */
export function setRows(current: readonly string[], diff: { added: string[]; removed: string[] } | null) {
  const rows: SetRow[] = current.map((name) => ({
    name,
    change: diff?.added.includes(name) === true ? 'added' : 'same',
  }));
  for (const name of diff?.removed ?? []) rows.push({ name, change: 'removed' });
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

/** A manifest value on one line: strings as they are, everything else as JSON. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export type LineChange = 'added' | 'removed' | 'changed' | 'same';

export interface ManifestLine {
  path: string;
  before: string | undefined;
  after: string | undefined;
  change: LineChange;
}

/** The key that names each item of an array of objects (`meters[tokens]`), when every item has a distinct one. */
function itemKey(items: readonly unknown[]): string | undefined {
  for (const key of ['name', 'meter']) {
    const names = items.map((item) => (isRecord(item) ? item[key] : undefined));
    if (names.every((n) => typeof n === 'string') && new Set(names).size === names.length) return key;
  }
  return undefined;
}

function flattenInto(out: Map<string, string>, path: string, value: unknown): void {
  if (Array.isArray(value)) {
    if (value.length === 0 || !value.some((item) => isRecord(item) || Array.isArray(item))) {
      out.set(path, JSON.stringify(value));
      return;
    }
    const key = itemKey(value);
    value.forEach((item, i) => {
      const name = key === undefined ? String(i) : String((item as Record<string, unknown>)[key]);
      flattenInto(out, `${path}[${name}]`, item);
    });
    return;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.set(path, '{}');
    for (const [k, v] of entries) flattenInto(out, path === '' ? k : `${path}.${k}`, v);
    return;
  }
  out.set(path, showValue(value));
}

/** A manifest as `path → value` lines, in the manifest's order (`run.env.PORT → 8000`). */
export function flattenManifest(manifest: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (isRecord(manifest)) flattenInto(out, '', manifest);
  return out;
}

function topOf(path: string): string {
  return /^[^.[]*/.exec(path)?.[0] ?? path;
}

function skipped(path: string, skip: readonly string[]): boolean {
  return skip.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/** What the highlighted sections already show; the rest of the manifest leaves them out. */
export const HIGHLIGHTED_PATHS: readonly string[] = [
  'permissions',
  'billing',
  'resources.minimum.gpus',
  'resources.recommended.gpus',
];

/**
 * `after` against `before`, line by line: grouped by top-level key in this version's order, each
 * group's lines in this version's order followed by the ones it dropped. Paths under `skip` are
 * left out.
 */
export function manifestDiff(
  before: unknown,
  after: unknown,
  skip: readonly string[] = HIGHLIGHTED_PATHS,
): ManifestLine[] {
  const was = flattenManifest(before);
  const is = flattenManifest(after);
  const lines: ManifestLine[] = [];
  const tops = [...new Set([...is.keys(), ...was.keys()].map(topOf))];
  for (const top of tops) {
    for (const [path, value] of is) {
      if (topOf(path) !== top || skipped(path, skip)) continue;
      const old = was.get(path);
      lines.push({
        path,
        before: old,
        after: value,
        change: old === undefined ? 'added' : old === value ? 'same' : 'changed',
      });
    }
    for (const [path, value] of was) {
      if (topOf(path) !== top || skipped(path, skip) || is.has(path)) continue;
      lines.push({ path, before: value, after: undefined, change: 'removed' });
    }
  }
  return lines;
}

/** How many lines changed in each way. */
export function countChanges(lines: readonly ManifestLine[]): Record<LineChange, number> {
  const counts: Record<LineChange, number> = { added: 0, removed: 0, changed: 0, same: 0 };
  for (const line of lines) counts[line.change] += 1;
  return counts;
}

/** `minimum.gpus.minMemoryGiB` → "Minimum GPUs: min memory (GiB)". */
export function gpuFieldLabel(field: string): string {
  const [profile = '', , name = field] = field.split('.');
  const what: Record<string, string> = {
    count: 'count',
    models: 'models',
    minMemoryGiB: 'min memory (GiB)',
    interconnect: 'interconnect',
    sameNode: 'same node',
  };
  const which = profile === 'minimum' ? 'Minimum' : profile === 'recommended' ? 'Recommended' : profile;
  return `${which} GPUs: ${what[name] ?? name}`;
}

export interface GpuProfile {
  profile: 'minimum' | 'recommended';
  count: string;
  models: string;
  minMemoryGiB: string;
  other: string;
}

/** The manifest's GPU requirements (minimum and recommended) for the facts of the version. */
export function gpuProfiles(manifest: unknown): GpuProfile[] {
  const resources = isRecord(manifest) ? manifest.resources : undefined;
  if (!isRecord(resources)) return [];
  return (['minimum', 'recommended'] as const).flatMap((profile) => {
    const section = resources[profile];
    const gpus = isRecord(section) ? section.gpus : undefined;
    if (!isRecord(gpus)) return [];
    const models = Array.isArray(gpus.models) ? gpus.models.map(showValue).join(', ') : 'any';
    const other = [
      gpus.interconnect === undefined ? '' : `interconnect ${showValue(gpus.interconnect)}`,
      gpus.sameNode === undefined ? '' : `same node: ${showValue(gpus.sameNode)}`,
    ].filter((s) => s !== '');
    return [
      {
        profile,
        count: showValue(gpus.count ?? 0),
        models: models === '' ? 'any' : models,
        minMemoryGiB: gpus.minMemoryGiB === undefined ? '—' : showValue(gpus.minMemoryGiB),
        other: other.join('; '),
      },
    ];
  });
}

/** The names of the manifest's meters, in its order. */
export function meterNames(manifest: unknown): string[] {
  const meters = isRecord(manifest) ? manifest.meters : undefined;
  if (!Array.isArray(meters)) return [];
  return meters.flatMap((m) => (isRecord(m) && typeof m.name === 'string' ? [m.name] : []));
}
