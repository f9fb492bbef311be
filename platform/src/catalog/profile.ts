/**
 * Matching an app manifest's workload profile (`resources.minimum` / `resources.recommended`:
 * GPU count, models in order of preference, minimum memory per GPU, NVLink) against the live
 * catalog: which allocation to request for a catalog launch (`chooseProfile`), or precisely why
 * the cluster can never hold the app; and whether an existing allocation meets the profile's
 * minimum for a launch into it (`meetsMinimum`). Pure: plain data in, plain data out.
 *
 * Not wired to the API yet: the catalog launch (`POST /v1/apps/instances`, issue 16) will call
 * `chooseProfile` with the catalog (gpu_skus) and the scheduler's snapshot (allocations/
 * scheduling.ts `loadCluster`), then create the allocation with `gpus`; a launch into a named
 * allocation will call `meetsMinimum`. Their failure codes become platform error codes then.
 *
 * The rules:
 * - Recommended over minimum when the recommended profile can be placed now (free GPUs on a
 *   schedulable node); else the minimum when it can be placed now; else, when the minimum could
 *   be placed on the registered nodes were they free (cordoned ones included: they may come
 *   back), the minimum, queued like any allocation (`availability: 'queued'`). Only a minimum no
 *   registered node could ever hold is PROFILE_UNSATISFIABLE, with each shortfall and the closest
 *   offer. With no node registered nothing is refused (the cluster's size is not known yet), as
 *   for allocations (allocations/satisfiable.ts).
 * - Models are tried in the manifest's order (the scheduler's preference tiers); names are SKU
 *   ids or model names of the catalog, case-insensitive; a name the catalog does not know is
 *   skipped (and reported), and a list of only unknown names cannot be satisfied.
 * - `interconnect: nvlink` with more than one GPU asks for one NVLink domain. An allocation never
 *   spans nodes, so `sameNode: false` is met by a one-node placement.
 * - `count: 0` (a CPU-only app) asks for one GPU of any model: an allocation holds at least one.
 * - cpu, memoryGiB and diskGiB are not checked: the catalog knows no CPU, memory or disk
 *   inventory yet; they are listed in `unchecked`.
 */
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { ClusterState } from '../scheduler/index.js';
import type { ClusterNode, Placement, QueuedRequest } from '../scheduler/index.js';

export type WorkloadProfiles = GpuaasAppManifest['resources'];
export type WorkloadProfile = WorkloadProfiles['minimum'];
export type ProfileTier = 'recommended' | 'minimum';

/** A SKU of the catalog (gpu_skus). */
export interface CatalogSku {
  id: string;
  /** The model name as node agents report it. */
  model: string;
  memoryGib: number;
}

/** What the catalog and the scheduler know now. */
export interface LiveCatalog {
  skus: readonly CatalogSku[];
  /** Every registered node with its GPUs (free or not), cordoned ones as `schedulable: false`. */
  nodes: readonly ClusterNode[];
}

/** The allocation to ask for: the shape of `AllocationCreate.gpus` (openapi.yaml). */
export interface AllocationGpus {
  count: number;
  /** SKU ids (model names where the catalog has no SKU), most preferred first; empty: any. */
  models: string[];
  min_memory_gib?: number;
  topology: 'node' | 'nvlink';
}

export type ShortfallCode =
  | 'model_unknown'
  | 'model_unavailable'
  | 'memory_too_small'
  | 'too_many_gpus'
  | 'too_few_gpus'
  | 'nvlink_domain_too_small'
  | 'no_capacity';

/** One reason a profile is not met, at the manifest field it is about. */
export interface Shortfall {
  code: ShortfallCode;
  /** JSON pointer into the manifest, e.g. `/resources/minimum/gpus/models`. */
  pointer: string;
  message: string;
}

