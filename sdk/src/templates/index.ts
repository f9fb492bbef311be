/**
 * App templates: where they live, which exist, and how one becomes a new app folder.
 *
 * In the repository the templates sit in `<repo>/templates`; a published sdk carries a copy in
 * `<sdk>/templates` (made by the package's `prepack` script). The sdk's own copy wins, so an
 * installed CLI never reaches outside its package.
 */
import { existsSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdkError } from '../errors.js';
import {
  checkTemplateValues,
  defaultDisplayName,
  renderTemplateText,
  type TemplateValues,
} from './render.js';
import { needsPythonHelper, PYTHON_HELPER_FILE, readPythonHelper } from '../pack/python-helper.js';
import { vendorPackages } from './vendor.js';

export { isDnsLabel, defaultDisplayName, renderTemplateText, checkTemplateValues } from './render.js';
export type { TemplateValues } from './render.js';

/** A template as described by its `template.json`. */
export interface TemplateInfo {
  name: string;
  description: string;
  /** Command that runs the app locally, shown in init's next steps. */
  run?: string;
  /** Packages of this project the app imports: init vendors them (see vendor.ts). */
  vendor?: string[];
  /** Absolute path of the template folder. */
  dir: string;
}

export interface TemplatesLocation {
  /** Folder holding one sub-folder per template; defaults to {@link findTemplatesDir}. */
  templatesDir?: string;
}

/** Per-template metadata file; describes the template and is not copied into the app. */
export const TEMPLATE_METADATA_FILE = 'template.json';

// Folders and files a template may pick up while someone runs it in place; never scaffolded.
const SKIPPED = new Set(['node_modules', '__pycache__', 'dist', '.DS_Store', '.gpuaas']);
// npm drops .gitignore files from published packages, so templates ship them as _gitignore.
const RENAMED: Readonly<Record<string, string>> = { _gitignore: '.gitignore' };

/** Where templates are looked for, in order: the sdk package's own copy, then the repository's. */
export function templatesDirCandidates(): string[] {
  // Same depth from src/templates/ and dist/templates/, so this holds for sources and the build.
  const sdkRoot = fileURLToPath(new URL('../../', import.meta.url));
  return [join(sdkRoot, 'templates'), join(dirname(sdkRoot.replace(/[\\/]+$/, '')), 'templates')];
}

/** Returns the first candidate folder that exists; throws `NOT_FOUND` when none does. */
export function findTemplatesDir(candidates: readonly string[] = templatesDirCandidates()): string {
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  throw new SdkError('NOT_FOUND', `no templates folder found (looked in ${candidates.join(', ')})`, {
    details: { hint: 'reinstall @gpuaas/sdk; its package carries the templates' },
  });
}

/**
 * Lists the templates: every sub-folder with a `template.json`, sorted by name. Throws
 * `TEMPLATE_INVALID` for a `template.json` that is not `{ name, description }` matching its folder.
 */
export async function listTemplates(location: TemplatesLocation = {}): Promise<TemplateInfo[]> {
  const root = location.templatesDir ?? findTemplatesDir();
  const entries = await readdir(root, { withFileTypes: true });
  const templates: TemplateInfo[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, entry.name);
    const metadataPath = join(dir, TEMPLATE_METADATA_FILE);
    if (!existsSync(metadataPath)) continue;
    templates.push(parseMetadata(await readFile(metadataPath, 'utf8'), metadataPath, entry.name, dir));
  }
  return templates.sort((a, b) => a.name.localeCompare(b.name));
}

function parseMetadata(text: string, path: string, folder: string, dir: string): TemplateInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new SdkError('TEMPLATE_INVALID', `${path} is not JSON`, { cause });
  }
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const { name, description, run, vendor } = record;
  const vendorOk =
    vendor === undefined ||
    (Array.isArray(vendor) && vendor.every((v) => typeof v === 'string' && v.startsWith('@gpuaas/')));
  if (
    name !== folder ||
    typeof description !== 'string' ||
    (run !== undefined && typeof run !== 'string') ||
    !vendorOk
  ) {
    throw new SdkError(
      'TEMPLATE_INVALID',
      `${path} must be { "name": "${folder}", "description": string, "run"?: string, "vendor"?: ["@gpuaas/…"] }`,
    );
  }
  return {
    name,
    description,
    dir,
    ...(run === undefined ? {} : { run }),
    ...(vendor === undefined ? {} : { vendor: vendor as string[] }),
  };
}

/** Finds one template by name; throws `TEMPLATE_NOT_FOUND` listing the available names. */
export async function findTemplate(name: string, location: TemplatesLocation = {}): Promise<TemplateInfo> {
  const templates = await listTemplates(location);
  const found = templates.find((t) => t.name === name);
  if (found) return found;
  const names = templates.map((t) => t.name).join(', ');
  throw new SdkError('TEMPLATE_NOT_FOUND', `no template is named "${name}"`, {
    details: { available: templates.map((t) => t.name), hint: `available templates: ${names}` },
  });
}

