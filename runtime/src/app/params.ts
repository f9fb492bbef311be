/**
 * Launch parameters: checked against each parameter's JSON Schema by the sdk's `resolveLaunchParams`
 * (the very schemas its validator compiles), defaults applied, then handed to the app as
 * `GPUAAS_PARAM_<NAME>` variables and a JSON file (mode 0600). Secret values never leave those two channels: everything else the
 * runtime shows (logs, hook tails, status, events) goes through the redactor built here.
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ErrorObject } from 'ajv';
import type { GpuaasAppManifest, Parameter } from '@gpuaas/manifest-schema';
import { resolveLaunchParams } from '@gpuaas/sdk/manifest';
import type { LaunchParamProblem } from '@gpuaas/sdk/manifest';
import { RuntimeError } from '../errors.js';
import { giveToTenant } from '../sandbox/tenant.js';

export type ParamValues = Record<string, unknown>;

export interface ParamProblem {
  parameter: string;
  message: string;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '' : ` at ${error.instancePath}`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `must be of type ${String(p.type)}${at}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${at}`;
    default:
      return `${error.message ?? 'is not valid'}${at}`;
  }
}

function declared(manifest: GpuaasAppManifest): Record<string, Parameter> {
  return manifest.parameters ?? {};
}

function unknownProblem(name: string, manifest: GpuaasAppManifest): ParamProblem {
  const names = Object.keys(declared(manifest));
  return {
    parameter: name,
    message: `is not declared by the app (${names.length === 0 ? 'it declares no parameters' : `declared: ${names.join(', ')}`})`,
  };
}

function launchProblems(problem: LaunchParamProblem, manifest: GpuaasAppManifest): ParamProblem[] {
  const { parameter } = problem;
  switch (problem.kind) {
    case 'undeclared':
      return [unknownProblem(parameter, manifest)];
    case 'schema-invalid':
      return [{ parameter, message: `has an invalid schema: ${problem.error.message}` }];
    case 'invalid': {
      // A secret's rejected value must not be echoed back in the error.
      const shown = problem.secret ? '' : ` (got ${JSON.stringify(problem.value)})`;
      return problem.errors.map((error) => ({ parameter, message: `${describeError(error)}${shown}` }));
    }
  }
}

function fail(problems: ParamProblem[]): never {
  const text = problems.map((p) => `parameter "${p.parameter}" ${p.message}`).join('; ');
  throw new RuntimeError('PARAMETERS_INVALID', text, { details: { errors: problems } });
}

/**
 * Turns a `--param k=v` string into the declared type: numbers and integers are parsed, booleans
 * accept true/false/1/0/yes/no, arrays and objects are JSON. Throws PARAMETERS_INVALID naming `k`.
 */
export function coerceParamValue(name: string, raw: string, parameter: Parameter): unknown {
  const bad = (why: string): never =>
    fail([{ parameter: name, message: `${why} (got ${JSON.stringify(raw)})` }]);
  switch (parameter.type) {
    case 'string':
      return raw;
    case 'number':
    case 'integer': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n)) return bad(`must be a ${parameter.type}`);
      if (parameter.type === 'integer' && !Number.isInteger(n)) return bad('must be an integer');
      return n;
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return bad('must be true or false');
    }
    default:
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return bad(`must be a JSON ${parameter.type}`);
      }
  }
}

/** `['k=v', …]` (the `--param` flags) → values typed by the manifest's declarations. */
export function parseParamArgs(args: readonly string[], manifest: GpuaasAppManifest): ParamValues {
  const values: ParamValues = {};
  const problems: ParamProblem[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      problems.push({ parameter: eq === 0 ? '' : arg, message: 'must be given as name=value' });
      continue;
    }
    const name = arg.slice(0, eq);
    const parameter = declared(manifest)[name];
    if (parameter === undefined) {
      problems.push(unknownProblem(name, manifest));
      continue;
    }
    try {
      values[name] = coerceParamValue(name, arg.slice(eq + 1), parameter);
    } catch (error) {
      const detail = (error as RuntimeError).details?.errors as ParamProblem[] | undefined;
      problems.push(...(detail ?? [{ parameter: name, message: String(error) }]));
    }
  }
  if (problems.length > 0) fail(problems);
  return values;
}