/** GPUs of one SKU (or unknown model) as the cluster has them. */
export interface Offer {
  skuId: string | null;
  model: string;
  memoryGib: number;
  /** Most GPUs on one node, in one NVLink domain, and in all; free now on schedulable nodes. */
  perNode: number;
  perNvlinkDomain: number;
  total: number;
  freeNow: number;
}

export interface ProfileChoice {
  ok: true;
  tier: ProfileTier;
  gpus: AllocationGpus;
  /** `now`: free GPUs hold it at this moment; `queued`: it waits for GPUs like any allocation. */
  availability: 'now' | 'queued';
  /** Where it would go now (availability `now`). */
  placement?: { nodeId: string; model: string; skuId: string | null };
  /** Why the recommended profile was not chosen, when the manifest has one. */
  recommendedSkipped?: Shortfall[];
  /** Manifest model names the catalog does not know (skipped). */
  unknownModels: string[];
  /** Profile fields the catalog cannot check yet. */
  unchecked: ('cpu' | 'memoryGiB' | 'diskGiB')[];
  notes: string[];
}

export interface ProfileFailure {
  ok: false;
  code: 'PROFILE_UNSATISFIABLE';
  message: string;
  /** Why the minimum can never be placed, field by field. */
  shortfalls: Shortfall[];
  /** What the cluster has that comes nearest to the minimum (undefined: no GPU at all). */
  closest: Offer | undefined;
  offers: Offer[];
}

export type ProfileMatch = ProfileChoice | ProfileFailure;

const GIB = 1024;

/** The manifest's model names resolved against the catalog (scheduler model names), in order. */
function resolveModels(
  names: readonly string[],
  catalog: LiveCatalog,
): { models: string[]; ids: string[]; unknown: string[] } {
  const reported = new Set(catalog.nodes.flatMap((n) => n.gpus.map((g) => g.model)));
  const models: string[] = [];
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const wanted = name.toLowerCase();
    const sku = catalog.skus.find((s) => s.id.toLowerCase() === wanted || s.model.toLowerCase() === wanted);
    const raw = [...reported].find((m) => m.toLowerCase() === wanted);
    const model = sku?.model ?? raw;
    if (model === undefined) {
      unknown.push(name);
      continue;
    }
    if (models.includes(model)) continue;
    models.push(model);
    ids.push(sku?.id ?? model);
  }
  return { models, ids, unknown };
}

interface Evaluated {
  tier: ProfileTier;
  profile: WorkloadProfile;
  pointer: string;
  request: QueuedRequest;
  gpus: AllocationGpus;
  unknown: string[];
  /** Every listed model is unknown: nothing can satisfy it. */
  noModel: boolean;
}

function evaluate(tier: ProfileTier, profile: WorkloadProfile, catalog: LiveCatalog): Evaluated {
  const g = profile.gpus;
  const { models, ids, unknown } = resolveModels(g.models ?? [], catalog);
  const count = Math.max(1, g.count);
  const topology = g.interconnect === 'nvlink' && count > 1 ? 'nvlink' : 'node';
  const minMemoryMib = (g.minMemoryGiB ?? 0) * GIB;
  return {
    tier,
    profile,
    pointer: `/resources/${tier}/gpus`,
    request: {
      id: `profile-${tier}`,
      projectId: 'profile',
      count,
      models,
      minMemoryMib,
      topology,
      priority: 0,
      seq: '',
    },
    gpus: {
      count,
      models: ids,
      ...(g.minMemoryGiB === undefined ? {} : { min_memory_gib: g.minMemoryGiB }),
      topology,
    },
    unknown,
    noModel: (g.models ?? []).length > 0 && models.length === 0,
  };
}

