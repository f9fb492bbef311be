/* eslint-disable */
// Generated from manifest-schema/schema/gpuaas-app.schema.json by `npm run codegen`. Do not edit.

/**
 * A command, either as an argv array (run directly) or a string (run with /bin/sh -c).
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "command".
 */
export type Command = [string, ...string[]] | string;
/**
 * A duration as a number and a unit (ms, s, m or h).
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration = string;
/**
 * An amount of money as a decimal string with at most six decimals, or as integer micro-units ({ micros }). Never a floating-point number.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "money".
 */
export type Money =
  | string
  | {
      /**
       * Amount in micro-units of the currency.
       */
      micros: number;
    };

/**
 * Describes an app that runs on the GPUaaS platform — who publishes it, what runs, the GPU profile it needs, its endpoints, launch parameters, lifecycle hooks, health probes, billing and permissions.
 */
export interface GpuaasAppManifest {
  /**
   * Optional URL of this JSON Schema, for editors that do not read the yaml-language-server modeline.
   */
  $schema?: string;
  /**
   * Version of the manifest format. Tools refuse versions they do not know rather than guess.
   */
  apiVersion: 'gpuaas.dev/v1alpha1';
  /**
   * App name, a DNS label (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit). Unique within the publisher namespace.
   */
  name: string;
  /**
   * App version, Semantic Versioning 2.0.0 (MAJOR.MINOR.PATCH with optional pre-release and build).
   */
  version: string;
  /**
   * Publisher namespace that owns the app (DNS label). Signatures are checked against the keys trusted for this namespace.
   */
  publisher: string;
  /**
   * Human-readable name shown in the catalog and console.
   */
  displayName?: string;
  /**
   * One or two sentences about what the app does, shown in the catalog.
   */
  description?: string;
  /**
   * Icon, as a path to an SVG or PNG file inside the app folder or an https URL.
   */
  icon?: string;
  /**
   * Catalog categories the app is listed under.
   *
   * @maxItems 8
   *
   * Items: A catalog category.
   */
  categories?:
    | []
    | [
        | 'inference'
        | 'training'
        | 'fine-tuning'
        | 'batch'
        | 'notebook'
        | 'data-processing'
        | 'rendering'
        | 'simulation'
        | 'developer-tools'
        | 'other',
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ]
    | [
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
        (
          | 'inference'
          | 'training'
          | 'fine-tuning'
          | 'batch'
          | 'notebook'
          | 'data-processing'
          | 'rendering'
          | 'simulation'
          | 'developer-tools'
          | 'other'
        ),
      ];
  /**
   * SPDX license expression of the app's own code.
   */
  license?: string;
  /**
   * URL of the app's source repository.
   */
  source?: string;
  run: Run;
  files?: Files;
  resources: Resources;
  /**
   * Network endpoints the app listens on inside its allocation.
   *
   * @maxItems 16
   */
  endpoints?:
    | []
    | [Endpoint]
    | [Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint, Endpoint]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ]
    | [
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
        Endpoint,
      ];
  /**
   * Parameters the tenant sets at launch, by name. Each is typed with JSON Schema and handed to the app as the environment variable GPUAAS_PARAM_<NAME> (upper case) and in the JSON file named by GPUAAS_PARAMS_FILE.
   */
  parameters?: {
    [k: string]: Parameter;
  };
  /**
   * Usage dimensions the app reports through the in-app helper (meter(name, quantity)). Names not declared here are rejected at run time.
   *
   * @maxItems 32
   */
  meters?: Meter[];
  hooks?: Hooks;
  health?: Health;
  billing?: Billing;
  permissions?: Permissions;
  compatibility?: Compatibility;
}
/**
 * What runs when the app starts.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "run".
 */
export interface Run {
  /**
   * Argument vector of the app's main process; the first item is the program, resolved against PATH inside the allocation.
   *
   * @minItems 1
   *
   * Items: One argument.
   */
  entrypoint: [string, ...string[]];
  /**
   * Working directory, relative to the unpacked app folder.
   */
  workdir?: string;
  env?: Env;
}
/**
 * Environment variables, by name.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "env".
 */
export interface Env {
  /**
   * The variable's value.
   */
  [k: string]: string;
}
/**
 * Which files of the app folder are packed into the artifact. Paths are globs relative to the folder (** matches any depth).
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "files".
 */
