/**
 * Public types of the manifest validator. Diagnostic codes are a stable contract: tests, editors and
 * CI annotations branch on them, so codes are only ever added, never renamed.
 */
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';

/** Every diagnostic code the validator reports, with its meaning (docs/manifest.md lists them too). */
export const MANIFEST_ISSUE_CODES = {
  // reading and parsing
  'io-error': 'The manifest file or folder could not be read.',
  'yaml-syntax': 'The file is not well-formed YAML.',
  'json-syntax': 'A .json manifest is not strict JSON (comments, trailing commas, single quotes).',
  'duplicate-key': 'A mapping lists the same key twice.',
  'empty-manifest': 'The file holds no manifest (empty, or only comments).',
  'yaml-warning': 'The YAML parser warned about a construct it could not fully resolve.',
  // JSON Schema
  'unknown-property': 'A property the schema does not define (often a misspelling).',
  required: 'A required property is missing.',
  type: 'A value has the wrong type.',
  enum: 'A value is not one of the allowed values.',
  const: 'A value must be exactly one fixed value (apiVersion).',
  pattern: 'A string does not have the expected form (DNS label, semver, duration, name...).',
  format: 'A string is not a valid URI, regular expression or other well-known format.',
  'one-of': 'An object must have exactly one of several properties (a probe: http, tcp or command).',
  range: 'A number, string or list is too small or too large.',
  unique: 'A list that must hold distinct items repeats one.',
  'money-float': 'Money written as a bare number; write a decimal string like "0.50" or {micros: 500000}.',
  // checks beyond the schema
  'duplicate-endpoint-name': 'Two endpoints have the same name.',
  'duplicate-endpoint-port': 'Two endpoints listen on the same port.',
  'probe-endpoint-unknown': 'An http or tcp probe names an endpoint that is not declared.',
  'duplicate-meter': 'Two meters have the same name.',
  'meter-unknown': 'billing.metered prices a meter that is not declared under meters.',
  'duplicate-metered-price': 'billing.metered prices the same meter twice.',
  'duplicate-layer-name': 'Two file layers have the same name.',
  'layer-name-reserved': 'A file layer is named "main", the name of the layer that holds every other file.',
  'glob-invalid': 'A files glob is absolute, climbs out of the app folder, or has unbalanced brackets.',
  'grace-period-too-short': "health.stop.gracePeriod is shorter than the stop hook's timeout.",
  'parameter-schema-invalid': "A parameter's own schema cannot be compiled or can never be satisfied.",
  'parameter-default-invalid': "A parameter's default is not valid against the parameter's own schema.",
  'secret-has-default': 'A secret parameter has a default value.',
  'gpu-model-unknown': 'A GPU model is not in the catalog given with --catalog.',
  // warnings
  'recommended-below-minimum': 'The recommended profile asks for less than the minimum profile.',
  'readiness-probe-missing':
    'The app declares endpoints but no readiness probe, so it is ready as soon as it starts.',
  'probe-endpoint-protocol': 'An http probe targets an endpoint declared as tcp.',
  // the validator itself
  'internal-error': 'The validator failed unexpectedly; please report it with the manifest.',
} as const;

/** A stable diagnostic code; see {@link MANIFEST_ISSUE_CODES} for the meaning of each. */
export type ManifestIssueCode = keyof typeof MANIFEST_ISSUE_CODES;

/**
 * One finding. Lines and columns are 1-based; columns count UTF-16 code units (what editors and
 * SARIF use). `endLine`/`endColumn` point just past the last character of the flagged source.
 */
export interface ManifestDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer (RFC 6901) to the value concerned; '' is the whole manifest. */
  pointer: string;
  code: ManifestIssueCode;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

export interface ManifestValidationResult {
  file: string;
  /** The manifest, set only when there are no errors. */
  value: GpuaasAppManifest | undefined;
  errors: ManifestDiagnostic[];
  warnings: ManifestDiagnostic[];
}

/** GPU models the platform knows; `resources.*.gpus.models` are checked against it when given. */
export interface GpuCatalog {
  models: readonly string[];
}

export interface ValidateOptions {
  /** Name used in diagnostics; a `.json` ending selects strict JSON checks. Default `<input>`. */
  file?: string;
  /** Known GPU models; without a catalog GPU model names are not checked (offline by default). */
  catalog?: GpuCatalog;
}