/** Each SKU's (or unknown model's) GPUs on the cluster: largest node, NVLink domain, total, free. */
export function catalogOffers(catalog: LiveCatalog): Offer[] {
  const byKey = new Map<string, Offer>();
  for (const node of catalog.nodes) {
    const perNode = new Map<string, number>();
    const perDomain = new Map<string, number>();
    for (const gpu of node.gpus) {
      const key = `${gpu.model}\u0000${gpu.memoryMib}`;
      let offer = byKey.get(key);
      if (offer === undefined) {
        const sku = catalog.skus.find((s) => s.model === gpu.model);
        offer = {
          skuId: sku?.id ?? null,
          model: gpu.model,
          memoryGib: Math.floor(gpu.memoryMib / GIB),
          perNode: 0,
          perNvlinkDomain: 0,
          total: 0,
          freeNow: 0,
        };
        byKey.set(key, offer);
      }
      offer.total++;
      if (gpu.free && node.schedulable) offer.freeNow++;
      perNode.set(key, (perNode.get(key) ?? 0) + 1);
      // A GPU without NVLink peers is a domain of its own.
      const domain = `${key}\u0000${gpu.nvlinkDomain ?? `solo-${gpu.id}`}`;
      perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
    }
    for (const [key, n] of perNode) {
      const offer = byKey.get(key)!;
      offer.perNode = Math.max(offer.perNode, n);
    }
    for (const [domain, n] of perDomain) {
      const offer = byKey.get(domain.slice(0, domain.lastIndexOf('\u0000')))!;
      offer.perNvlinkDomain = Math.max(offer.perNvlinkDomain, n);
    }
  }
  return [...byKey.values()].sort(
    (a, b) => b.memoryGib - a.memoryGib || b.perNode - a.perNode || a.model.localeCompare(b.model),
  );
}

function describe(offer: Offer): string {
  return `${offer.skuId ?? offer.model} (${offer.memoryGib} GiB, up to ${offer.perNode} per node, ${offer.perNvlinkDomain} per NVLink domain, ${offer.total} in all)`;
}

/** How well an offer fits a request, for ordering: model, memory, group size. */
function fitOf(offer: Offer, e: Evaluated): [number, number, number, number] {
  const modelOk = e.request.models.length === 0 || e.request.models.includes(offer.model) ? 1 : 0;
  const memoryOk = offer.memoryGib * GIB >= e.request.minMemoryMib ? 1 : 0;
  const group = e.request.topology === 'nvlink' ? offer.perNvlinkDomain : offer.perNode;
  return [modelOk, memoryOk, Math.min(group, e.request.count), offer.memoryGib];
}

/** Lexicographic order of two fits (positive: `a` fits better). */
function compareFit(a: readonly number[], b: readonly number[]): number {
  for (const [i, v] of a.entries()) if (v !== b[i]) return v - (b[i] ?? 0);
  return 0;
}

function closestOffer(offers: readonly Offer[], e: Evaluated): Offer | undefined {
  let best: { offer: Offer; fit: number[] } | undefined;
  for (const offer of offers) {
    const fit = fitOf(offer, e);
    if (best === undefined || compareFit(fit, best.fit) > 0) best = { offer, fit };
  }
  return best?.offer;
}