export interface Files {
  /**
   * Globs of files to pack. Default is everything.
   *
   * Items: A glob.
   */
  include?: string[];
  /**
   * Globs of files never packed (applied after include). .git, node_modules/.cache and the build output are always excluded.
   *
   * Items: A glob.
   */
  exclude?: string[];
  /**
   * Files that go into layers of their own (for example model weights), so an app update that does not change them uploads nothing for them. Files not matched here go into the main layer.
   *
   * @maxItems 32
   *
   * Items: A named layer.
   */
  layers?: {
    /**
     * Layer name, recorded as the layer's title annotation.
     */
    name: string;
    /**
     * Globs of the files in this layer.
     *
     * @minItems 1
     *
     * Items: A glob.
     */
    include: [string, ...string[]];
    /**
     * Compress the layer with gzip. Off by default for named layers, whose contents (weights) rarely compress.
     */
    compress?: boolean;
  }[];
}
/**
 * The launchable workload profiles. The minimum profile is what the app cannot run without; the recommended profile is offered by default at launch.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "resources".
 */
export interface Resources {
  minimum: Profile;
  recommended?: Profile;
}
/**
 * A workload profile the app can be launched with.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "profile".
 */
export interface Profile {
  gpus: GpuRequest;
  /**
   * CPU cores.
   */
  cpu?: number;
  /**
   * System memory in GiB.
   */
  memoryGiB?: number;
  /**
   * Local disk for the app's data, in GiB.
   */
  diskGiB?: number;
}
/**
 * The GPUs the app needs.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "gpuRequest".
 */
export interface GpuRequest {
  /**
   * Number of GPUs (0 for a CPU-only app).
   */
  count: number;
  /**
   * Acceptable GPU models, in order of preference. Empty or absent means any model that meets minMemoryGiB.
   *
   * Items: A GPU model name as listed in the platform catalog.
   */
  models?: string[];
  /**
   * Minimum memory of each GPU, in GiB.
   */
  minMemoryGiB?: number;
  /**
   * Required interconnect between the GPUs; nvlink places them in one NVLink domain.
   */
  interconnect?: 'any' | 'nvlink';
  /**
   * Place all GPUs on one node (default true).
   */
  sameNode?: boolean;
}
/**
 * A network endpoint of the app.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "endpoint".
 */
export interface Endpoint {
  /**
   * Endpoint name (DNS label), unique within the app; probes refer to it.
   */
  name: string;
  /**
   * Port the app listens on inside the allocation.
   */
  port: number;
  /**
   * Protocol spoken on the port (default http).
   */
  protocol?: 'http' | 'tcp';
  /**
   * Base path of an http endpoint.
   */
  path?: string;
  ui?: UiExtension;
}
/**
 * Shows this endpoint as a UI extension inside the platform console, in a sandboxed iframe.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "uiExtension".
 */
export interface UiExtension {
  /**
   * Title of the console tab.
   */
  title: string;
  /**
   * Icon of the tab (path inside the app folder or https URL).
   */
  icon?: string;
  /**
   * Path under the endpoint that the console opens.
   */
  path?: string;
  /**
   * iframe sandbox settings granted to the extension. Everything is denied unless listed.
   */
  sandbox?: {
    /**
     * iframe sandbox tokens to grant.
     *
     * Items: An iframe sandbox token.
     */
    allow?: (
      | 'allow-scripts'
      | 'allow-forms'
      | 'allow-popups'
      | 'allow-downloads'
      | 'allow-modals'
      | 'allow-same-origin'
    )[];
  };
}
/**
 * A launch parameter, typed with a subset of JSON Schema.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "parameter".
 */
export interface Parameter {
  /**
   * JSON type of the value.
   */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /**
   * Label shown in the launch form.
   */
  title?: string;
  /**
   * Help text shown in the launch form.
   */
  description?: string;
  /**
   * Value used when the tenant gives none. Must be valid against this parameter's own schema; secrets have no default.
   */
  default?: string | number | boolean | unknown[] | {};
  /**
   * The only allowed values.
   *
   * @minItems 1
   */
  enum?: [unknown, ...unknown[]];
  /**
   * Smallest allowed number.
   */
  minimum?: number;
  /**
   * Largest allowed number.
   */
  maximum?: number;
  /**
   * Shortest allowed string.
   */
  minLength?: number;
  /**
   * Longest allowed string.
   */
  maxLength?: number;
  /**
   * Regular expression a string must match.
   */
  pattern?: string;
  /**
   * Well-known string format.
   */
  format?: 'uri' | 'email' | 'hostname' | 'date-time' | 'uuid';
  /**
   * Schema of each item of an array parameter (a JSON Schema).
   */
  items?: {};
  /**
   * Fewest array items.
   */
  minItems?: number;
  /**
   * Most array items.
   */
  maxItems?: number;
  /**
   * Schemas of the fields of an object parameter (JSON Schemas by name).
   */
  properties?: {};
  /**
   * Required fields of an object parameter.
   *
   * Items: A field name.
   */
  required?: string[];
  /**
   * A secret (API key, password). Never logged, shown or given a default; handed to the app only through the environment and the parameters file.
   */
  secret?: boolean;
  /**
   * May be changed on a running app (the configure hook runs again). Default false.
   */
  mutable?: boolean;
}
/**
 * A usage dimension the app reports.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "meter".
 */
