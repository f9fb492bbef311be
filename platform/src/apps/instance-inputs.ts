/**
 * What a catalog launch asks for, checked before anything is created: its secrets (only the
 * parameters the manifest marks `secret: true`, and never as plain parameters), and the GPUs —
 * the manifest's workload profile, or a `gpus` override never below its minimum — matched with
 * chooseProfile against the live catalog (PROFILE_UNSATISFIABLE with the closest offer).
 */
import type { Kysely } from 'kysely';
import type { components } from '@gpuaas/platform-contract';
import { loadCluster } from '../allocations/scheduling.js';
import { chooseProfile } from '../catalog/profile.js';
import type {
  LiveCatalog,
  Offer,
  ProfileChoice,
  WorkloadProfile,
  WorkloadProfiles,
} from '../catalog/profile.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { FieldError } from '../errors.js';

type AllocationCreateGpus = components['schemas']['AllocationCreateGpus'];

/** Names of the parameters the manifest marks `secret: true`. */
export function secretNames(schemas: Record<string, unknown>): Set<string> {
  return new Set(
    Object.entries(schemas).flatMap(([name, schema]) =>
      (schema as { secret?: unknown } | null)?.secret === true ? [name] : [],
    ),
  );
}

/**
 * Refuses (VALIDATION_FAILED, naming fields, never values) a secret given as a plain parameter
 * and a `secrets` entry the manifest does not mark secret.
 */
export function checkSecrets(
  schemas: Record<string, unknown>,
  parameters: Record<string, unknown>,
  secrets: Record<string, string>,
): void {
  const names = secretNames(schemas);
  const errors: FieldError[] = [
    ...Object.keys(parameters)
      .filter((name) => names.has(name))
      .map((name) => ({
        in: 'body' as const,
        pointer: `/parameters/${name}`,
        detail: 'a secret: pass it in secrets',
      })),
    ...Object.keys(secrets)
      .filter((name) => !names.has(name))
      .map((name) => ({
        in: 'body' as const,
        pointer: `/secrets/${name}`,
        detail:
          name in schemas ? 'not a secret parameter: pass it in parameters' : 'the app has no such parameter',
      })),
  ];
  if (errors.length > 0) {
    throw new PlatformError(
      'VALIDATION_FAILED',
      `secrets: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`,
      { errors },
    );
  }
}

/** The catalog and cluster as they are now. */
export async function liveCatalog(db: Kysely<Tables>): Promise<LiveCatalog> {
  const skus = await db.selectFrom('gpu_skus').select(['id', 'model', 'memory_gib']).execute();
  return {
    skus: skus.map((s) => ({ id: s.id, model: s.model, memoryGib: Number(s.memory_gib) })),
    nodes: (await loadCluster(db)).cluster,
  };
}

const refuse = (pointer: string, detail: string) =>
  new PlatformError('VALIDATION_FAILED', `gpus: ${pointer} ${detail}`, {
    errors: [{ in: 'body', pointer, detail }],
  });

/**
 * The `gpus` override as a profile, never below the manifest's minimum: fewer GPUs, less memory,
 * a model the minimum does not accept or no NVLink where it asks for one is refused; what the
 * override leaves out comes from the minimum.
 */
export function overrideProfile(
  minimum: WorkloadProfile,
  gpus: AllocationCreateGpus,
  catalog: LiveCatalog,
): WorkloadProfile {
  const min = minimum.gpus;
  if (gpus.count < min.count) {
    throw refuse('/gpus/count', `the app's minimum profile needs ${min.count} GPUs`);
  }
  if (gpus.min_memory_gib !== undefined && gpus.min_memory_gib < (min.minMemoryGiB ?? 0)) {
    throw refuse('/gpus/min_memory_gib', `the app's minimum profile needs ${min.minMemoryGiB} GiB per GPU`);
  }
  // A name may be a SKU id or a model name: compare what each resolves to.
  const canonical = (name: string) => {
    const sku = catalog.skus.find(
      (s) => s.id.toLowerCase() === name.toLowerCase() || s.model.toLowerCase() === name.toLowerCase(),
    );
    return (sku?.model ?? name).toLowerCase();
  };
  const accepted = (min.models ?? []).map(canonical);
  const models = gpus.models ?? [];
  const outside = models.filter((m) => accepted.length > 0 && !accepted.includes(canonical(m)));
  if (outside.length > 0) {
    throw refuse('/gpus/models', `${outside.join(', ')}: not a model the app's minimum profile accepts`);
  }
  const nvlink = min.interconnect === 'nvlink' && gpus.count > 1;
  if (nvlink && gpus.topology === 'node') {
    throw refuse('/gpus/topology', "the app's minimum profile needs one NVLink domain");
  }
  const memory = gpus.min_memory_gib ?? min.minMemoryGiB;
  return {
    ...minimum,
    gpus: {
      count: gpus.count,
      ...(models.length > 0 ? { models } : min.models === undefined ? {} : { models: min.models }),
      ...(memory === undefined ? {} : { minMemoryGiB: memory }),
      ...(nvlink || gpus.topology === 'nvlink' ? { interconnect: 'nvlink' as const } : {}),
    },
  };
}

function describeOffer(o: Offer): string {
  return `${o.skuId ?? o.model} (${o.memoryGib} GiB): ${o.total} GPUs, at most ${o.perNode} on one node, ${o.perNvlinkDomain} in one NVLink domain, ${o.freeNow} free now`;
}

/**
 * The allocation to create for the app: the recommended profile when free GPUs hold it now, else
 * the minimum (or the override instead of both); PROFILE_UNSATISFIABLE when no registered node
 * could ever hold it, with each shortfall and the closest offer in `errors`.
 */
export function chooseAllocation(
  resources: WorkloadProfiles | null,
  override: AllocationCreateGpus | undefined,
  catalog: LiveCatalog,
): ProfileChoice {
  // A manifest without resources asks for nothing in particular: one GPU of any model.
  const profiles: WorkloadProfiles = resources ?? { minimum: { gpus: { count: 0 } } };
  const wanted: WorkloadProfiles =
    override === undefined ? profiles : { minimum: overrideProfile(profiles.minimum, override, catalog) };
  const match = chooseProfile(wanted, catalog);
  if (match.ok) return match;
  const pointerOf = (p: string) => (override === undefined ? '/app' : p.replace('/resources/minimum', ''));
  const errors: FieldError[] = match.shortfalls.map((s) => ({
    in: 'body',
    pointer: pointerOf(s.pointer),
    detail: `${s.code}: ${s.message}`,
  }));
  const closest = match.closest === undefined ? 'the cluster has no GPU' : describeOffer(match.closest);
  errors.push({
    in: 'body',
    pointer: override === undefined ? '/app' : '/gpus',
    detail: `closest offer: ${closest}`,
  });
  throw new PlatformError('PROFILE_UNSATISFIABLE', `${match.message}; closest offer: ${closest}`, { errors });
}