/** Why `e` can never be placed on the cluster (every node schedulable, every GPU free). */
function shortfalls(e: Evaluated, offers: readonly Offer[]): Shortfall[] {
  const g = e.profile.gpus;
  const onOffer = `on offer: ${offers.map(describe).join('; ') || 'nothing'}`;
  if (e.noModel) {
    return [
      {
        code: 'model_unknown',
        pointer: `${e.pointer}/models`,
        message: `the catalog knows none of ${(g.models ?? []).join(', ')}; ${onOffer}`,
      },
    ];
  }
  const ofModel = offers.filter((o) => e.request.models.length === 0 || e.request.models.includes(o.model));
  if (ofModel.length === 0) {
    return [
      {
        code: 'model_unavailable',
        pointer: `${e.pointer}/models`,
        message: `no registered node has a GPU of ${e.gpus.models.join(' or ')}; ${onOffer}`,
      },
    ];
  }
  const withMemory = ofModel.filter((o) => o.memoryGib * GIB >= e.request.minMemoryMib);
  if (withMemory.length === 0) {
    const largest = Math.max(...ofModel.map((o) => o.memoryGib));
    return [
      {
        code: 'memory_too_small',
        pointer: `${e.pointer}/minMemoryGiB`,
        message: `at least ${g.minMemoryGiB ?? 0} GiB per GPU is asked for, and the largest acceptable GPU has ${largest} GiB; ${onOffer}`,
      },
    ];
  }
  const perNode = Math.max(...withMemory.map((o) => o.perNode));
  const perDomain = Math.max(...withMemory.map((o) => o.perNvlinkDomain));
  if (e.request.topology === 'nvlink' && perNode >= e.request.count) {
    return [
      {
        code: 'nvlink_domain_too_small',
        pointer: `${e.pointer}/interconnect`,
        message: `${e.request.count} GPUs in one NVLink domain are asked for, and the largest acceptable domain has ${perDomain} (a node has ${perNode}); ${onOffer}`,
      },
    ];
  }
  return [
    {
      code: 'too_many_gpus',
      pointer: `${e.pointer}/count`,
      message: `${e.request.count} GPUs on one ${e.request.topology === 'nvlink' ? 'NVLink domain' : 'node'} are asked for, and the largest acceptable one has ${e.request.topology === 'nvlink' ? perDomain : perNode}; ${onOffer}`,
    },
  ];
}

function unchecked(profile: WorkloadProfile): ProfileChoice['unchecked'] {
  return (['cpu', 'memoryGiB', 'diskGiB'] as const).filter((f) => profile[f] !== undefined);
}

/**
 * The allocation a catalog launch should request for `resources`, or why none can hold it.
 *
 * @example
 * const match = chooseProfile(manifest.resources, { skus, nodes: (await loadCluster(db)).cluster });
 * if (!match.ok) throw new PlatformError('PROFILE_UNSATISFIABLE', match.message);
 * await compute.create(principal, { project_id, gpus: match.gpus });
 */
export function chooseProfile(resources: WorkloadProfiles, catalog: LiveCatalog): ProfileMatch {
  const tiers: Evaluated[] = [];
  if (resources.recommended !== undefined)
    tiers.push(evaluate('recommended', resources.recommended, catalog));
  const minimum = evaluate('minimum', resources.minimum, catalog);
  tiers.push(minimum);
  const offers = catalogOffers(catalog);
  const now = new ClusterState(catalog.nodes);
  const everything = new ClusterState(
    catalog.nodes.map((n) => ({ ...n, schedulable: true, gpus: n.gpus.map((g) => ({ ...g, free: true })) })),
  );
  const placeNow = (e: Evaluated): Placement | undefined =>
    e.noModel ? undefined : now.place({ ...e.request, id: `${e.request.id}-now` });
  const feasible = (e: Evaluated) => !e.noModel && everything.feasibility(e.request).ok;
  const skipped = (e: Evaluated): Shortfall[] =>
    feasible(e)
      ? [
          {
            code: 'no_capacity',
            pointer: e.pointer,
            message: `not enough free GPUs for the ${e.tier} profile now`,
          },
        ]
      : shortfalls(e, offers);

  const choice = (e: Evaluated, placement: Placement | undefined): ProfileChoice => {
    const notes: string[] = [];
    if (e.profile.gpus.count === 0)
      notes.push(
        'the app needs no GPU; an allocation holds at least one, so one GPU of any model is asked for',
      );
    if (catalog.nodes.length === 0) notes.push('no node is registered yet: the allocation waits for one');
    const recommended = tiers[0]?.tier === 'recommended' && e.tier === 'minimum' ? tiers[0] : undefined;
    return {
      ok: true,
      tier: e.tier,
      gpus: e.gpus,
      availability: placement === undefined ? 'queued' : 'now',
      ...(placement === undefined
        ? {}
        : {
            placement: {
              nodeId: placement.nodeId,
              model: placement.model,
              skuId: catalog.skus.find((s) => s.model === placement.model)?.id ?? null,
            },
          }),
      ...(recommended === undefined ? {} : { recommendedSkipped: skipped(recommended) }),
      unknownModels: e.unknown,
      unchecked: unchecked(e.profile),
      notes,
    };
  };

  for (const e of tiers) {
    const placement = placeNow(e);
    if (placement !== undefined) return choice(e, placement);
  }
  // Nothing free now: the minimum waits in the queue if the cluster could ever hold it.
  if (catalog.nodes.length === 0 ? !minimum.noModel : feasible(minimum)) return choice(minimum, undefined);
  const why = shortfalls(minimum, offers);
  return {
    ok: false,
    code: 'PROFILE_UNSATISFIABLE',
    message: `the catalog cannot satisfy the app's minimum profile: ${why.map((s) => s.message).join('; ')}`,
    shortfalls: why,
    closest: closestOffer(offers, minimum),
    offers,
  };
}

