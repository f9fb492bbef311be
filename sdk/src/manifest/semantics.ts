/**
 * Checks that JSON Schema cannot express: cross-references (probes → endpoints, prices → meters),
 * uniqueness by a field, the stop grace period against the stop hook, parameter defaults against
 * the parameter's own schema, GPU models against a catalog, and a few warnings.
 *
 * Each check runs only on the parts of the manifest that passed the schema, so it can trust their
 * shape and never reports a consequence of an error already reported.
 */
import { describeValue, durationMs, pathName } from './describe.js';
import { parameterIssues } from './parameters.js';
import type { RawIssue } from './issue.js';
import { escapePointerSegment } from './positions.js';
import { didYouMean } from './suggest.js';
import type { GpuCatalog } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const ptr = (...segments: (string | number)[]): string =>
  segments.map((s) => `/${escapePointerSegment(String(s))}`).join('');

/** Defaults the runtime applies (documented in docs/manifest.md). */
export const DEFAULT_STOP_GRACE_PERIOD = '30s';
export const DEFAULT_HOOK_TIMEOUT = '5m';

function error(
  pointer: string,
  code: RawIssue['code'],
  message: string,
  hint?: string,
  anchor: RawIssue['anchor'] = 'value',
): RawIssue {
  return { pointer, anchor, code, message, hint, severity: 'error' };
}

function warning(pointer: string, code: RawIssue['code'], message: string, hint?: string): RawIssue {
  return { pointer, anchor: 'key', code, message, hint, severity: 'warning' };
}

/** Reports items whose `field` repeats an earlier item's. */
function duplicates(
  list: unknown[],
  base: string[],
  field: string,
  code: RawIssue['code'],
  what: string,
): RawIssue[] {
  const first = new Map<unknown, number>();
  const out: RawIssue[] = [];
  list.forEach((item, i) => {
    const value = asObj(item)[field];
    if (value === undefined) return;
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, i);
    else {
      const at = ptr(...base, i, field);
      out.push(
        error(
          at,
          code,
          `${pathName(at)} ${describeValue(value)} is already used by ${pathName(ptr(...base, earlier))}`,
          `${what} must be unique`,
        ),
      );
    }
  });
  return out;
}

function globProblem(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob))
    return 'is absolute; globs are relative to the app folder';
  if (glob.includes('\\')) return "uses '\\'; separate folders with '/'";
  if (glob.split('/').includes('..')) return "leaves the app folder with '..'";
  let square = 0;
  let curly = 0;
  for (const c of glob) {
    if (c === '[') square++;
    else if (c === ']') square--;
    else if (c === '{') curly++;
    else if (c === '}') curly--;
    if (square < 0 || curly < 0) break;
  }
  if (square !== 0 || curly !== 0) return 'has unbalanced [ ] or { }';
  return undefined;
}

function globIssues(files: Obj): RawIssue[] {
  const lists: [string[], unknown][] = [
    [['files', 'include'], files.include],
    [['files', 'exclude'], files.exclude],
    ...asList(files.layers).map((l, i): [string[], unknown] => [
      ['files', 'layers', String(i), 'include'],
      asObj(l).include,
    ]),
  ];
  const out: RawIssue[] = [];
  for (const [base, list] of lists) {
    asList(list).forEach((glob, i) => {
      const problem = typeof glob === 'string' ? globProblem(glob) : undefined;
      if (problem)
        out.push(
          error(
            ptr(...base, i),
            'glob-invalid',
            `${pathName(ptr(...base, i))} "${String(glob)}" ${problem}`,
            'write a glob relative to the app folder, e.g. models/** or src/*.py',
          ),
        );
    });
  }
  return out;
}

const PROBES = ['startup', 'readiness', 'liveness'] as const;
const PROFILE_FIELDS: [string, string][] = [
  ['gpus', 'count'],
  ['gpus', 'minMemoryGiB'],
  ['cpu'],
  ['memoryGiB'],
  ['diskGiB'],
].map((p) => [p.join('/'), p.join('.')] as [string, string]);