export interface ScaffoldOptions extends TemplatesLocation {
  template: string;
  /** Folder to create the app in; created when missing. */
  dir: string;
  /** App name (DNS label). */
  name: string;
  /** Publisher namespace (DNS label). */
  publisher: string;
  /** Defaults to the name in title case ("my-app" → "My App"). */
  displayName?: string;
  /** Write into a non-empty folder, overwriting files the template also has. */
  force?: boolean;
  /** Vendor the packages the template names (default true; needs npm). */
  vendor?: boolean;
}

export interface ScaffoldResult {
  /** Absolute path of the app folder. */
  dir: string;
  template: string;
  name: string;
  /** Files written, relative to `dir`, '/'-separated, sorted. */
  files: string[];
}

/**
 * Copies a template into `dir`, substituting `{{name}}`, `{{publisher}}` and `{{displayName}}`,
 * renaming `_gitignore` to `.gitignore` and keeping file modes (executable scripts stay so). A
 * template whose Python imports `gpuaas_runtime` gets the sdk's `gpuaas_runtime.py` at its root.
 * Throws `NAME_INVALID`, `TEMPLATE_NOT_FOUND`, `ALREADY_EXISTS` (non-empty `dir` without `force`),
 * `NOT_FOUND` (an sdk install without its Python helper) or `IO_ERROR`. Nothing is written when a
 * check fails.
 *
 * @example
 * ```ts
 * const { files } = await scaffoldTemplate({
 *   template: 'python-inference', dir: 'my-app', name: 'my-app', publisher: 'acme',
 * });
 * ```
 */
export async function scaffoldTemplate(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const values: TemplateValues = {
    name: options.name,
    publisher: options.publisher,
    displayName: options.displayName ?? defaultDisplayName(options.name),
  };
  checkTemplateValues(values);
  const template = await findTemplate(options.template, options);
  const target = resolve(options.dir);
  await checkTarget(target, options.force === true);

  // Render everything before writing anything, so a broken template leaves no half-made app.
  const planned: { path: string; data: Buffer | string; mode: number }[] = [];
  for (const source of await walk(template.dir)) {
    const rel = relative(template.dir, source.path);
    if (rel === TEMPLATE_METADATA_FILE) continue;
    const outRel = rel
      .split(sep)
      .map((part) => RENAMED[part] ?? part)
      .join('/');
    const raw = await readFile(source.path);
    const data = raw.includes(0) ? raw : renderTemplateText(raw.toString('utf8'), values, outRel);
    planned.push({ path: outRel, data, mode: source.mode });
  }
  // A Python template imports the helper but does not carry it: the app gets the sdk's one copy,
  // byte for byte, so it is self-contained and runs with plain python3 (rule: python-helper.ts).
  const textOf = new Map(planned.map((file) => [file.path, file.data.toString()]));
  if (await needsPythonHelper([...textOf.keys()], (path) => Promise.resolve(textOf.get(path) ?? ''))) {
    planned.push({ path: PYTHON_HELPER_FILE, data: await readPythonHelper(), mode: 0o644 });
  }

  for (const file of planned) {
    const destination = join(target, ...file.path.split('/'));
    try {
      await mkdir(dirname(destination), { recursive: true });
      await writeFile(destination, file.data);
      // writeFile's mode applies only to new files; chmod also fixes a file --force overwrote.
      await chmod(destination, file.mode);
    } catch (cause) {
      throw new SdkError('IO_ERROR', `could not write ${destination}`, { cause });
    }
  }
  const vendored =
    options.vendor !== false && template.vendor !== undefined
      ? await vendorPackages(target, template.vendor)
      : [];
  return {
    dir: target,
    template: template.name,
    name: values.name,
    files: [...planned.map((f) => f.path), ...vendored].sort(),
  };
}

async function checkTarget(target: string, force: boolean): Promise<void> {
  let stats;
  try {
    stats = await lstat(target);
  } catch {
    return; // missing: it will be created
  }
  if (!stats.isDirectory()) {
    throw new SdkError('ALREADY_EXISTS', `${target} exists and is not a folder`);
  }
  const entries = await readdir(target);
  if (entries.length > 0 && !force) {
    throw new SdkError('ALREADY_EXISTS', `${target} is not empty (${entries.length} entries)`, {
      details: { hint: 'choose another folder, or pass --force to write into it' },
    });
  }
}

async function walk(root: string): Promise<{ path: string; mode: number }[]> {
  const files: { path: string; mode: number }[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (SKIPPED.has(entry.name) || entry.name.endsWith('.pyc')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) files.push({ path, mode: (await lstat(path)).mode & 0o777 });
    }
  };
  await visit(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
