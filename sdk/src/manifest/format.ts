/**
 * Renderings of validation results: for people (code frames with a caret), for scripts (JSON),
 * for code scanning (SARIF 2.1.0) and for GitHub Actions (workflow annotations).
 */
import { SDK_VERSION } from '../version.js';
import { MANIFEST_ISSUE_CODES } from './types.js';
import type { ManifestDiagnostic, ManifestValidationResult } from './types.js';

const ANSI = {
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  cyan: '\x1b[36m',
  reset: '\x1b[0m',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The source line of a diagnostic with its neighbour above and a caret under the span. */
function codeFrame(
  d: ManifestDiagnostic,
  source: string | undefined,
  paint: (s: string, c: keyof typeof ANSI) => string,
): string[] {
  if (source === undefined) return [];
  const lines = source.split('\n');
  const text = lines[d.line - 1];
  if (text === undefined) return [];
  const width = String(d.line).length;
  const gutter = (n: number | ''): string => `${String(n).padStart(width)} | `;
  const out: string[] = [];
  const above = lines[d.line - 2];
  if (above !== undefined && above.trim() !== '')
    out.push(paint(`  ${gutter(d.line - 1)}${above.replace(/\r$/, '')}`, 'dim'));
  out.push(`> ${gutter(d.line)}${text.replace(/\r$/, '')}`);
  const end = d.endLine === d.line && d.endColumn !== undefined ? d.endColumn : text.length + 1;
  const carets = Math.max(1, Math.min(end, text.length + 1) - d.column);
  out.push(
    `  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, d.column - 1))}${paint('^'.repeat(carets), d.severity === 'error' ? 'red' : 'yellow')}`,
  );
  return out;
}

/**
 * Human output: `file:line:col  error  message  [code]`, a code frame, `hint: …`, and a summary.
 *
 * @param sources the text of each file, by file name, for the code frames (frames are skipped for
 *   files not in the map)
 */
export function formatHuman(
  results: readonly ManifestValidationResult[],
  sources: ReadonlyMap<string, string>,
  opts: { color?: boolean } = {},
): string {
  const paint = (s: string, c: keyof typeof ANSI): string => (opts.color ? `${ANSI[c]}${s}${ANSI.reset}` : s);
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    const all = [...result.errors, ...result.warnings].sort((a, b) => a.line - b.line || a.column - b.column);
    errors += result.errors.length;
    warnings += result.warnings.length;
    for (const d of all) {
      const level = d.severity === 'error' ? paint('error', 'red') : paint('warning', 'yellow');
      out.push(
        `${paint(`${d.file}:${d.line}:${d.column}`, 'bold')}  ${level}  ${d.message}  ${paint(`[${d.code}]`, 'dim')}`,
      );
      out.push(...codeFrame(d, d.code === 'io-error' ? undefined : sources.get(d.file), paint));
      if (d.hint !== undefined) out.push(`  ${paint('hint:', 'cyan')} ${d.hint}`);
      out.push('');
    }
  }
  const files = plural(results.length, 'file');
  if (errors === 0) {
    const valid = results.length === 1 ? `${results[0]?.file ?? ''} is valid` : `${files} valid`;
    out.push(
      paint(
        `✔ ${valid}${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`,
        warnings > 0 ? 'yellow' : 'bold',
      ),
    );
  } else {
    out.push(
      paint(
        `✖ ${plural(errors, 'error')}${warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''} in ${files}`,
        'red',
      ),
    );
  }
  return out.join('\n') + '\n';
}

/** One diagnostic as `validate --format json` prints it: exactly these keys, `hint` null when none. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  pointer: string;
  code: string;
  message: string;
  hint: string | null;
}

/** The `validate --format json` document for all validated paths together. */
export function formatJson(results: readonly ManifestValidationResult[]): {
  valid: boolean;
  errors: JsonDiagnostic[];
  warnings: JsonDiagnostic[];
} {
  const shape = (d: ManifestDiagnostic): JsonDiagnostic => ({
    file: d.file,
    line: d.line,
    column: d.column,
    pointer: d.pointer,
    code: d.code,
    message: d.message,
    hint: d.hint ?? null,
  });
  const errors = results.flatMap((r) => r.errors.map(shape));
  return { valid: errors.length === 0, errors, warnings: results.flatMap((r) => r.warnings.map(shape)) };
}

function uriOf(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}

/** A SARIF 2.1.0 log for code scanning: one rule per diagnostic code, regions from positions. */
export function formatSarif(results: readonly ManifestValidationResult[]): Record<string, unknown> {
  const diagnostics = results.flatMap((r) => [...r.errors, ...r.warnings]);
  const ruleIds = [...new Set(diagnostics.map((d) => d.code))].sort();
  const rules = ruleIds.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_, __: string, c: string) => c.toUpperCase()),
    shortDescription: { text: MANIFEST_ISSUE_CODES[id] },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'gpuaas-app validate', version: SDK_VERSION, rules } },
        columnKind: 'utf16CodeUnits',
        results: diagnostics.map((d) => {
          const region: Record<string, number> = { startLine: d.line, startColumn: d.column };
          if (d.endLine !== undefined) region.endLine = d.endLine;
          if (d.endColumn !== undefined && (d.endLine !== d.line || d.endColumn > d.column))
            region.endColumn = d.endColumn;
          return {
            ruleId: d.code,
            ruleIndex: ruleIds.indexOf(d.code),
            level: d.severity === 'error' ? 'error' : 'warning',
            message: { text: d.hint !== undefined ? `${d.message} (hint: ${d.hint})` : d.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(d.file) }, region } }],
            properties: { pointer: d.pointer },
          };
        }),
      },
    ],
  };
}

// Workflow command escaping, as @actions/core does it: data escapes %, CR and LF; property
// values also escape ':' and ','.
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations, one `::error …::message` (or `::warning`) line per diagnostic. */
export function formatGithub(results: readonly ManifestValidationResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const d of [...r.errors, ...r.warnings]) {
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(`gpuaas-app [${d.code}]`)}`);
      const text = d.hint !== undefined ? `${d.message}\nhint: ${d.hint}` : d.message;
      lines.push(`::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(text)}`);
    }
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
