/**
 * Which slurmrestd API this backend speaks. slurmrestd changes its REST API with almost every
 * Slurm release (22.05 serves v0.0.36–v0.0.38 — v0.0.36 and v0.0.37 deprecated —, 23.02 v0.0.39,
 * 23.11 v0.0.40 …) and the payloads differ between them, so the backend reads the versions a server
 * serves from its OpenAPI document (`GET /openapi/v3`, the `/slurm/vX.Y.Z/…` paths) and picks the
 * newest one it knows. The document's own `info.version` is no help: 22.05 reports `0.0.36` there
 * whatever plugins it loaded.
 */

/** The versions this backend's requests and parsers are written (and tested) against, best first. */
export const SUPPORTED_SLURM_APIS = ['v0.0.38'] as const;
export type SlurmApiVersion = (typeof SUPPORTED_SLURM_APIS)[number];

const PATH_VERSION = /^\/slurm\/(v\d+\.\d+\.\d+)\//;

/** The distinct `/slurm/vX.Y.Z/` versions of an OpenAPI document's paths, newest first. */
export function servedVersions(document: unknown): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const paths = (document as { paths?: unknown }).paths;
  if (typeof paths !== 'object' || paths === null) return [];
  const found = new Set<string>();
  for (const path of Object.keys(paths)) {
    const version = PATH_VERSION.exec(path)?.[1];
    if (version !== undefined) found.add(version);
  }
  return [...found].sort(compareVersions).reverse();
}

export type ApiChoice =
  { ok: true; version: SlurmApiVersion; served: string[] } | { ok: false; served: string[]; message: string };

/**
 * The newest supported version among those served, or why none fits (naming what the server
 * serves and what this backend supports), as a result rather than an exception.
 */
export function chooseApiVersion(document: unknown): ApiChoice {
  const served = servedVersions(document);
  const version = SUPPORTED_SLURM_APIS.find((v) => served.includes(v));
  if (version !== undefined) return { ok: true, version, served };
  const supported = SUPPORTED_SLURM_APIS.join(', ');
  if (served.length === 0) {
    return {
      ok: false,
      served,
      message: `slurmrestd's OpenAPI document lists no /slurm/vX.Y.Z/ paths (is the openapi/${SUPPORTED_SLURM_APIS[0]} plugin loaded? slurmrestd -s openapi/${SUPPORTED_SLURM_APIS[0]}); this backend supports ${supported}`,
    };
  }
  const newer = served.some((v) => compareVersions(v, SUPPORTED_SLURM_APIS[0]) > 0);
  return {
    ok: false,
    served,
    message: `slurmrestd serves ${served.join(', ')}; this backend supports ${supported} (Slurm 22.05)${
      newer
        ? ': this Slurm is newer than the backend; load the older plugin (slurmrestd -s openapi/v0.0.38) if it still ships it'
        : ''
    }`,
  };
}

/** Orders `vX.Y.Z` strings numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.slice(1).split('.').map(Number);
  const pb = b.slice(1).split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
