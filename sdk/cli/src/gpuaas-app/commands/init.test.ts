import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../output.js';
import { main } from '../main.js';
import { bin, binIsBuilt } from '../run.test.util.js';
import { validateManifestPath } from '@gpuaas/sdk/manifest';

/** The scaffolded manifest's value and every error and warning the validator finds in it. */
async function checkManifest(path: string): Promise<{ value: unknown; errors: string[] }> {
  const result = await validateManifestPath(path);
  const errors = [...result.errors, ...result.warnings].map((d) => `${d.code} ${d.pointer}: ${d.message}`);
  return { value: result.value, errors };
}
const work = mkdtempSync(join(tmpdir(), 'gpuaas-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => `app-${++counter}`;

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gpuaas-app ...args` in-process; `answers` makes it an interactive terminal session. */
async function cli(args: string[], answers?: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const stdout = new Capture();
  const stderr = new Capture(answers !== undefined);
  const stdin = Object.assign(new PassThrough(), { isTTY: answers !== undefined });
  if (answers) stdin.end(answers.map((a) => `${a}\n`).join(''));
  const io: CliIo = { stdout, stderr, stdin, env, cwd: work };
  const code = await main(['node', 'gpuaas-app', ...args], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const shipped = ['batch-job', 'console-extension', 'python-inference', 'typescript-service'];

describe('gpuaas-app init --list', () => {
  it('prints { name, description } for every template with --json', async () => {
    const run = await cli(['init', '--list', '--json']);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { name: string; description: string }[];
    expect(list.map((t) => t.name)).toEqual(expect.arrayContaining(shipped));
    for (const t of list) expect(Object.keys(t).sort()).toEqual(['description', 'name']);
  });

  it('prints a table for people', async () => {
    const run = await cli(['init', '--list']);
    expect(run.stdout.split('\n')[0]).toMatch(/^NAME\s+DESCRIPTION$/);
    for (const name of shipped) expect(run.stdout).toMatch(new RegExp(`^${name}\\s+\\S`, 'm'));
  });
});

describe('gpuaas-app init', () => {
  it('creates a valid app and prints { dir, template, name, files } with --json', async () => {
    const dir = fresh();
    const run = await cli([
      'init',
      dir,
      '--template',
      'python-inference',
      '--name',
      'my-app',
      '--publisher',
      'acme',
      '--yes',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { dir: string; template: string; name: string; files: string[] };
    expect(result).toMatchObject({ dir: join(work, dir), template: 'python-inference', name: 'my-app' });
    expect(result.files).toEqual(
      expect.arrayContaining(['gpuaas-app.yaml', 'server.py', 'README.md', '.gitignore']),
    );
    const check = await checkManifest(join(work, dir, 'gpuaas-app.yaml'));
    expect(check.errors).toEqual([]);
    expect(check.value).toMatchObject({ name: 'my-app', publisher: 'acme', displayName: 'My App' });
  });

  it('prints next steps, defaults the folder to the name and says when the publisher was defaulted', async () => {
    const name = `svc-${++counter}`;
    const run = await cli([
      'init',
      '--template',
      'typescript-service',
      '--name',
      name,
      '--display-name',
      'My Service',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Created ${name} from template typescript-service in ${name}`);
    expect(run.stdout).toMatch(/Next steps:\n {2}cd svc-\d+\n {2}npm install/);
    expect(run.stdout).toContain('npx gpuaas-app validate');
    // The key publish is told to use is the one keygen writes (PREFIX.key), outside the app folder.
    const out = /gpuaas-app keygen --out (\S+)/.exec(run.stdout)?.[1];
    const key = /gpuaas-app publish .*--key (\S+)/.exec(run.stdout)?.[1];
    expect(out).toBe('~/.config/gpuaas/keys/my-publisher');
    expect(key).toBe(`${out}.key`);
    expect(run.stderr).toContain('publisher defaults to "my-publisher"');
    expect((await checkManifest(join(work, name, 'gpuaas-app.yaml'))).value).toMatchObject({
      publisher: 'my-publisher',
      displayName: 'My Service',
    });
  });

  it('refuses a non-empty folder with ALREADY_EXISTS unless --force', async () => {
    const dir = fresh();
    mkdirSync(join(work, dir));
    writeFileSync(join(work, dir, 'keep.txt'), 'x');
    const args = ['init', dir, '--template', 'batch-job', '--name', 'job', '--yes'];
    const refused = await cli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error\[ALREADY_EXISTS\]: .*is not empty/m);
    expect(existsSync(join(work, dir, 'job.py'))).toBe(false);
    const forced = await cli([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(work, dir, 'job.py'))).toBe(true);
    expect(readFileSync(join(work, dir, 'keep.txt'), 'utf8')).toBe('x');
  });

  it.each([
    [
      'an unknown template',
      ['--template', 'nope', '--name', 'a'],
      'TEMPLATE_NOT_FOUND',
      /hint: available templates: .*python-inference/,
    ],
    [
      'a name that is not a DNS label',
      ['--template', 'batch-job', '--name', 'My_App'],
      'NAME_INVALID',
      /hint: use lower-case/,
    ],
    [
      'a bad publisher',
      ['--template', 'batch-job', '--name', 'a', '--publisher', 'A B'],
      'NAME_INVALID',
      /publisher/,
    ],
    ['a missing --name under --yes', ['--template', 'batch-job'], 'USAGE', /--name is required/],
    [
      'a missing --template under --yes',
      ['--name', 'a'],
      'USAGE',
      /hint: pass --template with one of: batch-job/,
    ],
  ])('exits 2 on %s', async (_case, args, code, stderr) => {
    const dir = fresh();
    const run = await cli(['init', dir, ...args, '--yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error[${code}]`);
    expect(run.stderr).toMatch(stderr);
    expect(existsSync(join(work, dir))).toBe(false);
  });

  it('never prompts without a terminal, even without --yes', async () => {
    const run = await cli(['init', fresh(), '--template', 'batch-job']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error[USAGE]');
    expect(run.stderr).not.toContain('App name');
  });

  it('puts the error in the JSON output with --json', async () => {
    const run = await cli(['init', fresh(), '--template', 'nope', '--name', 'a', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'TEMPLATE_NOT_FOUND' } });
  });
});

