/**
 * The app supply chain through the platform, as its three users run it, every command a built bin
 * as a child process against `gpuaas-platform serve` on embedded defaults (its own OCI registry,
 * no trust policy file), on SQLite and PostgreSQL:
 *
 * - a publisher registers its signing key, scaffolds a template outside this repository, and
 *   publishes + registers it from a CI-like environment (a service account's client credentials);
 * - an operator sees it pending and approves it (promotion by digest into the release namespace,
 *   an approval attestation signed with the platform's key);
 * - a tenant of another project launches it into a sandboxed allocation, by the publisher's reference.
 *
 * Then what must be refused, each with its code and nothing half-made: a second version with wider
 * permissions waits for review (and shows the diff), a version signed by an unregistered key is
 * rejected, a tag moved after approval and a revoked digest do not
 * launch, a push into another publisher's namespace and a pull by a tenant without rights fail.
 * (Invalid manifests, which the CLI refuses before pushing, are registered in-process in
 * platform/src/apps/ tests.)
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestStore, requireTools, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuaasAppBin,
  gpuaasBin,
  run,
  runPlatform,
  startServer,
  SANDBOXED_NODE,
} from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

const execFileAsync = promisify(execFile);
const tools = requireTools('app registry e2e (sandbox, skopeo)', 'bwrap', 'python3', 'skopeo');
const dialects = await testDialects('app registry e2e');

interface AppVersion {
  id: string;
  state: string;
  digest: string;
  version: string;
  reference: string;
  release_reference: string | null;
  errors: { code: string; message: string }[] | null;
}

interface AppVersionDetail extends AppVersion {
  diff: { permissions: { added: string[]; removed: string[] } } | null;
  previous_approved: { version: string; digest: string } | null;
}

function json<T>(result: RunResult): T {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** The problem code a failed command printed (`--output json` errors go to stderr as JSON). */
function codeOf(result: RunResult): string | undefined {
  return /"code"\s*:\s*"([A-Z_]+)"/.exec(result.stderr + result.stdout)?.[1];
}

async function skopeo(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await execFileAsync('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, stderr: failed.stderr ?? '' };
  }
}

