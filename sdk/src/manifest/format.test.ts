import { describe, expect, it } from 'vitest';
import { formatGithub, formatHuman, formatJson, formatSarif } from './format.js';
import type { ManifestValidationResult } from './types.js';
import { validateManifestText } from './validate.js';

const ESC = '\u001b';
const text = [
  'apiVersion: gpuaas.dev/v1alpha1',
  'name: hello',
  'version: 0.1.0',
  'publisher: acme',
  'run:',
  '  entrypoint: [python3, server.py]',
  'resources:',
  '  minimum:',
  '    gpus:',
  '      count: two',
  'endpoints:',
  '  - { name: api, port: 8000 }',
  '',
].join('\n');
const result = validateManifestText(text, { file: 'apps/hello/gpuaas-app.yaml' });
const valid = validateManifestText(text.replace('count: two', 'count: 1').replace(/endpoints:\n.*\n/, ''), {
  file: 'ok.yaml',
});

describe('formatHuman', () => {
  it('prints file:line:col, a code frame with a caret under the value, the hint and a summary', () => {
    const out = formatHuman([result], new Map([[result.file, text]]));
    expect(out).toContain(
      [
        'apps/hello/gpuaas-app.yaml:10:14  error  resources.minimum.gpus.count must be an integer, got "two"  [type]',
        '   9 |     gpus:',
        '> 10 |       count: two',
        '     |              ^^^',
        '',
      ].join('\n'),
    );
    expect(out).toContain(
      'apps/hello/gpuaas-app.yaml:11:1  warning  the app declares endpoints but no health.readiness probe',
    );
    expect(out).toContain('  hint: add health.readiness');
    expect(out.trimEnd().split('\n').at(-1)).toBe('✖ 1 error, 1 warning in 1 file');
  });

  it('says valid when there are no errors, colours only on request, and skips frames without a source', () => {
    expect(formatHuman([valid], new Map())).toBe('✔ ok.yaml is valid\n');
    expect(formatHuman([result], new Map(), { color: true })).toContain(`${ESC}[31merror${ESC}[0m`);
    expect(formatHuman([result], new Map())).not.toContain(ESC);
    expect(formatHuman([result], new Map())).not.toContain('> 10 |');
  });
});

describe('formatJson', () => {
  it('prints exactly { valid, errors, warnings } with exactly the documented keys', () => {
    const json = formatJson([result, valid]);
    expect(Object.keys(json)).toEqual(['valid', 'errors', 'warnings']);
    expect(json.valid).toBe(false);
    expect(json.errors).toEqual([
      {
        file: 'apps/hello/gpuaas-app.yaml',
        line: 10,
        column: 14,
        pointer: '/resources/minimum/gpus/count',
        code: 'type',
        message: 'resources.minimum.gpus.count must be an integer, got "two"',
        hint: null,
      },
    ]);
    expect(json.warnings.map((w) => Object.keys(w))).toEqual([
      ['file', 'line', 'column', 'pointer', 'code', 'message', 'hint'],
    ]);
    expect(formatJson([valid])).toEqual({ valid: true, errors: [], warnings: [] });
  });
});

describe('formatSarif', () => {
  it('is a SARIF 2.1.0 log with one rule per code and a region per result', () => {
    const sarif = formatSarif([result]) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string } }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> };
          }[];
        }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['readiness-probe-missing', 'type']);
    expect(run.tool.driver.rules.every((r) => r.shortDescription.text.length > 0)).toBe(true);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    const error = run.results.find((r) => r.ruleId === 'type')!;
    expect(error.level).toBe('error');
    expect(error.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'apps/hello/gpuaas-app.yaml' },
      region: { startLine: 10, startColumn: 14, endLine: 10, endColumn: 17 },
    });
    expect(run.results.find((r) => r.ruleId === 'readiness-probe-missing')?.level).toBe('warning');
  });
});

describe('formatGithub', () => {
  it('prints one workflow annotation per diagnostic, escaped', () => {
    const lines = formatGithub([result]).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      '::error file=apps/hello/gpuaas-app.yaml,line=10,col=14,endLine=10,endColumn=17,title=gpuaas-app [type]::resources.minimum.gpus.count must be an integer, got "two"',
    );
    expect(lines[1]).toMatch(
      /^::warning file=apps\/hello\/gpuaas-app\.yaml,line=11,col=1,.*::.*%0Ahint: add health\.readiness/,
    );
    const odd: ManifestValidationResult = {
      file: 'a,b:c.yaml',
      value: undefined,
      errors: [
        {
          file: 'a,b:c.yaml',
          line: 1,
          column: 1,
          pointer: '',
          code: 'yaml-syntax',
          message: '100% broken\r\nreally',
          severity: 'error',
        },
      ],
      warnings: [],
    };
    expect(formatGithub([odd])).toBe(
      '::error file=a%2Cb%3Ac.yaml,line=1,col=1,title=gpuaas-app [yaml-syntax]::100%25 broken%0D%0Areally\n',
    );
  });
});