/** `GPUAAS_PARAM_<NAME>`: the name upper-cased (parameter names are lower snake case). */
export function paramEnvName(name: string): string {
  return `GPUAAS_PARAM_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

function envValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const REDACTED = '***';

/**
 * A function that replaces every occurrence of the given secrets with `***`, also in their JSON
 * string-escaped form (a secret with a quote or backslash shows up escaped in JSON logs).
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    needles.add(s);
    needles.add(JSON.stringify(s).slice(1, -1));
  }
  if (needles.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const pattern = new RegExp(
    [...needles]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, REDACTED);
}

/** Validated parameters of one launch, with what the app gets and what others may see. */
export class ParamSet {
  readonly values: Readonly<ParamValues>;
  readonly secretNames: ReadonlySet<string>;
  /** Replaces every secret value in a text with `***`. */
  readonly redact: (text: string) => string;

  private constructor(values: ParamValues, manifest: GpuaasAppManifest) {
    this.values = values;
    const secretNames = new Set<string>();
    const secretValues: string[] = [];
    for (const [name, parameter] of Object.entries(declared(manifest))) {
      if (parameter.secret !== true) continue;
      secretNames.add(name);
      if (values[name] !== undefined) secretValues.push(envValue(values[name]));
    }
    this.secretNames = secretNames;
    this.redact = createRedactor(secretValues);
  }

  /**
   * Validates launch values (JSON values, or what {@link parseParamArgs} produced) against the
   * manifest and applies defaults. Every problem is reported at once: PARAMETERS_INVALID with
   * `details.errors: [{ parameter, message }]`.
   */
  static resolve(manifest: GpuaasAppManifest, input: ParamValues = {}): ParamSet {
    const { values, problems } = resolveLaunchParams(manifest, input);
    if (problems.length > 0) fail(problems.flatMap((p) => launchProblems(p, manifest)));
    return new ParamSet(values, manifest);
  }

  /** `GPUAAS_PARAM_<NAME>` for every set parameter (arrays and objects as JSON). */
  env(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.values)) env[paramEnvName(name)] = envValue(value);
    return env;
  }

  /** The values with secrets replaced by `***`: what status reports and logs may show. */
  redacted(): ParamValues {
    const out: ParamValues = {};
    for (const [name, value] of Object.entries(this.values))
      out[name] = this.secretNames.has(name) ? REDACTED : value;
    return out;
  }

  /** Names whose values differ from `other` (added, removed or changed). */
  changedFrom(other: ParamSet): string[] {
    const names = new Set([...Object.keys(this.values), ...Object.keys(other.values)]);
    return [...names]
      .filter((n) => JSON.stringify(this.values[n]) !== JSON.stringify(other.values[n]))
      .sort();
  }

  /** Writes the values as JSON, mode 0600, atomically (the app may read it at any moment). */
  async writeFile(path: string): Promise<void> {
    // Traversable for the app's uid (the file itself is 0600 and the app's).
    await mkdir(dirname(path), { recursive: true, mode: 0o711 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.values, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await giveToTenant(tmp);
    await rename(tmp, path);
  }
}

/**
 * Checks that a change of parameters on a running app only touches `mutable: true` parameters.
 * Throws PARAMETERS_INVALID naming each immutable parameter that would change.
 */
export function assertMutable(manifest: GpuaasAppManifest, next: ParamSet, current: ParamSet): string[] {
  const changed = next.changedFrom(current);
  const problems = changed
    .filter((name) => declared(manifest)[name]?.mutable !== true)
    .map((parameter) => ({ parameter, message: 'is not mutable: it can only be set at launch' }));
  if (problems.length > 0) fail(problems);
  return changed;
}
