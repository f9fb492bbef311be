import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '@gpuaas/manifest-schema';
import type { CliIo } from '../../output.js';
import { main } from '../main.js';
import { bin, binIsBuilt } from '../run.test.util.js';

const ESC = '\u001b';
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const fixture = (name: string): string => path.join(repoRoot, 'manifest-schema/fixtures', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuaas-validate-cli-'));
  await mkdir(path.join(dir, 'good'));
  await copyFile(fixture('valid/llama-chat.yaml'), path.join(dir, 'good', 'gpuaas-app.yaml'));
  await mkdir(path.join(dir, 'bad'));
  await copyFile(fixture('invalid/type-errors.yaml'), path.join(dir, 'bad', 'gpuaas-app.yaml'));
  await copyFile(fixture('invalid/gpu-model-unknown.yaml'), path.join(dir, 'models.yaml'));
  await copyFile(fixture('warnings/readiness-probe-missing.yaml'), path.join(dir, 'gpuaas-app.yaml'));
  await writeFile(
    path.join(dir, 'catalog.json'),
    JSON.stringify({ gpus: [{ model: 'H100-80GB' }, { model: 'A100-80GB' }] }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture(tty = false): Writable & { text: () => string; isTTY?: boolean } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8'), isTTY: tty });
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}, tty = false) {
  const stdout = capture(tty);
  const stderr = capture();
  const io: CliIo = { stdout, stderr, stdin: Readable.from([]), env, cwd: dir };
  const code = await main(['node', 'gpuaas-app', ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('gpuaas-app validate (in-process)', () => {
  it.each<[string, string[], number]>([
    ['a valid folder', ['good'], 0],
    ['the current folder (warnings only)', [], 0],
    ['a valid file', ['good/gpuaas-app.yaml'], 0],
    ['an invalid folder', ['bad'], 1],
    ['a valid and an invalid path', ['good', 'bad'], 1],
    ['a missing path', ['nowhere'], 2],
    ['a missing path next to an invalid one', ['bad', 'nowhere'], 2],
    ['a bad --format', ['good', '--format', 'xml'], 2],
    ['an unknown option', ['good', '--strict'], 2],
    ['a missing catalog', ['good', '--catalog', 'nope.json'], 2],
  ])('exits with the right status for %s', async (_, args, code) => {
    expect((await run(['validate', ...args])).code).toBe(code);
  });

  it('prints human diagnostics with code frames and a summary to stdout', async () => {
    const { code, stdout, stderr } = await run(['validate', 'bad']);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain(
      'bad/gpuaas-app.yaml:12:14  error  resources.minimum.gpus.count must be an integer, got "two"  [type]',
    );
    expect(stdout).toContain('> 12 |       count: two');
    expect(stdout).toMatch(/\n\s+\|\s+\^\^\^\n/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('✖ 11 errors in 1 file');
    expect(stdout).not.toContain(ESC);
    expect((await run(['validate', 'bad'], {}, true)).stdout).toContain(`${ESC}[31merror`);
    expect((await run(['validate', 'bad'], { NO_COLOR: '1' }, true)).stdout).not.toContain(ESC);
  });

  it('--format json and --json print one document for all paths', async () => {
    const viaFormat = await run(['validate', 'good', 'bad', '--format', 'json']);
    const viaFlag = await run(['validate', 'good', 'bad', '--json']);
    expect(viaFlag.stdout).toBe(viaFormat.stdout);
    const json = JSON.parse(viaFormat.stdout);
    expect(json.valid).toBe(false);
    expect(json.errors).toHaveLength(11);
    expect(json.errors[0]).toEqual({
      file: 'bad/gpuaas-app.yaml',
      line: 6,
      column: 15,
      pointer: '/run/entrypoint',
      code: 'type',
      message: 'run.entrypoint must be a list, got "python3 server.py"',
      hint: 'write a list, e.g. [ python3, server.py ]',
    });
    expect(JSON.parse((await run(['validate', '--json'])).stdout)).toMatchObject({
      valid: true,
      errors: [],
      warnings: [{ file: 'gpuaas-app.yaml', code: 'readiness-probe-missing' }],
    });
  });

  it('reports I/O problems as io-error diagnostics and exits 2', async () => {
    const { code, stdout } = await run(['validate', 'nowhere', '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).errors).toEqual([
      expect.objectContaining({
        file: 'nowhere',
        code: 'io-error',
        message: 'cannot read nowhere: no such file or folder',
      }),
    ]);
  });

  it('--format sarif prints a SARIF 2.1.0 log', async () => {
    const sarif = JSON.parse((await run(['validate', 'bad', '--format', 'sarif'])).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(11);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'bad/gpuaas-app.yaml',
    );
  });

  it('--format github prints annotations to stdout and the summary to stderr', async () => {
    const { stdout, stderr } = await run(['validate', 'bad', '--format=github']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.every((l) => l.startsWith('::error file=bad/gpuaas-app.yaml,line='))).toBe(true);
    expect(stderr.trim()).toBe('✖ 11 errors in 1 file');
  });

  it('--catalog checks GPU models against a catalog file', async () => {
    expect((await run(['validate', 'models.yaml'])).code).toBe(0);
    const { code, stdout } = await run(['validate', 'models.yaml', '--catalog', 'catalog.json', '--json']);
    expect(code).toBe(1);
    const { errors } = JSON.parse(stdout) as { errors: { code: string }[] };
    expect(errors.map((e) => e.code)).toEqual(['gpu-model-unknown', 'gpu-model-unknown']);
    const broken = await run(['validate', 'good', '--catalog', 'good/gpuaas-app.yaml']);
    expect(broken).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error\[CATALOG_INVALID\]/) });
  });

  it('names the bad --format', async () => {
    const { stderr } = await run(['validate', '--format', 'xml']);
    expect(stderr).toMatch(/^error\[USAGE\]: unknown --format "xml"/);
  });
});

describe('gpuaas-app schema (in-process)', () => {
  it('prints the JSON Schema as pretty JSON', async () => {
    const { code, stdout } = await run(['schema']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(manifestSchema);
    expect(stdout).toBe(JSON.stringify(manifestSchema, null, 2) + '\n');
    expect((await run(['schema', '--json'])).stdout).toBe(stdout);
  });
});

const built = binIsBuilt('gpuaas-app validate bin test');

describe.skipIf(!built)('gpuaas-app validate and schema (built bin)', () => {
  const exec = (args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], { cwd: dir }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('exits 0, 1 and 2 and prints the schema', async () => {
    expect(await exec(['validate', 'good'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/✔ good\/gpuaas-app\.yaml is valid/),
    });
    expect(await exec(['validate', 'bad', '--json'])).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/"valid": false/),
    });
    expect(await exec(['validate', 'nowhere'])).toMatchObject({ code: 2 });
    const schema = await exec(['schema']);
    expect(JSON.parse(schema.stdout).$id).toBe(
      JSON.parse(await readFile(path.join(repoRoot, 'manifest-schema/schema/gpuaas-app.schema.json'), 'utf8'))
        .$id,
    );
  });
});
