import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { pythonHelperPath } from '../pack/python-helper.js';
import { findTemplatesDir, listTemplates, scaffoldTemplate, templatesDirCandidates } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'gpuaas-templates-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(work, `app-${++counter}`);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSdkError(error)) return error.code;
    throw error;
  }
  return 'resolved';
}

/** A throwaway templates folder, to test the library on templates it does not ship. */
function makeTemplates(files: Record<string, string>): string {
  const root = mkdtempSync(join(work, 'templates-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('template discovery', () => {
  it('prefers the sdk package copy, then the repository folder', () => {
    const [sdkCopy, repoCopy] = templatesDirCandidates();
    expect(sdkCopy).toMatch(/[\\/]sdk[\\/]templates$/);
    expect(repoCopy).toMatch(/[\\/]templates$/);
    expect(repoCopy).not.toMatch(/[\\/]sdk[\\/]templates$/);
    const fallback = makeTemplates({ 'x/template.json': '{"name":"x","description":"d"}' });
    expect(findTemplatesDir([join(work, 'absent'), fallback])).toBe(fallback);
    expect(() => findTemplatesDir([join(work, 'absent')])).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('lists the shipped templates with their descriptions, sorted', async () => {
    const templates = await listTemplates();
    const names = templates.map((t) => t.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(['batch-job', 'console-extension', 'python-inference', 'typescript-service']),
    );
    for (const t of templates) expect(t.description.length, t.name).toBeGreaterThan(10);
  });

  it.each([
    ['name differs from folder', '{"name":"other","description":"d"}'],
    ['description missing', '{"name":"bad"}'],
    ['not JSON', '{name: bad}'],
  ])('refuses a template.json whose %s', async (_case, text) => {
    const root = makeTemplates({ 'bad/template.json': text });
    expect(await codeOf(listTemplates({ templatesDir: root }))).toBe('TEMPLATE_INVALID');
  });

  it('ignores folders without template.json', async () => {
    const root = makeTemplates({
      'ok/template.json': '{"name":"ok","description":"d"}',
      'stray/readme': 'x',
    });
    expect((await listTemplates({ templatesDir: root })).map((t) => t.name)).toEqual(['ok']);
  });
});

describe('scaffoldTemplate', () => {
  const custom = makeTemplates({
    'demo/template.json': '{"name":"demo","description":"demo template"}',
    'demo/app.yaml': "name: '{{name}}'\npublisher: '{{ publisher }}'\ntitle: '{{displayName}}'\n",
    'demo/_gitignore': 'out/\n',
    'demo/bin/run.sh': '#!/bin/sh\necho {{name}}\n',
    'demo/.github/workflows/ci.yml': 'key: ${{ secrets.KEY }}\n',
    'demo/__pycache__/junk.pyc': 'x',
    'demo/data.bin': 'raw\u0000{{name}}',
  });
  const options = (dir: string) => ({
    templatesDir: custom,
    template: 'demo',
    dir,
    name: 'my-app',
    publisher: 'acme',
  });

  it('copies files, substitutes placeholders, renames _gitignore and keeps modes', async () => {
    chmodSync(join(custom, 'demo/bin/run.sh'), 0o755);
    const dir = freshDir();
    const result = await scaffoldTemplate({ ...options(dir), displayName: "Bob's App" });
    expect(result).toEqual({
      dir,
      template: 'demo',
      name: 'my-app',
      files: ['.github/workflows/ci.yml', '.gitignore', 'app.yaml', 'bin/run.sh', 'data.bin'],
    });
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe(
      "name: 'my-app'\npublisher: 'acme'\ntitle: 'Bob''s App'\n",
    );
    expect(readFileSync(join(dir, 'bin/run.sh'), 'utf8')).toContain('echo my-app');
    expect(statSync(join(dir, 'bin/run.sh')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(dir, '.github/workflows/ci.yml'), 'utf8')).toBe('key: ${{ secrets.KEY }}\n');
    // Binary files are copied byte for byte.
    expect(readFileSync(join(dir, 'data.bin'), 'utf8')).toBe('raw\u0000{{name}}');
    expect(existsSync(join(dir, 'template.json'))).toBe(false);
    expect(existsSync(join(dir, '__pycache__'))).toBe(false);
  });

  it('defaults the display name to the name in title case', async () => {
    const dir = freshDir();
    await scaffoldTemplate(options(dir));
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toContain("title: 'My App'");
  });

  it('refuses a non-empty folder unless forced, and then overwrites only template files', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'app.yaml'), 'mine');
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    expect(await codeOf(scaffoldTemplate(options(dir)))).toBe('ALREADY_EXISTS');
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toBe('mine');
    await scaffoldTemplate({ ...options(dir), force: true });
    expect(readFileSync(join(dir, 'app.yaml'), 'utf8')).toContain("name: 'my-app'");
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep');
  });

  it('scaffolds into an existing empty folder; refuses a file in its place', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    expect((await scaffoldTemplate(options(dir))).files).toContain('app.yaml');
    const file = freshDir();
    writeFileSync(file, 'x');
    expect(await codeOf(scaffoldTemplate({ ...options(file), force: true }))).toBe('ALREADY_EXISTS');
  });

  it.each([
    ['upper-case name', { name: 'MyApp' }, 'NAME_INVALID'],
    ['name with a dot', { name: 'my.app' }, 'NAME_INVALID'],
    ['name too long', { name: 'a'.repeat(64) }, 'NAME_INVALID'],
    ['leading dash', { name: '-app' }, 'NAME_INVALID'],
    ['bad publisher', { publisher: 'Acme Inc' }, 'NAME_INVALID'],
    ['multi-line display name', { displayName: 'a\nb' }, 'NAME_INVALID'],
    ['display name too long', { displayName: 'x'.repeat(81) }, 'NAME_INVALID'],
    ['unknown template', { template: 'nope' }, 'TEMPLATE_NOT_FOUND'],
  ])('refuses %s without writing anything', async (_case, override, code) => {
    const dir = freshDir();
    expect(await codeOf(scaffoldTemplate({ ...options(dir), ...override }))).toBe(code);
    expect(existsSync(dir)).toBe(false);
  });

  it('names the available templates when one is unknown', async () => {
    const error = await scaffoldTemplate({ ...options(freshDir()), template: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', details: { available: ['demo'] } });
  });

  describe('the Python helper gpuaas_runtime.py', () => {
    const python = makeTemplates({
      'imports/template.json': '{"name":"imports","description":"d"}',
      'imports/src/job.py': 'import json, gpuaas_runtime as runtime\n',
      'ships/template.json': '{"name":"ships","description":"d"}',
      'ships/job.py': 'from gpuaas_runtime import meter\n',
      'ships/gpuaas_runtime.py': '# its own copy\n',
      'plain/template.json': '{"name":"plain","description":"d"}',
      'plain/job.py': '# gpuaas_runtime is not imported here\nimport json\n',
    });
    const scaffold = (template: string) =>
      scaffoldTemplate({ templatesDir: python, template, dir: freshDir(), name: 'a', publisher: 'b' });

    it('is copied, byte for byte, to the root of an app whose Python imports it', async () => {
      const { dir, files } = await scaffold('imports');
      expect(files).toEqual(['gpuaas_runtime.py', 'src/job.py']);
      expect(readFileSync(join(dir, 'gpuaas_runtime.py')).equals(readFileSync(pythonHelperPath()))).toBe(
        true,
      );
      expect(statSync(join(dir, 'gpuaas_runtime.py')).mode & 0o777).toBe(0o644);
    });

    it("leaves a template's own copy alone and adds nothing to an app that does not import it", async () => {
      const ships = await scaffold('ships');
      expect(readFileSync(join(ships.dir, 'gpuaas_runtime.py'), 'utf8')).toBe('# its own copy\n');
      expect((await scaffold('plain')).files).toEqual(['job.py']);
    });
  });

  it('refuses a template with an unknown placeholder and writes nothing', async () => {
    const root = makeTemplates({
      't/template.json': '{"name":"t","description":"d"}',
      't/a.txt': 'fine {{name}}',
      't/b.txt': 'broken {{version}}',
    });
    const dir = freshDir();
    const error = await scaffoldTemplate({
      templatesDir: root,
      template: 't',
      dir,
      name: 'a',
      publisher: 'b',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEMPLATE_INVALID', details: { file: 'b.txt' } });
    expect(existsSync(dir)).toBe(false);
  });
});