function dig(o: unknown, path: string): unknown {
  return path.split('/').reduce<unknown>((v, k) => asObj(v)[k], o);
}

/** All checks beyond the schema. `schemaErrorPointers` are the pointers of schema errors found. */
export function semanticIssues(
  manifest: unknown,
  schemaErrorPointers: readonly string[],
  catalog?: GpuCatalog,
): RawIssue[] {
  // Segments, not a pointer: most manifests have no schema errors, and then nothing is built.
  const clean = (...segments: (string | number)[]): boolean => {
    if (schemaErrorPointers.length === 0) return true;
    const pointer = ptr(...segments);
    // One is the other, or within it: a prefix that ends where a segment ends.
    const within = (inner: string, outer: string): boolean =>
      inner.startsWith(outer) && (inner.length === outer.length || inner[outer.length] === '/');
    return !schemaErrorPointers.some((p) => p === '' || within(p, pointer) || within(pointer, p));
  };
  if (!isObj(manifest)) return [];
  const out: RawIssue[] = [];
  const endpoints = asList(manifest.endpoints);
  const endpointsClean = clean('endpoints');
  if (endpointsClean) {
    out.push(...duplicates(endpoints, ['endpoints'], 'name', 'duplicate-endpoint-name', 'endpoint names'));
    out.push(...duplicates(endpoints, ['endpoints'], 'port', 'duplicate-endpoint-port', 'endpoint ports'));
  }
  const byName = new Map(endpoints.map((e) => [asObj(e).name, asObj(e)]));
  const health = asObj(manifest.health);
  for (const kind of PROBES) {
    const probe = asObj(health[kind]);
    if (!endpointsClean || !clean('health', kind)) continue;
    for (const via of ['http', 'tcp'] as const) {
      const name = asObj(probe[via]).endpoint;
      if (typeof name !== 'string') continue;
      const target = byName.get(name);
      const at =
        target === undefined || (via === 'http' && target.protocol === 'tcp')
          ? ptr('health', kind, via, 'endpoint')
          : '';
      if (target === undefined) {
        const names = [...byName.keys()].map(String);
        const guess = didYouMean(name, names);
        const hint = guess
          ? `did you mean "${guess}"?`
          : names.length > 0
            ? `declared endpoints: ${names.join(', ')}`
            : 'declare the endpoint under endpoints';
        out.push(
          error(
            at,
            'probe-endpoint-unknown',
            `${pathName(at)} names endpoint "${name}", which is not declared under endpoints`,
            hint,
          ),
        );
      } else if (via === 'http' && target.protocol === 'tcp') {
        out.push(
          warning(
            at,
            'probe-endpoint-protocol',
            `${pathName(at)} sends HTTP requests to endpoint "${name}", which is declared as tcp`,
            `use a tcp probe, or set the endpoint's protocol to http`,
          ),
        );
      }
    }
  }
  if (endpointsClean && endpoints.length > 0 && health.readiness === undefined && clean('health')) {
    out.push(
      warning(
        manifest.health === undefined ? '/endpoints' : '/health',
        'readiness-probe-missing',
        'the app declares endpoints but no health.readiness probe, so it counts as ready (and billed) as soon as it starts',
        'add health.readiness, e.g. http: {endpoint: api, path: /healthz}',
      ),
    );
  }

  const meters = asList(manifest.meters);
  const metersClean = clean('meters');
  if (metersClean) out.push(...duplicates(meters, ['meters'], 'name', 'duplicate-meter', 'meter names'));
  const meterNames = meters.map((m) => String(asObj(m).name));
  const metered = asList(asObj(manifest.billing).metered);
  if (clean('billing', 'metered'))
    out.push(
      ...duplicates(metered, ['billing', 'metered'], 'meter', 'duplicate-metered-price', 'priced meters'),
    );
  metered.forEach((price, i) => {
    const meter = asObj(price).meter;
    if (
      !metersClean ||
      typeof meter !== 'string' ||
      meterNames.includes(meter) ||
      !clean('billing', 'metered', i)
    )
      return;
    const at = ptr('billing', 'metered', i, 'meter');
    const guess = didYouMean(meter, meterNames);
    const hint = guess
      ? `did you mean "${guess}"?`
      : meterNames.length > 0
        ? `declared meters: ${meterNames.join(', ')}`
        : 'declare the meter under meters';
    out.push(
      error(
        at,
        'meter-unknown',
        `${pathName(at)} prices meter "${meter}", which is not declared under meters`,
        hint,
      ),
    );
  });

  const files = asObj(manifest.files);
  if (clean('files')) {
    const layers = asList(files.layers);
    out.push(...duplicates(layers, ['files', 'layers'], 'name', 'duplicate-layer-name', 'layer names'));
    layers.forEach((layer, i) => {
      if (asObj(layer).name !== 'main') return;
      const at = ptr('files', 'layers', i, 'name');
      out.push(
        error(
          at,
          'layer-name-reserved',
          `${pathName(at)} "main" is reserved for the layer that holds every file not matched by a named layer`,
          'choose another name, e.g. weights',
        ),
      );
    });
    out.push(...globIssues(files));
  }

  const stopHook = asObj(manifest.hooks).stop;
  if (isObj(stopHook) && clean('hooks', 'stop') && clean('health', 'stop')) {
    const stop = asObj(health.stop);
    const grace = typeof stop.gracePeriod === 'string' ? stop.gracePeriod : undefined;
    const timeout = typeof stopHook.timeout === 'string' ? stopHook.timeout : undefined;
    const g = grace ?? DEFAULT_STOP_GRACE_PERIOD;
    const t = timeout ?? DEFAULT_HOOK_TIMEOUT;
    if (durationMs(g) < durationMs(t)) {
      const at =
        grace !== undefined
          ? '/health/stop/gracePeriod'
          : timeout !== undefined
            ? '/hooks/stop/timeout'
            : '/hooks/stop';
      const said = (v: string, given: string | undefined): string =>
        given === undefined ? `${v}, the default` : v;
      out.push(
        error(
          at,
          'grace-period-too-short',
          `health.stop.gracePeriod (${said(g, grace)}) is shorter than hooks.stop.timeout (${said(t, timeout)}): the app would be killed while its stop hook may still run`,
          `set hooks.stop.timeout to at most ${g}, or health.stop.gracePeriod to at least ${t}`,
          grace === undefined && timeout === undefined ? 'key' : 'value',
        ),
      );
    }
  }

  for (const [name, parameter] of Object.entries(asObj(manifest.parameters))) {
    if (clean('parameters', name) && isObj(parameter)) out.push(...parameterIssues(name, parameter));
  }

  const resources = asObj(manifest.resources);
  if (catalog) {
    const known = new Set(catalog.models);
    for (const profile of ['minimum', 'recommended']) {
      if (!clean('resources', profile)) continue;
      asList(dig(resources, `${profile}/gpus/models`)).forEach((model, i) => {
        if (typeof model !== 'string' || known.has(model)) return;
        const at = ptr('resources', profile, 'gpus', 'models', i);
        const guess = didYouMean(model, catalog.models);
        const list = catalog.models.slice(0, 12).join(', ') + (catalog.models.length > 12 ? ', ...' : '');
        out.push(
          error(
            at,
            'gpu-model-unknown',
            `${pathName(at)} "${model}" is not a GPU model in the catalog`,
            guess ? `did you mean "${guess}"?` : `known models: ${list}`,
          ),
        );
      });
    }
  }
  if (isObj(resources.recommended) && clean('resources')) {
    for (const [path, dotted] of PROFILE_FIELDS) {
      const min = dig(resources.minimum, path);
      const rec = dig(resources.recommended, path);
      if (typeof min === 'number' && typeof rec === 'number' && rec < min) {
        out.push(
          warning(
            `/resources/recommended/${path}`,
            'recommended-below-minimum',
            `resources.recommended.${dotted} (${rec}) is less than resources.minimum.${dotted} (${min})`,
            'the recommended profile should ask for at least the minimum',
          ),
        );
      }
    }
  }
  return out;
}