describe.skipIf(!tools).each(dialects)('the app supply chain through the platform (%s)', (dialect) => {
  let work: string;
  let store: TestStore;
  let server: TestServer;
  let host: string;
  let operatorToken: string;
  let publisherToken: string;
  let tenantToken: string;
  let ciEnv: NodeJS.ProcessEnv;
  let approved: AppVersion;
  let allocation: string;

  const baseEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_CONFIG_HOME: join(work, 'home'),
    GPUAAS_API_URL: server.url,
    CI: 'true',
  });
  const as = (token: string): NodeJS.ProcessEnv => ({ ...baseEnv(), GPUAAS_TOKEN: token });
  const gpuaas = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<RunResult> => run(gpuaasBin, args, env);
  const gpuaasApp = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<RunResult> =>
    run(gpuaasAppBin, args, env);
  const mint = async (...args: string[]): Promise<string> => {
    const minted = await runPlatform(store, ['token', ...args]);
    expect(minted.code, minted.stderr).toBe(0);
    return minted.stdout.trim();
  };

  /** Scaffolds python-inference as `name` at `version`, with extra permission scopes. */
  let scaffolded = 0;
  const scaffold = async (name: string, version: string, scopes: string[] = []): Promise<string> => {
    scaffolded += 1;
    const dir = join(work, 'apps', `${name}-${version}-${scaffolded}`);
    const init = await gpuaasApp(
      baseEnv(),
      'init',
      dir,
      '--template',
      'python-inference',
      '--name',
      name,
      '--publisher',
      'acme',
      '--yes',
    );
    expect(init.code, init.stderr).toBe(0);
    const manifestFile = join(dir, 'gpuaas-app.yaml');
    let text = (await readFile(manifestFile, 'utf8')).replace(/^version: .*$/m, `version: ${version}`);
    if (scopes.length > 0)
      text = text.replace(/scopes: \[usage:write\]/, `scopes: [usage:write, ${scopes.join(', ')}]`);
    await writeFile(manifestFile, text);
    return dir;
  };

  const publish = (
    dir: string,
    ref: string,
    key: string,
    env: NodeJS.ProcessEnv = ciEnv,
  ): Promise<RunResult> =>
    gpuaasApp(env, 'publish', dir, '--to', ref, '--key', key, '--register', '--project', 'acme', '--json');

  const launch = (ref: string): Promise<RunResult> =>
    gpuaas(as(tenantToken), 'app', 'launch', allocation, '--artifact', ref, '--wait', '--output', 'json');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gpuaas-app-registry-'));
    await mkdir(join(work, 'home'));
    store = await createTestStore(dialect, { pathLength: 200 });
    server = await startServer(store, [...SANDBOXED_NODE]);
    host = new URL(server.url).host;
    operatorToken = await mint('--user', 'ops@example.com', '--operator');
    publisherToken = await mint('--user', 'dev@acme.example', '--project', 'acme');
    tenantToken = await mint('--user', 'tenant@example.com', '--project', 'tenant');
    for (const name of ['acme', 'rogue']) {
      const keygen = await gpuaasApp(baseEnv(), 'keygen', '--out', join(work, 'keys', name));
      expect(keygen.code, keygen.stderr).toBe(0);
    }
    // The publisher's key is registered; the rogue key never is.
    const added = json<{ key_id: string }>(
      await gpuaas(
        as(publisherToken),
        'apps',
        'keys',
        'add',
        join(work, 'keys', 'acme.pub'),
        '--project',
        'acme',
        '--output',
        'json',
      ),
    );
    expect(added.key_id).toMatch(/^[0-9a-f]{64}$/);
    // CI publishes with a service account of the publisher's project, as a pipeline would.
    const account = json<{ client_id: string; client_secret: string }>(
      await gpuaas(
        as(publisherToken),
        'service-accounts',
        'create',
        'ci',
        '--project',
        'acme',
        '--scope',
        'registry:push',
        'registry:pull',
        'apps:write',
        'apps:read',
        'projects:read',
        '--json',
      ),
    );
    ciEnv = {
      ...baseEnv(),
      XDG_CONFIG_HOME: join(work, 'ci-home'),
      HOME: join(work, 'ci-home'),
      GPUAAS_CLIENT_ID: account.client_id,
      GPUAAS_CLIENT_SECRET: account.client_secret,
      GPUAAS_SCOPE: 'registry:push registry:pull apps:write apps:read projects:read',
    };
    const created = json<{ id: string }>(
      await gpuaas(
        as(tenantToken),
        'allocations',
        'create',
        '--gpus',
        '1',
        '--project',
        'tenant',
        '--wait',
        '--output',
        'json',
      ),
    );
    allocation = created.id;
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await store?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('publishes and registers from CI, an operator approves, a tenant launches it into a sandbox', async () => {
    const dir = await scaffold('llm', '0.1.0');
    const ref = `${host}/acme/llm:0.1.0`;
    const published = json<{ digest: string; version: AppVersion }>(
      await publish(dir, ref, join(work, 'keys', 'acme.key')),
    );
    expect(published.version).toMatchObject({
      state: 'verified',
      digest: published.digest,
      version: '0.1.0',
    });

    // Not approved yet: the tenant cannot launch it.
    const early = await launch(ref);
    expect(early.code).not.toBe(0);
    expect(codeOf(early)).toBe('APP_VERSION_NOT_APPROVED');

    const pending = json<{ items: AppVersion[] }>(
      await gpuaas(as(operatorToken), 'ops', 'apps', 'pending', '--output', 'json'),
    );
    expect(pending.items.map((v) => v.digest)).toContain(published.digest);
    approved = json<AppVersion>(
      await gpuaas(
        as(operatorToken),
        'ops',
        'apps',
        'approve',
        `${host}/acme/llm@${published.digest}`,
        '--yes',
        '--output',
        'json',
      ),
    );
    expect(approved.state).toBe('approved');
    expect(approved.release_reference).toContain(`${host}/release/acme/llm`);

    const launched = await launch(ref);
    expect(launched.code, `${launched.stdout}\n${launched.stderr}`).toBe(0);
    expect(JSON.parse(launched.stdout)).toMatchObject({ state: 'ready', app: { digest: published.digest } });
    const stopped = await gpuaas(as(tenantToken), 'app', 'stop', allocation, '--output', 'json');
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 240_000);

  it('holds a second version with wider permissions for review and shows the diff', async () => {
    const dir = await scaffold('llm', '0.2.0', ['projects:read']);
    const ref = `${host}/acme/llm:0.2.0`;
    const published = json<{ digest: string; version: AppVersion }>(
      await publish(dir, ref, join(work, 'keys', 'acme.key')),
    );
    expect(published.version.state).toBe('verified');
    const shown = json<AppVersionDetail>(
      await gpuaas(
        as(operatorToken),
        'ops',
        'apps',
        'show',
        `${host}/acme/llm@${published.digest}`,
        '--output',
        'json',
      ),
    );
    expect(shown.previous_approved).toMatchObject({ version: '0.1.0', digest: approved.digest });
    expect(shown.diff?.permissions.added).toEqual(['projects:read']);
    const refused = await launch(ref);
    expect(codeOf(refused)).toBe('APP_VERSION_NOT_APPROVED');
    // Approving 0.1.0 earlier changed nothing of 0.2.0, and reviewing 0.2.0 changes nothing of 0.1.0.
    const rejected = json<AppVersion>(
      await gpuaas(
        as(operatorToken),
        'ops',
        'apps',
        'reject',
        shown.id,
        '--reason',
        'wider permissions not justified',
        '--output',
        'json',
      ),
    );
    expect(rejected.state).toBe('rejected');
    const first = json<AppVersionDetail>(
      await gpuaas(as(operatorToken), 'ops', 'apps', 'show', approved.id, '--output', 'json'),
    );
    expect(first.state).toBe('approved');
  }, 180_000);

  it('rejects a version signed by a key the publisher never registered, and says so', async () => {
    const rogueDir = await scaffold('rogue', '0.1.0');
    const rogue = await publish(rogueDir, `${host}/acme/rogue:0.1.0`, join(work, 'keys', 'rogue.key'));
    expect(rogue.code).not.toBe(0);
    expect(rogue.stderr + rogue.stdout).toMatch(/APP_SIGNER_UNKNOWN/);
    const rejected = json<{ items: AppVersion[] }>(
      await gpuaas(
        as(publisherToken),
        'apps',
        'versions',
        'list',
        '--project',
        'acme',
        '--state',
        'rejected',
        '--output',
        'json',
      ),
    );
    const signerRejection = rejected.items.find((v) => v.reference.includes('/acme/rogue'));
    expect(signerRejection?.errors?.map((e) => e.code)).toContain('APP_SIGNER_UNKNOWN');
    // Rejected, so never launchable.
    expect(codeOf(await launch(`${host}/acme/rogue:0.1.0`))).toBe('APP_VERSION_NOT_APPROVED');
  }, 180_000);

  it('refuses a tag moved after approval and a revoked digest', async () => {
    // Re-publishing 0.1.0 with other content moves the tag in the publisher's namespace.
    const dir = await scaffold('llm', '0.1.0');
    await writeFile(join(dir, 'extra.txt'), 'a different artifact under the approved tag\n');
    const moved = await publish(dir, `${host}/acme/llm:0.1.0`, join(work, 'keys', 'acme.key'));
    expect(moved.code, moved.stderr).toBe(0);
    const movedVersion = JSON.parse(moved.stdout) as { digest: string; version: AppVersion };
    expect(movedVersion.digest).not.toBe(approved.digest);
    // Registered, signed by the right key, but a new digest: it waits for its own review.
    expect(movedVersion.version.state).toBe('verified');
    const byTag = await launch(`${host}/acme/llm:0.1.0`);
    expect(codeOf(byTag)).toBe('APP_VERSION_NOT_APPROVED');

    const revoked = json<AppVersion>(
      await gpuaas(
        as(operatorToken),
        'ops',
        'apps',
        'revoke',
        approved.id,
        '--reason',
        'key compromised',
        '--yes',
        '--output',
        'json',
      ),
    );
    expect(revoked.state).toBe('revoked');
    const byDigest = await launch(`${host}/acme/llm@${approved.digest}`);
    expect(codeOf(byDigest)).toBe('APP_VERSION_REVOKED');
  }, 180_000);

  it('keeps publishers in their namespace and tenants out of what they may not pull', async () => {
    const dir = await scaffold('intruder', '0.1.0');
    const intrusion = await gpuaasApp(
      as(tenantToken),
      'publish',
      dir,
      '--to',
      `${host}/acme/intruder:0.1.0`,
      '--key',
      join(work, 'keys', 'rogue.key'),
      '--register',
      '--project',
      'tenant',
      '--json',
    );
    expect(intrusion.code).not.toBe(0);
    // The tenant's own token goes to the registry as its password: refused as unknown, never pushed.
    expect(intrusion.stderr).toMatch(/NAME_UNKNOWN|DENIED/);
    expect(intrusion.stderr).not.toMatch(/REGISTRY_UNAUTHORIZED/);
    // A tenant with no rights on acme's namespace cannot read its artifacts, nor the release of a revoked one.
    const pull = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `x:${tenantToken}`,
      `docker://${host}/acme/llm:0.2.0`,
    );
    expect(pull.code).not.toBe(0);
    const release = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `x:${tenantToken}`,
      `docker://${host}/release/acme/llm:0.2.0`,
    );
    expect(release.code).not.toBe(0);
    // The operator sees it all, so the refusals above are about rights, not about a missing artifact.
    const operatorPull = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      '--creds',
      `x:${operatorToken}`,
      `docker://${host}/acme/llm:0.2.0`,
    );
    expect(operatorPull.code, operatorPull.stderr).toBe(0);
  }, 120_000);
});