export interface Meter {
  /**
   * Meter name (lower snake case), used in meter(name, quantity).
   */
  name: string;
  /**
   * Unit of one reported quantity.
   */
  unit: string;
  /**
   * How reported quantities combine over a billing period.
   */
  aggregation: 'sum' | 'max' | 'count' | 'unique';
  /**
   * What the meter counts.
   */
  description?: string;
}
/**
 * Lifecycle hooks, run by the runtime inside the allocation.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "hooks".
 */
export interface Hooks {
  install?: Hook;
  configure?: Hook;
  start?: Hook;
  stop?: Hook;
  upgrade?: Hook;
  uninstall?: Hook;
}
/**
 * A lifecycle hook.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "hook".
 */
export interface Hook {
  command: Command;
  timeout?: Duration;
  /**
   * How many times a failed attempt is retried (default 0).
   */
  retries?: number;
  /**
   * Delay between retries, growing exponentially.
   */
  backoff?: {
    initial?: Duration;
    max?: Duration;
    /**
     * Growth factor of the delay (default 2).
     */
    multiplier?: number;
  };
  env?: Env;
}
/**
 * Health probes and how the app is stopped.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "health".
 */
export interface Health {
  startup?: Probe;
  readiness?: Probe;
  liveness?: Probe;
  /**
   * How the app's processes are stopped.
   */
  stop?: {
    gracePeriod?: Duration;
    /**
     * Signal sent to the process group after the stop hook (default SIGTERM).
     */
    signal?: 'SIGTERM' | 'SIGINT' | 'SIGQUIT' | 'SIGHUP' | 'SIGUSR1' | 'SIGUSR2';
  };
}
/**
 * A health probe; exactly one of http, tcp or command.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "probe".
 */
export interface Probe {
  /**
   * Healthy when GET returns a 2xx or 3xx status.
   */
  http?: {
    /**
     * Name of a declared endpoint.
     */
    endpoint: string;
    /**
     * Path requested (default /).
     */
    path?: string;
  };
  /**
   * Healthy when the endpoint's port accepts a connection.
   */
  tcp?: {
    /**
     * Name of a declared endpoint.
     */
    endpoint: string;
  };
  command?: Command;
  initialDelay?: Duration;
  period?: Duration;
  timeout?: Duration;
  /**
   * Consecutive failures that count as failed (default 3).
   */
  failureThreshold?: number;
  /**
   * Consecutive successes that count as passed (default 1).
   */
  successThreshold?: number;
}
/**
 * What the app costs the tenant, on top of GPU time.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "billing".
 */
export interface Billing {
  /**
   * ISO 4217 currency code.
   */
  currency: string;
  hourlyPrice?: Money;
  /**
   * Prices of metered usage dimensions.
   */
  metered?: MeteredPrice[];
}
/**
 * Price of one unit of a declared meter.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "meteredPrice".
 */
export interface MeteredPrice {
  /**
   * Name of a meter declared under meters.
   */
  meter: string;
  pricePerUnit: Money;
}
/**
 * What the app's tenant-scoped service account may do; the tenant grants these at launch.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "permissions".
 */
export interface Permissions {
  /**
   * Scopes requested.
   *
   * Items: A platform scope.
   */
  scopes?: (
    | 'storage:read'
    | 'storage:write'
    | 'usage:write'
    | 'apps:read'
    | 'allocations:read'
    | 'projects:read'
    | 'audit:read'
    | 'billing:read'
  )[];
}
/**
 * Versions of the platform runtime and CUDA the app works with.
 *
 * This interface was referenced by `GpuaasAppManifest`'s JSON-Schema
 * via the `definition` "compatibility".
 */
export interface Compatibility {
  /**
   * Semver range of the GPUaaS runtime.
   */
  runtime?: string;
  /**
   * Version range of the CUDA driver API the app needs.
   */
  cuda?: string;
}
