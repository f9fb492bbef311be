/**
 * Canonical JSON: object keys sorted, no insignificant whitespace. The same value always
 * serialises to the same bytes, so config blobs and manifests have stable digests.
 */

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = canonicalValue(item);
    }
    return sorted;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`canonical JSON cannot hold the number ${value}`);
  }
  return value;
}

/**
 * Serialises a JSON value with keys sorted at every depth.
 *
 * @example
 * canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) // '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}