describe('gpuaas-app init on a terminal', () => {
  it('asks for the template, name and publisher, re-asking after bad answers', async () => {
    const dir = fresh();
    const run = await cli(['init', dir, '--json'], ['9', 'python-inference', 'Bad Name', 'good-name', '']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/1\. batch-job — /);
    expect(run.stderr).toContain('"9" is not a template number or name');
    expect(run.stderr).toContain('"Bad Name" is not a DNS label');
    expect(run.stderr).toContain('Publisher (my-publisher): ');
    expect(JSON.parse(run.stdout)).toMatchObject({ template: 'python-inference', name: 'good-name' });
    expect((await checkManifest(join(work, dir, 'gpuaas-app.yaml'))).value).toMatchObject({
      name: 'good-name',
      publisher: 'my-publisher',
    });
  });

  it('offers the folder name as the app name and takes a template by number', async () => {
    const dir = `folder-${++counter}`;
    const run = await cli(['init', dir, '--json'], ['2', '', 'acme']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`App name (${dir}): `);
    expect(JSON.parse(run.stdout)).toMatchObject({ template: 'console-extension', name: dir });
  });

  it('does not prompt with --yes or under CI=true', async () => {
    for (const [args, env] of [
      [['--yes'], {}],
      [[], { CI: 'true' }],
    ] as const) {
      const run = await cli(['init', fresh(), '--template', 'batch-job', ...args], ['never-read'], env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('error[USAGE]');
    }
  });

  it('fails with USAGE when input ends before the answers', async () => {
    const run = await cli(['init', fresh(), '--template', 'batch-job'], []);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error[USAGE]: input ended');
  });
});

describe('the built gpuaas-app bin', () => {
  const run = promisify(execFile);

  it('lists templates and creates an app as a child process (run `npx tsc --build` first)', async () => {
    expect(binIsBuilt('gpuaas-app init bin test'), 'run npx tsc --build').toBe(true);
    const list = await run(process.execPath, [bin, 'init', '--list', '--json'], { cwd: work });
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).toEqual(
      expect.arrayContaining(shipped),
    );

    const dir = join(work, fresh());
    const created = await run(
      process.execPath,
      [bin, 'init', dir, '--template', 'batch-job', '--name', 'nightly', '--yes'],
      {
        cwd: work,
      },
    );
    expect(created.stdout).toContain('Created nightly from template batch-job');
    expect((await checkManifest(join(dir, 'gpuaas-app.yaml'))).errors).toEqual([]);

    const refused = await run(
      process.execPath,
      [bin, 'init', dir, '--template', 'batch-job', '--name', 'nightly', '--yes'],
      {
        cwd: work,
      },
    ).catch((e: unknown) => e as { code: number; stderr: string });
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('error[ALREADY_EXISTS]') as unknown,
    });
  });
});
