/**
 * The app manifest contract shared by the sdk (validates it), the platform (registers it) and the
 * runtime (executes it). The JSON Schema in ../schema is the source of truth; the types in
 * __generated__ are produced from it by `npm run codegen`.
 */
import schemaJson from '../schema/gpuaas-app.schema.json' with { type: 'json' };
import consoleMessagesJson from '../schema/console-messages.schema.json' with { type: 'json' };

export type * from './__generated__/manifest.js';
export type * from './__generated__/console-messages.js';

/** The manifest format version this package describes. */
export const MANIFEST_API_VERSION = 'gpuaas.dev/v1alpha1';

/** File names looked up, in order, when a folder is given instead of a manifest file. */
export const MANIFEST_FILE_NAMES = ['gpuaas-app.yaml', 'gpuaas-app.yml', 'gpuaas-app.json'] as const;

/** The JSON Schema (draft 2020-12) of gpuaas-app.yaml. */
export const manifestSchema: Readonly<Record<string, unknown>> = schemaJson;

/** `$id` of the schema, used in `# yaml-language-server: $schema=` modelines. */
export const MANIFEST_SCHEMA_ID = schemaJson.$id;

/**
 * The JSON Schema (draft 2020-12) of the `postMessage` protocol between the platform console and
 * an app's console UI extension (docs/ui-extensions.md); `ConsoleMessage` is its type.
 */
export const consoleMessagesSchema: Readonly<Record<string, unknown>> = consoleMessagesJson;

/** The `protocol` every console message carries. */
export const CONSOLE_PROTOCOL = 'gpuaas.console';

/** The console protocol version this package describes. */
export const CONSOLE_PROTOCOL_VERSION = 1;
