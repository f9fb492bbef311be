/**
 * Checks that JSON Schema cannot express: cross-references (probes → endpoints, prices → meters),
 * uniqueness by a field, the stop grace period against the stop hook, parameter defaults against
 * the parameter's own schema, GPU models against a catalog, and a few warnings.
 *
 * Each check runs only on the parts of the manifest that passed the schema, so it can trust their
 * shape and never reports a consequence of an error already reported.
 */
import type { ValidateFunction } from 'ajv';
import { createAjv } from './schema-check.js';
import { describeValue, durationMs, pathName } from './describe.js';
import type { RawIssue } from './issue.js';
import { escapePointerSegment } from './positions.js';
import { didYouMean, listOf } from './suggest.js';
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

function error(pointer: string, code: RawIssue['code'], message: string, hint?: string, anchor: RawIssue['anchor'] = 'value'): RawIssue {
  return { pointer, anchor, code, message, hint, severity: 'error' };
}

function warning(pointer: string, code: RawIssue['code'], message: string, hint?: string): RawIssue {
  return { pointer, anchor: 'key', code, message, hint, severity: 'warning' };
}

/** Reports items whose `field` repeats an earlier item's. */
function duplicates(list: unknown[], base: string[], field: string, code: RawIssue['code'], what: string): RawIssue[] {
  const first = new Map<unknown, number>();
  const out: RawIssue[] = [];
  list.forEach((item, i) => {
    const value = asObj(item)[field];
    if (value === undefined) return;
    const earlier = first.get(value);
    if (earlier === undefined) first.set(value, i);
    else {
      const at = ptr(...base, i, field);
      out.push(error(at, code, `${pathName(at)} ${describeValue(value)} is already used by ${pathName(ptr(...base, earlier))}`, `${what} must be unique`));
    }
  });
  return out;
}

function globProblem(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'is absolute; globs are relative to the app folder';
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
    ...asList(files.layers).map((l, i): [string[], unknown] => [['files', 'layers', String(i), 'include'], asObj(l).include]),
  ];
  const out: RawIssue[] = [];
  for (const [base, list] of lists) {
    asList(list).forEach((glob, i) => {
      const problem = typeof glob === 'string' ? globProblem(glob) : undefined;
      if (problem) out.push(error(ptr(...base, i), 'glob-invalid', `${pathName(ptr(...base, i))} ${JSON.stringify(glob)} ${problem}`, 'write a glob relative to the app folder, e.g. models/** or src/*.py'));
    });
  }
  return out;
}

