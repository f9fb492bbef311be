/**
 * Which GRES types (gres.conf `Type=`) an allocation's request accepts. Pure: the cluster's
 * models, the catalog's SKUs and the operator's `--slurm-gres-type` overrides come in as data.
 */

export interface GresInput {
  /** Acceptable models (catalog model names); empty: any. */
  models: readonly string[];
  minMemoryMib: number;
  /** The largest memory (MiB, the SKU's nominal size) of each model the node agents report. */
  present: ReadonlyMap<string, number>;
  skus: readonly { id: string; model: string }[];
  /** GRES type per model name or SKU id. */
  overrides: Readonly<Record<string, string>>;
}

/**
 * The GRES types to ask Slurm for: each acceptable model with enough memory, as its override, its
 * SKU id, or a slug of its name. `[]`: any GPU will do (no model asked for, every model fits).
 * undefined: no model the agents report can hold the request.
 */
export function gresTypesFor(input: GresInput): string[] | undefined {
  const { models, minMemoryMib, present, skus, overrides } = input;
  const fits = [...present].filter(([, memory]) => memory >= minMemoryMib).map(([model]) => model);
  // A model no agent reports (yet) stays acceptable: Slurm may know nodes the platform does not.
  const wanted = models.length === 0 ? fits : models.filter((m) => fits.includes(m) || !present.has(m));
  if (wanted.length === 0) return undefined;
  if (models.length === 0 && wanted.length === present.size) return [];
  return wanted.map((model) => {
    const sku = skus.find((s) => s.model === model);
    return overrides[model] ?? (sku === undefined ? undefined : overrides[sku.id]) ?? sku?.id ?? slug(model);
  });
}

/** A GRES type name for a model with no SKU: `NVIDIA A10` → `nvidia_a10`. */
export function slug(model: string): string {
  return model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
