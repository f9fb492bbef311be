/**
 * What a new user runs first, as they run it: the built `gpuaas`, `gpuaas-app` and
 * `gpuaas-platform` bins as child processes against a real `gpuaas-platform serve` (two simulated
 * local nodes of eight H100s). Waits that must end (`--wait --timeout`), requests that can never
 * be placed, bootstrap tokens for an existing project, ambiguous project names, the current
 * project, usage, error codes with hints, and the options of `audit export`, `keygen` and
 * `allocations create`.
 */
import { spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuaasAppBin,
  gpuaasBin,
  platformBin,
  repoRoot,
  run,
  runPlatform,
  startServer,
} from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

/** Runs a bin and kills it past `ms`: a CLI that does not exit fails the test instead of hanging it. */
function runBounded(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  ms: number,
): Promise<RunResult & { elapsedMs: number; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, ms);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started, killed });
    });
    child.stdin.end();
  });
}

describe.each(await testDialects('gpuaas CLI journeys'))('the CLIs a new user runs, on %s', (dialect) => {
  let store: TestStore;
  let server: TestServer;
  let home: string;
  let ops: string;
  let demoId: string;

  const env = (token: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, token.slice(-12)),
    GPUAAS_API_URL: server.url,
    GPUAAS_TOKEN: token,
    CI: 'true',
    ...extra,
  });
  const gpuaas = (token: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    run(gpuaasBin, args, env(token, extra));
  const token = async (args: string[]) => {
    const r = await runPlatform(store, ['token', '--json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return {
      ...(JSON.parse(r.stdout) as {
        access_token: string;
        project_id: string | null;
        project_joined: boolean;
      }),
      stderr: r.stderr,
    };
  };
  const json = <T>(r: RunResult): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    store = await createTestStore(dialect);
    server = await startServer(store, ['--local-node', '--gpus', 'simulated', '--simulate', '2x8']);
    home = await mkdtemp(join(tmpdir(), 'gpuaas-journeys-'));
    const issued = await token(['--user', 'ops@example.com', '--operator', '--project', 'demo']);
    ops = issued.access_token;
    demoId = issued.project_id ?? '';
    // Nothing here needs to run: with both nodes cordoned every placeable request stays queued.
    for (const node of ['local-1', 'local-2'])
      expect((await gpuaas(ops, ['ops', 'cordon', node])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await store?.drop();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it('allocations create --wait --timeout 10s prints WAIT_TIMEOUT and exits 7 at once', async () => {
    const r = await runBounded(
      gpuaasBin,
      ['allocations', 'create', '--gpus', '1', '--project', 'demo', '--wait', '--timeout', '10s'],
      env(ops),
      25_000,
    );
    expect(r.killed, `still running after 25 s:\n${r.stderr}`).toBe(false);
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(/^error\[WAIT_TIMEOUT\]: allocation \S+ is still queued/m);
    // The wait itself takes 10 s; what follows the message must be an exit, not a hanging socket.
    expect(r.elapsedMs).toBeLessThan(20_000);
  }, 40_000);

  it('refuses what no node could ever hold with ALLOCATION_UNSATISFIABLE, and queues what a cordoned node could', async () => {
    const tooMany = await gpuaas(ops, ['allocations', 'create', '--gpus', '9', '--project', 'demo']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toMatch(
      /^error\[ALLOCATION_UNSATISFIABLE\]: 9 GPUs of any model can never be placed: the largest registered node has 8, so ask for at most 8 .*on offer: h100-80gb \(up to 8 per node, \d+ per NVLink domain, 16 in all\)/m,
    );
    expect(tooMany.stderr).toMatch(/^ {2}body \/gpus\/count: at most 8/m);
    const noModel = await gpuaas(ops, [
      'allocations',
      'create',
      '--gpus',
      '1',
      '--model',
      'a100-80gb',
      '--project',
      'demo',
      '--json',
    ]);
    expect(noModel.code).toBe(1);
    expect(JSON.parse(noModel.stdout)).toMatchObject({
      error: {
        code: 'ALLOCATION_UNSATISFIABLE',
        status: 422,
        detail: expect.stringMatching(/no registered node has a GPU of NVIDIA A100.*; on offer: h100-80gb/),
      },
    });
    // Both nodes are cordoned, yet they are part of the cluster: eight GPUs queue for them.
    const queued = json<{ id: string; state: string }>(
      await gpuaas(ops, ['allocations', 'create', '--gpus', '8', '--project', 'demo', '--json']),
    );
    expect(queued.state).toBe('queued');
    // Usage of an allocation, from the CLI: none yet, as a table and as the API's JSON.
    const table = await gpuaas(ops, ['allocations', 'usage', queued.id]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(`no usage recorded for allocation ${queued.id} yet\n`);
    expect(json(await gpuaas(ops, ['allocations', 'usage', queued.id, '--output', 'json']))).toEqual({
      allocation_id: queued.id,
      meters: [],
    });
    expect((await gpuaas(ops, ['allocations', 'release', queued.id])).code).toBe(0);
  });

  it('a bootstrap token for an existing project joins it; a name two organisations use is refused, never guessed', async () => {
    const ci = await token(['--user', 'ci@example.com', '--project', 'demo']);
    expect(ci).toMatchObject({ project_id: demoId, project_joined: true });
    expect(ci.stderr).toContain('ci@example.com joined the existing project demo as member');
    const listed = json<{ items: { id: string; name: string; role: string }[] }>(
      await gpuaas(ci.access_token, ['projects', 'list', '--json']),
    );
    expect(listed.items).toEqual([expect.objectContaining({ id: demoId, name: 'demo', role: 'member' })]);
    // Again: the same project, nothing joined twice.
    expect(await token(['--user', 'ci@example.com', '--project', 'demo'])).toMatchObject({
      project_id: demoId,
      project_joined: false,
    });

    // Within one organisation a name is unique: 409 ALREADY_EXISTS.
    const duplicate = await gpuaas(ops, ['projects', 'create', 'demo']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(
      /^error\[ALREADY_EXISTS\]: a project named "demo" exists in this organisation/m,
    );

    // Another tenant's own `demo`, in their own organisation.
    const bob = await token(['--user', 'bob@example.com']);
    const bobsDemo = json<{ id: string }>(
      await gpuaas(bob.access_token, ['projects', 'create', 'demo', '--json']),
    ).id;
    const carol = await runPlatform(store, ['token', '--user', 'carol@example.com', '--project', 'demo']);
    expect(carol.code).toBe(2);
    expect(carol.stderr).toContain('error[VALIDATION_FAILED]: 2 projects are named "demo"');
    expect(carol.stderr).toContain(demoId);
    expect(carol.stderr).toContain(bobsDemo);
    // By id it is unambiguous.
    expect(
      await token(['--user', 'carol@example.com', '--project', bobsDemo, '--role', 'viewer']),
    ).toMatchObject({
      project_id: bobsDemo,
      project_joined: true,
    });
    // An operator sees both: the CLI lists them instead of taking the first.
    const ambiguous = await gpuaas(ops, ['iam', 'members', 'list', '--project', 'demo', '--json']);
    expect(ambiguous.code).toBe(2);
    expect(JSON.parse(ambiguous.stdout)).toMatchObject({
      error: {
        code: 'NAME_AMBIGUOUS',
        details: {
          candidates: expect.arrayContaining([
            expect.objectContaining({ id: demoId }),
            expect.objectContaining({ id: bobsDemo }),
          ]),
        },
      },
    });
    expect(
      json<{ items: unknown[] }>(await gpuaas(ops, ['iam', 'members', 'list', '--project', demoId, '--json']))
        .items,
    ).toHaveLength(2);
  });

  it('a current project: `projects use`, overridden by GPUAAS_PROJECT and --project; audit export for a tenant with one project', async () => {
    const dana = await token(['--user', 'dana@example.com', '--project', 'dana-lab']);
    const other = json<{ id: string }>(
      await gpuaas(dana.access_token, ['projects', 'create', 'dana-scratch', '--json']),
    ).id;
    // Two projects and no choice yet: the command says how to choose.
    const unsure = await gpuaas(dana.access_token, ['service-accounts', 'list']);
    expect(unsure.code).toBe(2);
    expect(unsure.stderr).toMatch(
      /^error\[PROJECT_REQUIRED\]: you can see 2 projects \(dana-lab, dana-scratch\)/m,
    );
    expect(unsure.stderr).toContain('gpuaas projects use NAME');

    expect((await gpuaas(dana.access_token, ['projects', 'use', 'dana-lab'])).stdout).toBe(
      `current project for ${server.url}: dana-lab (${dana.project_id})\n`,
    );
    const stored = JSON.parse(
      await readFile(join(home, dana.access_token.slice(-12), 'gpuaas', 'credentials.json'), 'utf8'),
    ) as {
      projects: Record<string, unknown>;
    };
    expect(stored.projects[server.url]).toEqual({ id: dana.project_id, name: 'dana-lab' });
    const created = (extra: NodeJS.ProcessEnv, args: string[] = []) =>
      gpuaas(dana.access_token, ['allocations', 'create', '--gpus', '1', '--json', ...args], extra);
    expect(json<{ project_id: string }>(await created({})).project_id).toBe(dana.project_id);
    expect(json<{ project_id: string }>(await created({ GPUAAS_PROJECT: 'dana-scratch' })).project_id).toBe(
      other,
    );
    expect(
      json<{ project_id: string }>(
        await created({ GPUAAS_PROJECT: 'dana-scratch' }, ['--project', 'dana-lab']),
      ).project_id,
    ).toBe(dana.project_id);
    expect(json(await gpuaas(dana.access_token, ['projects', 'current', '--json']))).toEqual({
      api_url: server.url,
      project: { id: dana.project_id, name: 'dana-lab' },
      source: 'gpuaas projects use',
    });

    // Erin owns one project and never chose it: audit export just works.
    const erin = await token(['--user', 'erin@example.com']);
    const erinLab = json<{ id: string }>(
      await gpuaas(erin.access_token, ['projects', 'create', 'erin-lab', '--json']),
    ).id;
    const exported = await gpuaas(erin.access_token, ['audit', 'export', '--format', 'jsonl']);
    expect(exported.code, exported.stderr).toBe(0);
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { project_id: string; action: string });
    expect(events.map((e) => e.action)).toContain('project.create');
    expect(events.every((e) => e.project_id === erinLab)).toBe(true);

    // --file for the destination, --output for the summary's format; the old --output FILE still works.
    const file = join(home, 'audit.csv');
    const summary = await gpuaas(erin.access_token, [
      'audit',
      'export',
      '--format',
      'csv',
      '--file',
      file,
      '--output',
      'json',
    ]);
    expect(json<{ file: string; bytes: number }>(summary)).toMatchObject({ file, format: 'csv' });
    expect((await readFile(file, 'utf8')).split('\n')[0]).toMatch(/action/);
    const legacy = join(home, 'legacy.csv');
    const old = await gpuaas(erin.access_token, ['audit', 'export', '--format', 'csv', '-o', legacy]);
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain(
      `warning: \`--output FILE\` is deprecated for audit export: use \`--file ${legacy}\``,
    );
    expect(await readFile(legacy, 'utf8')).toBe(await readFile(file, 'utf8'));
  });

  it('errors say what to do: tokens, a port in use, an unknown option', async () => {
    const invalid = await gpuaas('not-a-token', ['projects', 'list']);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/^error\[TOKEN_INVALID\]/m);
    expect(invalid.stderr).toMatch(
      /^ {2}hint: get a new token: `gpuaas auth login`.*`gpuaas-platform token --user EMAIL`/m,
    );
    const short = await token(['--user', 'ops@example.com', '--ttl', '1']);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await gpuaas(short.access_token, ['projects', 'list', '--json']);
    expect(expired.code).toBe(3);
    expect(JSON.parse(expired.stdout)).toMatchObject({
      error: { code: 'TOKEN_EXPIRED', hint: expect.stringContaining('gpuaas auth login') },
    });

    const port = new URL(server.url).port;
    const busy = await runBounded(
      platformBin,
      ['serve', '--port', port, '--data-dir', join(home, 'second')],
      { ...process.env },
      30_000,
    );
    expect(busy.killed).toBe(false);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`error[PORT_IN_USE]: 127.0.0.1:${port} is in use by another process`);
    expect(busy.stderr).toContain(
      'hint: choose another port with --port N (`npm start`: GPUAAS_PORT=N npm start)',
    );

    const typo = await gpuaas(ops, ['allocations', 'create', '--gpu', '2']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown option '--gpu'\n\(Did you mean --gpus\?\)/);
    expect(typo.stderr).not.toContain('required option');
  }, 60_000);

  it('gpuaas-app keygen creates the folder and keeps the private key out of git', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'gpuaas-keygen-repo-'));
    try {
      await promisify(execFile)('git', ['init', '-q', repo]);
      const r = await new Promise<RunResult>((resolve, reject) => {
        const child = spawn(process.execPath, [gpuaasAppBin, 'keygen', '--out', 'keys/ci/signing'], {
          cwd: repo,
          env: { PATH: process.env.PATH, HOME: home },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `added ${join(repo, 'keys/ci/signing.key')} to ${join(repo, 'keys/ci/.gitignore')}`,
      );
      await promisify(execFile)('git', ['add', '.'], { cwd: repo });
      const staged = (await promisify(execFile)('git', ['diff', '--cached', '--name-only'], { cwd: repo }))
        .stdout;
      expect(staged.trim().split('\n').sort()).toEqual(['keys/ci/.gitignore', 'keys/ci/signing.pub']);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
