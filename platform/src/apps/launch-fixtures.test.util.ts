/**
 * The set-up of the launch tests over the API: a platform whose operator trust policy is a file
 * (for references outside its registry), a publisher project `acme` with a registered key, a
 * tenant project, a stand-in runtime behind a running allocation of the tenant, and `approved()`
 * for versions of acme's apps pushed to the embedded registry and approved for the tenant.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, loadSigningKey } from '@gpuaas/sdk';
import type { SigningKey } from '@gpuaas/sdk';
import type { TestDialect } from '@gpuaas/test-support';
import { startTestPlatform } from '../testing/harness.js';
import type { StartOptions, TestPlatform } from '../testing/harness.js';
import { createProject, runningAllocation, standInRuntime } from './catalog-fixtures.test.util.js';
import type { StandInRuntime } from './catalog-fixtures.test.util.js';
import { insertPublisherKey, insertVersion, publishSigned } from './fixtures.test.util.js';

/** An operator policy trusting `keyPem` for `scope`, keys inline as the platform hands them on. */
export const outsidePolicy = (keyPem: string, scope: string): string => `version: 1
keys:
  outside: { publicKey: "${keyPem.trim().replace(/\n/g, '\\n')}" }
policies:
  - name: outside
    scopes: ['${scope}']
    signatures: { authorities: [outside] }
`;

/** The priced manifest of acme/echo: 0.50 an hour and 0.000002 a request. */
export const ECHO_MANIFEST = {
  name: 'echo',
  version: '1.0.0',
  meters: [{ name: 'requests', unit: 'request', aggregation: 'sum' }],
  billing: {
    currency: 'USD',
    hourlyPrice: '0.50',
    metered: [{ meter: 'requests', pricePerUnit: '0.000002' }],
  },
};

export interface LaunchFixture {
  t: TestPlatform;
  host: string;
  publisher: string;
  tenant: string;
  operator: string;
  publisherProject: string;
  tenantProject: string;
  key: SigningKey;
  runtime: StandInRuntime;
  allocationId: string;
  /** The operator's trust policy file (starts trusting registry.example.com/first/**). */
  policyFile: string;
  /** acme/`app`:1.0.0 pushed, signed, registered and approved for the tenant's project. */
  approved(
    app: string,
    manifest: Record<string, unknown>,
  ): Promise<{ id: string; digest: string; reference: string }>;
  close(): Promise<void>;
}

export async function startLaunchFixture(
  dialect: TestDialect,
  options: StartOptions = {},
): Promise<LaunchFixture> {
  const runtime = await standInRuntime();
  const dir = await mkdtemp(join(tmpdir(), 'gpuaas-launch-policy-'));
  const policyFile = join(dir, 'policy.yaml');
  const outsideKey = await generateSigningKeyPair();
  await writeFile(policyFile, outsidePolicy(outsideKey.publicKeyPem, 'registry.example.com/first/**'));
  const t = await startTestPlatform(dialect, {
    rateLimit: { enabled: false },
    compute: { appTrustPolicy: 'placeholder, replaced by the file', appTrustPolicyFile: policyFile },
    ...options,
  });
  const host = new URL(t.url).host;
  const publisher = (await t.login('publisher@example.com')).token;
  const tenant = (await t.login('tenant@example.com')).token;
  const operator = (await t.login('ops@example.com', { operator: true })).token;
  const publisherProject = await createProject(t, publisher, 'acme');
  const tenantProject = await createProject(t, tenant, 'tenant');
  const key = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
  await insertPublisherKey(t.platform.db, publisherProject, key);
  const allocationId = await runningAllocation(t, operator, tenant, tenantProject, runtime.endpoint);
  return {
    t,
    host,
    publisher,
    tenant,
    operator,
    publisherProject,
    tenantProject,
    key,
    runtime,
    allocationId,
    policyFile,
    async approved(app, manifest) {
      const repository = `acme/${app}`;
      const { digest, reference } = await publishSigned({
        host,
        token: publisher,
        repository,
        tag: '1.0.0',
        key,
      });
      const id = await insertVersion(t.platform.db, {
        projectId: publisherProject,
        registry: host,
        repository,
        tag: '1.0.0',
        digest,
        version: '1.0.0',
        signerKeyId: key.keyId,
        manifest,
      });
      await t.platform.apps.review.approve(id, { scope: 'project', scopeId: tenantProject }, { id: 'ops' });
      return { id, digest, reference };
    },
    async close() {
      await t.close();
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