/** A GPU of an existing allocation. */
export interface AllocatedGpu {
  model: string;
  memoryMib: number;
  /** null/absent: no NVLink peers. */
  nvlinkDomain?: string | number | null;
}

export type MinimumCheck = { ok: true } | { ok: false; code: 'PROFILE_NOT_MET'; shortfalls: Shortfall[] };

/**
 * Whether an existing allocation meets the profile's minimum, for a launch into it: enough GPUs,
 * each of an acceptable model with enough memory, all in one NVLink domain when asked for.
 */
export function meetsMinimum(
  resources: WorkloadProfiles,
  allocation: { gpus: readonly AllocatedGpu[] },
  skus: readonly CatalogSku[] = [],
): MinimumCheck {
  const g = resources.minimum.gpus;
  const pointer = '/resources/minimum/gpus';
  const found: Shortfall[] = [];
  const gpus = allocation.gpus;
  if (gpus.length < g.count) {
    found.push({
      code: 'too_few_gpus',
      pointer: `${pointer}/count`,
      message: `the app needs ${g.count} GPUs and the allocation has ${gpus.length}`,
    });
  }
  const names = g.models ?? [];
  if (names.length > 0) {
    const accepted = new Set(
      names.flatMap((name) => {
        const wanted = name.toLowerCase();
        const sku = skus.find((s) => s.id.toLowerCase() === wanted || s.model.toLowerCase() === wanted);
        return [wanted, ...(sku === undefined ? [] : [sku.model.toLowerCase()])];
      }),
    );
    const others = [
      ...new Set(gpus.filter((gpu) => !accepted.has(gpu.model.toLowerCase())).map((gpu) => gpu.model)),
    ];
    if (others.length > 0) {
      found.push({
        code: 'model_unavailable',
        pointer: `${pointer}/models`,
        message: `the app accepts ${names.join(', ')} and the allocation has ${others.join(', ')}`,
      });
    }
  }
  if (g.minMemoryGiB !== undefined) {
    const small = gpus.filter((gpu) => gpu.memoryMib < g.minMemoryGiB! * GIB);
    if (small.length > 0) {
      found.push({
        code: 'memory_too_small',
        pointer: `${pointer}/minMemoryGiB`,
        message: `the app needs ${g.minMemoryGiB} GiB per GPU and ${small.length} of the allocation's GPUs have ${Math.floor(Math.min(...small.map((s) => s.memoryMib)) / GIB)} GiB`,
      });
    }
  }
  if (g.interconnect === 'nvlink' && g.count > 1 && gpus.length > 1) {
    const domains = new Set(gpus.map((gpu) => gpu.nvlinkDomain ?? null));
    if (domains.has(null) || domains.size > 1) {
      found.push({
        code: 'nvlink_domain_too_small',
        pointer: `${pointer}/interconnect`,
        message: "the app needs its GPUs in one NVLink domain and the allocation's are not",
      });
    }
  }
  return found.length === 0 ? { ok: true } : { ok: false, code: 'PROFILE_NOT_MET', shortfalls: found };
}
