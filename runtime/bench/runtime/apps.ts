/**
 * The apps the runtime bench launches, published signed to a real Distribution registry: a 1 GiB
 * weights app (the publish bench's app: four incompressible 256 MiB shards in a `weights` layer)
 * and a tiny one. Both have the same install hook (`sleep 0.5`, a known time) and the same
 * entrypoint: a shell script that calls `POST /v1/ready` on the runtime's local API at once with
 * curl, and then idles until it is stopped.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSigningKey, publishApp, writeKeyPair } from '@gpuaas/sdk';
import { keyTrustPolicy } from '@gpuaas/test-support';
import { writeBenchApp } from '../../../sdk/bench/publish/app.ts';

/** The install hook of both apps; the bench also runs it directly (`sh -c`) for the baseline. */
export const HOOK_COMMAND = 'sleep 0.5';

function manifest(name: string, layers: boolean): string {
  return [
    'apiVersion: gpuaas.dev/v1alpha1',
    `name: ${name}`,
    'version: 1.0.0',
    'publisher: gpuaas-bench',
    'run:',
    '  entrypoint: [sh, ready.sh]',
    ...(layers
      ? ['files:', "  include: ['**']", '  layers:', '    - name: weights', "      include: ['models/**']"]
      : []),
    'resources:',
    '  minimum:',
    '    gpus: { count: 1 }',
    'hooks:',
    '  install:',
    `    command: ${HOOK_COMMAND}`,
    '',
  ].join('\n');
}

// Calls ready() through GPUAAS_RUNTIME_URL (a Unix socket or a loopback port), then idles. curl
// rather than a Node or Python script: the figure is the runtime's overhead, and an interpreter's
// start (~70 ms for Node here) would be the app's.
const READY_APP = `#!/bin/sh
case "$GPUAAS_RUNTIME_URL" in
  unix:*) curl -fsS --unix-socket "\${GPUAAS_RUNTIME_URL#unix:}" -X POST http://runtime/v1/ready ;;
  *) curl -fsS -X POST "$GPUAAS_RUNTIME_URL/v1/ready" ;;
esac || exit 1
exec sleep 2147483647
`;

export interface PublishedApps {
  /** `host/repo:tag` of the 1 GiB app. */
  large: string;
  /** `host/repo:tag` of the tiny app. */
  tiny: string;
  /** Trust policy text accepting both (the publisher key inline). */
  trustPolicy: string;
  /** Bytes in the large app's weight shards. */
  weightBytes: number;
}

/** Writes both apps under `dir`, publishes them signed to `registryHost`, returns how to launch them. */
export async function publishBenchApps(
  dir: string,
  registryHost: string,
  sizeMiB: number,
): Promise<PublishedApps> {
  await mkdir(dir, { recursive: true });
  const keys = await writeKeyPair(join(dir, 'publisher'));
  const signingKey = await loadSigningKey(keys.privateKeyPath);

  const largeDir = join(dir, 'large');
  const { weightBytes } = writeBenchApp(largeDir, sizeMiB);
  await writeFile(join(largeDir, 'gpuaas-app.yaml'), manifest('runtime-bench-large', true));
  await writeFile(join(largeDir, 'ready.sh'), READY_APP);

  const tinyDir = join(dir, 'tiny');
  await mkdir(tinyDir, { recursive: true });
  await writeFile(join(tinyDir, 'gpuaas-app.yaml'), manifest('runtime-bench-tiny', false));
  await writeFile(join(tinyDir, 'ready.sh'), READY_APP);

  const large = `${registryHost}/bench/large:1.0.0`;
  const tiny = `${registryHost}/bench/tiny:1.0.0`;
  await publishApp(largeDir, { to: large, signingKey });
  await publishApp(tinyDir, { to: tiny, signingKey });

  const trustPolicy = keyTrustPolicy({
    authority: 'bench',
    publicKeyPem: await readFile(keys.publicKeyPath, 'utf8'),
    scopes: [`${registryHost}/bench/**`],
  });
  return { large, tiny, trustPolicy, weightBytes };
}
