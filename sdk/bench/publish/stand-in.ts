/**
 * TEMPORARY stand-in for `gpuaas-app pack|push|promote --json` built on the sdk library, used
 * only until the real commands land (BENCH_PUBLISH_CLI=sdk/bench/publish/stand-in.ts).
 */
import { parseArgs } from 'node:util';
import {
  OciLayout,
  RegistryClient,
  fileBlobSource,
  packApp,
  parseReference,
  type Descriptor,
  type ImageManifest,
} from '@gpuaas/sdk';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    output: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    'attest-key': { type: 'string' },
    out: { type: 'string' },
  },
});
const [command, source] = positionals;

if (command === 'pack') {
  const result = await packApp(source ?? '.', { output: values.output ?? 'oci', env: {} });
  console.log(JSON.stringify({ tag: result.tag, digest: result.manifestDescriptor.digest }));
} else if (command === 'push') {
  const layout = await OciLayout.open(source ?? '.');
  const target = parseReference(values.to ?? '');
  const descriptor = await layout.resolve((await layout.tags())[0] ?? '');
  const manifest = (await layout.readManifest(descriptor)) as ImageManifest;
  const client = new RegistryClient({ registry: target.registry });
  const blobs: Descriptor[] = [manifest.config, ...manifest.layers];
  const sources = await Promise.all(blobs.map((d) => fileBlobSource(layout.blobPath(d.digest), d.digest)));
  const pushed = await client.pushBlobs(target.repository, sources);
  const bytes = await layout.readBlob(descriptor.digest);
  await client.putManifest(target.repository, target.tag ?? 'latest', bytes, descriptor.mediaType);
  const bytesUploaded = pushed.reduce(
    (sum, p) => sum + (p.outcome === 'uploaded' ? p.descriptor.size : 0),
    0,
  );
  console.log(JSON.stringify({ digest: descriptor.digest, bytesUploaded }));
} else if (command === 'promote') {
  const from = parseReference(source ?? '');
  const to = parseReference(values.to ?? '');
  const client = new RegistryClient({ registry: from.registry });
  const fetched = await client.getManifest(from.repository, from.digest ?? from.tag ?? 'latest');
  const manifest = fetched.manifest as ImageManifest;
  let bytesUploaded = 0;
  for (const blob of [manifest.config, ...manifest.layers]) {
    if (!(await client.mountBlob(to.repository, blob.digest, from.repository))) bytesUploaded += blob.size;
  }
  await client.putManifest(to.repository, to.tag ?? 'latest', fetched.bytes, fetched.descriptor.mediaType);
  console.log(JSON.stringify({ digest: fetched.descriptor.digest, bytesCopied: bytesUploaded }));
} else if (command === 'keygen') {
  console.log(JSON.stringify({}));
} else {
  throw new Error(`stand-in: unknown command ${command}`);
}
