/**
 * The fixture corpus in manifest-schema/fixtures, table-driven. Each invalid manifest states what
 * it expects in comments, either at the end of the offending line (`# expect: CODE POINTER`, the
 * line is the comment's own) or anywhere with an explicit line (`# expect: CODE POINTER line N`);
 * `expect-warning:` does the same for warnings, `# catalog: A, B` gives GPU models to check
 * against. JSON manifests keep their expectations in a sibling `NAME.json.expect`. The expected
 * lists must match exactly: a missing diagnostic and an extra (noisy) one both fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateManifestText } from './validate.js';
import type { GpuCatalog } from './types.js';

const fixtures = new URL('../../../manifest-schema/fixtures/', import.meta.url);

interface Case {
  file: string;
  text: string;
  errors: string[];
  warnings: string[];
  catalog?: GpuCatalog;
}

const EXPECT = /#\s*expect(-warning)?:\s*(\S+)\s+(\S+)(?:\s+line\s+(\d+))?/;

function load(dir: string): Case[] {
  return readdirSync(new URL(`${dir}/`, fixtures))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(new URL(`${dir}/${file}`, fixtures), 'utf8');
      const sidecar = new URL(`${dir}/${file}.expect`, fixtures);
      const notes = file.endsWith('.json') && existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : text;
      const c: Case = { file: `${dir}/${file}`, text, errors: [], warnings: [] };
      notes.split('\n').forEach((line, i) => {
        const m = EXPECT.exec(line);
        if (m) {
          const pointer = m[3] === '""' ? '' : (m[3] ?? '');
          (m[1] ? c.warnings : c.errors).push(`${m[2]} ${pointer} line ${m[4] ?? i + 1}`);
        }
        const catalog = /^#\s*catalog:\s*(.+)$/.exec(line);
        if (catalog) c.catalog = { models: (catalog[1] ?? '').split(',').map((s) => s.trim()) };
      });
      return c;
    });
}

const valid = load('valid');
const invalid = load('invalid');
const warnings = load('warnings');

function run(c: Case): { errors: string[]; warnings: string[] } {
  const result = validateManifestText(
    c.text,
    c.catalog ? { file: c.file, catalog: c.catalog } : { file: c.file },
  );
  const show = (d: { code: string; pointer: string; line: number }): string =>
    `${d.code} ${d.pointer} line ${d.line}`;
  if (result.errors.length === 0) expect(result.value).toBeDefined();
  else expect(result.value).toBeUndefined();
  return { errors: result.errors.map(show).sort(), warnings: result.warnings.map(show).sort() };
}

describe('manifest corpus', () => {
  it('has complete valid manifests and at least 40 invalid ones, each with expectations', () => {
    expect(valid.length).toBeGreaterThanOrEqual(4);
    expect(invalid.length).toBeGreaterThanOrEqual(40);
    for (const c of invalid) expect(c.errors.length, `${c.file} states no expectation`).toBeGreaterThan(0);
    for (const c of warnings) expect(c.warnings.length, `${c.file} states no expectation`).toBeGreaterThan(0);
  });

  it.each(valid.map((c) => [c.file, c] as const))('%s is valid, without warnings', (_, c) => {
    expect(run(c)).toEqual({ errors: [], warnings: [] });
  });

  it.each(invalid.map((c) => [c.file, c] as const))('%s reports exactly what it expects', (_, c) => {
    expect(run(c)).toEqual({ errors: [...c.errors].sort(), warnings: [...c.warnings].sort() });
  });

  it.each(warnings.map((c) => [c.file, c] as const))(
    '%s is valid with exactly the expected warnings',
    (_, c) => {
      expect(run(c)).toEqual({ errors: [], warnings: [...c.warnings].sort() });
    },
  );

  it('covers every diagnostic code the validator can report from a manifest', async () => {
    const { MANIFEST_ISSUE_CODES } = await import('./types.js');
    const covered = new Set(
      [...invalid, ...warnings].flatMap((c) => [...c.errors, ...c.warnings].map((e) => e.split(' ')[0])),
    );
    // io-error needs a path, internal-error a validator bug, yaml-warning a construct yaml only warns about.
    const untestable = new Set(['io-error', 'internal-error', 'yaml-warning']);
    const missing = Object.keys(MANIFEST_ISSUE_CODES).filter(
      (code) => !untestable.has(code) && !covered.has(code),
    );
    expect(missing).toEqual([]);
  });
});
