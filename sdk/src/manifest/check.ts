/**
 * The validator's core: read the text, check it, place each finding in the source.
 *
 * Cost is kept low on purpose. Text in the fast YAML subset (fast-yaml.ts) is read without the
 * `yaml` library, in one pass that also notes the source ranges `yaml` would give each node:
 * reading it a second time for positions, only when there is something to report, took ~40 % of
 * the time of a manifest with errors, while noting them costs a valid manifest ~10 % (see
 * docs/benchmarks.md, "validation, round two"). Only text outside the subset, and the rare
 * finding whose range the fast reader is unsure of, pays for a `yaml` document.
 */
import type { Document } from 'yaml';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { parseFastYaml } from './fast-yaml.js';
import { yamlLib } from './yaml-lib.js';
import type { RawIssue } from './issue.js';
import { LineIndex, locate, sourceTree } from './positions.js';
import type { SourceNode } from './positions.js';
import { getManifestValidator, schemaIssues } from './schema-check.js';
import { semanticIssues } from './semantics.js';
import { jsonIssue, yamlIssue } from './syntax-issues.js';
import type { ManifestDiagnostic, ManifestValidationResult, ValidateOptions } from './types.js';

export interface CheckOptions {
  /** false reads every manifest with `yaml`, as the reference the fast path is tested against. */
  fastYaml?: boolean;
}

function parseWithPositions(text: string): Document.Parsed {
  return yamlLib().parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
}

/**
 * Where the source positions come from: the `yaml` document when there is one, else the fast
 * reader's tree; a `yaml` document is still made for a range the fast reader is unsure of.
 */
class Positions {
  private readonly text: string;
  private doc: Document.Parsed | undefined;
  private readonly fast: SourceNode | undefined;
  private full: SourceNode | undefined;

  constructor(text: string, doc: Document.Parsed | undefined, fast: SourceNode | undefined) {
    this.text = text;
    this.doc = doc;
    this.fast = fast;
  }

  locate(issue: RawIssue): [number, number] {
    if (this.doc === undefined) {
      const range = this.fast && locate(this.fast, issue.pointer, issue.anchor);
      if (range !== undefined) return range;
      this.doc = parseWithPositions(this.text);
    }
    this.full ??= sourceTree(this.doc);
    // A tree from a `yaml` document is never unsure.
    return locate(this.full, issue.pointer, issue.anchor) ?? [0, 0];
  }
}

function finish(
  file: string,
  text: string,
  value: unknown,
  issues: RawIssue[],
  parsed: Document.Parsed | undefined,
  tree?: SourceNode,
): ManifestValidationResult {
  if (issues.length === 0) return { file, value: value as GpuaasAppManifest, errors: [], warnings: [] };
  const positions = new Positions(text, parsed, tree);
  const lines = new LineIndex(text);
  const diagnostics = issues.map((i): ManifestDiagnostic => {
    const [start, end] = i.offsets ?? positions.locate(i);
    const span = lines.span(start, end);
    const d: ManifestDiagnostic = {
      file,
      ...span,
      pointer: i.pointer,
      code: i.code,
      message: i.message,
      severity: i.severity,
    };
    if (i.hint !== undefined) d.hint = i.hint;
    return d;
  });
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { file, value: errors.length === 0 ? (value as GpuaasAppManifest) : undefined, errors, warnings };
}

/** Validates manifest text; may throw (validateManifestText turns that into a diagnostic). */
export function checkManifest(
  text: string,
  file: string,
  options: ValidateOptions,
  check: CheckOptions = {},
): ManifestValidationResult {
  const json = /\.json$/i.test(file);
  const issues: RawIssue[] = [];
  let doc: Document.Parsed | undefined;
  let value: unknown;
  const fast = json || check.fastYaml === false ? undefined : parseFastYaml(text, true);
  if (fast !== undefined) {
    value = fast.value;
  } else {
    doc = parseWithPositions(text);
    if (json && text.trim() !== '') {
      try {
        value = JSON.parse(text);
      } catch (err) {
        return finish(file, text, undefined, [jsonIssue(text, err)], doc);
      }
    }
    for (const e of doc.errors) issues.push(yamlIssue(text, doc, e, 'error'));
    for (const w of doc.warnings) issues.push(yamlIssue(text, doc, w, 'warning'));
    // Past a real syntax error the tree is a guess; only duplicate keys leave it trustworthy.
    if (issues.some((i) => i.code === 'yaml-syntax')) return finish(file, text, undefined, issues, doc);
    if (!json) {
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        const message = `YAML could not be read: ${err instanceof Error ? err.message : String(err)}`;
        issues.push({
          pointer: '',
          anchor: 'value',
          code: 'yaml-syntax',
          message,
          severity: 'error',
          offsets: [0, 0],
        });
        return finish(file, text, undefined, issues, doc);
      }
    }
  }
  if (value === null || value === undefined) {
    issues.push({
      pointer: '',
      anchor: 'value',
      code: 'empty-manifest',
      message: 'the file holds no manifest',
      hint: 'start with apiVersion: gpuaas.dev/v1alpha1, or run `gpuaas-app init` to create one',
      severity: 'error',
    });
    return finish(file, text, undefined, issues, doc);
  }
  const validate = getManifestValidator();
  const schemaProblems = validate(value) ? [] : schemaIssues(validate.errors ?? []);
  issues.push(...schemaProblems);
  issues.push(
    ...semanticIssues(
      value,
      schemaProblems.map((i) => i.pointer),
      options.catalog,
    ),
  );
  return finish(file, text, value, issues, doc, fast?.tree);
}