// Parameter schemas are compiled once per distinct schema: validating the same manifest again (an
// editor, CI over templates) must not pay ajv's compile cost each time.
const PARAMETER_KEYWORDS = ['type', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format', 'items', 'minItems', 'maxItems', 'properties', 'required'];
const CACHE_LIMIT = 256;
let parameterAjv = createAjv({ strictTypes: false });
const compiled = new Map<string, ValidateFunction | Error>();

function compileParameter(parameter: Obj): ValidateFunction | Error {
  const schema: Obj = {};
  for (const k of PARAMETER_KEYWORDS) if (parameter[k] !== undefined) schema[k] = parameter[k];
  const key = JSON.stringify(schema);
  let entry = compiled.get(key);
  if (entry === undefined) {
    if (compiled.size >= CACHE_LIMIT) {
      // A fresh ajv drops the schemas the old one kept, so memory stays bounded.
      compiled.clear();
      parameterAjv = createAjv({ strictTypes: false });
    }
    try {
      entry = parameterAjv.compile(schema);
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(key, entry);
  }
  return entry;
}

function reason(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  if (!e) return 'it does not match';
  const p = e.params as Record<string, unknown>;
  const at = e.instancePath === '' ? '' : ` at ${e.instancePath}`;
  switch (e.keyword) {
    case 'type':
      return `it must be ${String(p.type)}${at}`;
    case 'enum':
      return `it must be one of ${listOf((p.allowedValues as unknown[]).map((v) => JSON.stringify(v)))}${at}`;
    case 'pattern':
      return `it must match /${String(p.pattern)}/${at}`;
    default:
      return `it ${e.message ?? 'does not match'}${at}`;
  }
}

const BOUNDS: [string, string][] = [['minimum', 'maximum'], ['minLength', 'maxLength'], ['minItems', 'maxItems']];

function parameterIssues(name: string, parameter: Obj): RawIssue[] {
  const at = ptr('parameters', name);
  const hasDefault = Object.hasOwn(parameter, 'default');
  if (parameter.secret === true && hasDefault) {
    return [error(`${at}/default`, 'secret-has-default', `${pathName(at)} is a secret and must not have a default`, 'remove the default; the tenant supplies secrets at launch', 'key')];
  }
  for (const [lo, hi] of BOUNDS) {
    const a = parameter[lo];
    const b = parameter[hi];
    if (typeof a === 'number' && typeof b === 'number' && a > b) {
      return [error(`${at}/${lo}`, 'parameter-schema-invalid', `${pathName(at)} can never be satisfied: ${lo} ${a} is greater than ${hi} ${b}`, `swap ${lo} and ${hi}`, 'key')];
    }
  }
  const validate = compileParameter(parameter);
  if (validate instanceof Error) {
    return [error(at, 'parameter-schema-invalid', `${pathName(at)} is not a valid JSON Schema: ${validate.message}`, undefined, 'key')];
  }
  if (hasDefault && !validate(parameter.default)) {
    return [error(`${at}/default`, 'parameter-default-invalid', `${pathName(at)}.default ${describeValue(parameter.default)} is not valid for the parameter: ${reason(validate)}`, 'change the default or the parameter schema so they agree')];
  }
  return [];
}

const PROBES = ['startup', 'readiness', 'liveness'] as const;
const PROFILE_FIELDS: [string, string][] = [['gpus', 'count'], ['gpus', 'minMemoryGiB'], ['cpu'], ['memoryGiB'], ['diskGiB']].map((p) => [p.join('/'), p.join('.')] as [string, string]);

function dig(o: unknown, path: string): unknown {
  return path.split('/').reduce<unknown>((v, k) => asObj(v)[k], o);
}

/** All checks beyond the schema. `schemaErrorPointers` are the pointers of schema errors found. */
export function semanticIssues(manifest: unknown, schemaErrorPointers: readonly string[], catalog?: GpuCatalog): RawIssue[] {
  const clean = (pointer: string): boolean =>
    !schemaErrorPointers.some((p) => p === pointer || p.startsWith(`${pointer}/`) || pointer.startsWith(`${p}/`) || p === '');
  if (!isObj(manifest)) return [];
  const out: RawIssue[] = [];
  const endpoints = asList(manifest.endpoints);
  const endpointsClean = clean('/endpoints');
  if (endpointsClean) {
    out.push(...duplicates(endpoints, ['endpoints'], 'name', 'duplicate-endpoint-name', 'endpoint names'));
    out.push(...duplicates(endpoints, ['endpoints'], 'port', 'duplicate-endpoint-port', 'endpoint ports'));
  }
  const byName = new Map(endpoints.map((e) => [asObj(e).name, asObj(e)]));
  const health = asObj(manifest.health);
  for (const kind of PROBES) {
    const probe = asObj(health[kind]);
    if (!endpointsClean || !clean(ptr('health', kind))) continue;
    for (const via of ['http', 'tcp'] as const) {
      const name = asObj(probe[via]).endpoint;
      if (typeof name !== 'string') continue;
      const at = ptr('health', kind, via, 'endpoint');
      const target = byName.get(name);
      if (target === undefined) {
        const names = [...byName.keys()].map(String);
        const guess = didYouMean(name, names);
        const hint = guess ? `did you mean "${guess}"?` : names.length > 0 ? `declared endpoints: ${names.join(', ')}` : 'declare the endpoint under endpoints';
        out.push(error(at, 'probe-endpoint-unknown', `${pathName(at)} names endpoint "${name}", which is not declared under endpoints`, hint));
      } else if (via === 'http' && target.protocol === 'tcp') {
        out.push(warning(at, 'probe-endpoint-protocol', `${pathName(at)} sends HTTP requests to endpoint "${name}", which is declared as tcp`, `use a tcp probe, or set the endpoint's protocol to http`));
      }
    }
  }
  if (endpointsClean && endpoints.length > 0 && health.readiness === undefined && clean('/health')) {
    out.push(warning(manifest.health === undefined ? '/endpoints' : '/health', 'readiness-probe-missing', 'the app declares endpoints but no health.readiness probe, so it counts as ready (and billed) as soon as it starts', 'add health.readiness, e.g. http: {endpoint: api, path: /healthz}'));
  }

  const meters = asList(manifest.meters);
  const metersClean = clean('/meters');
  if (metersClean) out.push(...duplicates(meters, ['meters'], 'name', 'duplicate-meter', 'meter names'));
  const meterNames = meters.map((m) => String(asObj(m).name));
  const metered = asList(asObj(manifest.billing).metered);
  if (clean('/billing/metered')) out.push(...duplicates(metered, ['billing', 'metered'], 'meter', 'duplicate-metered-price', 'priced meters'));
  metered.forEach((price, i) => {
    const meter = asObj(price).meter;
    const at = ptr('billing', 'metered', i, 'meter');
    if (!metersClean || !clean(ptr('billing', 'metered', i)) || typeof meter !== 'string' || meterNames.includes(meter)) return;
    const guess = didYouMean(meter, meterNames);
    const hint = guess ? `did you mean "${guess}"?` : meterNames.length > 0 ? `declared meters: ${meterNames.join(', ')}` : 'declare the meter under meters';
    out.push(error(at, 'meter-unknown', `${pathName(at)} prices meter "${meter}", which is not declared under meters`, hint));
  });

  const files = asObj(manifest.files);
  if (clean('/files')) {
    out.push(...duplicates(asList(files.layers), ['files', 'layers'], 'name', 'duplicate-layer-name', 'layer names'));
    out.push(...globIssues(files));
  }

  const stopHook = asObj(manifest.hooks).stop;
  if (isObj(stopHook) && clean('/hooks/stop') && clean('/health/stop')) {
    const stop = asObj(health.stop);
    const grace = typeof stop.gracePeriod === 'string' ? stop.gracePeriod : undefined;
    const timeout = typeof stopHook.timeout === 'string' ? stopHook.timeout : undefined;
    const g = grace ?? DEFAULT_STOP_GRACE_PERIOD;
    const t = timeout ?? DEFAULT_HOOK_TIMEOUT;
    if (durationMs(g) < durationMs(t)) {
      const at = grace !== undefined ? '/health/stop/gracePeriod' : timeout !== undefined ? '/hooks/stop/timeout' : '/hooks/stop';
      const said = (v: string, given: string | undefined): string => (given === undefined ? `${v}, the default` : v);
      out.push(error(at, 'grace-period-too-short', `health.stop.gracePeriod (${said(g, grace)}) is shorter than hooks.stop.timeout (${said(t, timeout)}): the app would be killed while its stop hook may still run`, `set hooks.stop.timeout to at most ${g}, or health.stop.gracePeriod to at least ${t}`, grace === undefined && timeout === undefined ? 'key' : 'value'));
    }
  }

  for (const [name, parameter] of Object.entries(asObj(manifest.parameters))) {
    if (clean(ptr('parameters', name)) && isObj(parameter)) out.push(...parameterIssues(name, parameter));
  }

  const resources = asObj(manifest.resources);
  if (catalog) {
    const known = new Set(catalog.models);
    for (const profile of ['minimum', 'recommended']) {
      if (!clean(ptr('resources', profile))) continue;
      asList(dig(resources, `${profile}/gpus/models`)).forEach((model, i) => {
        if (typeof model !== 'string' || known.has(model)) return;
        const at = ptr('resources', profile, 'gpus', 'models', i);
        const guess = didYouMean(model, catalog.models);
        const list = catalog.models.slice(0, 12).join(', ') + (catalog.models.length > 12 ? ', ...' : '');
        out.push(error(at, 'gpu-model-unknown', `${pathName(at)} "${model}" is not a GPU model in the catalog`, guess ? `did you mean "${guess}"?` : `known models: ${list}`));
      });
    }
  }
  if (isObj(resources.recommended) && clean('/resources')) {
    for (const [path, dotted] of PROFILE_FIELDS) {
      const min = dig(resources.minimum, path);
      const rec = dig(resources.recommended, path);
      if (typeof min === 'number' && typeof rec === 'number' && rec < min) {
        out.push(warning(`/resources/recommended/${path}`, 'recommended-below-minimum', `resources.recommended.${dotted} (${rec}) is less than resources.minimum.${dotted} (${min})`, 'the recommended profile should ask for at least the minimum'));
      }
    }
  }
  return out;
}
