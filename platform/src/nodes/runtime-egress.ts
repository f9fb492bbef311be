/**
 * Where the runtime inside an allocation may connect through the node agent's egress tunnel: the
 * platform itself (token endpoint, usage API), the registries the app trust policy's scopes name
 * (the runtime pulls only artifacts the policy can accept), and what the operator adds. A scope
 * whose registry part is a glob (`**`) names no host: such registries must be listed explicitly.
 */
import { parseTrustPolicy } from '@gpuaas/sdk';
import { egressTarget, egressTargets } from '@gpuaas/node-agent';

const GLOB = /[*?[\]{}]/;

/** host:port of each registry named by a trust policy's scopes (both 80 and 443 for a bare host). */
export function trustPolicyRegistries(policyText: string | undefined): string[] {
  if (policyText === undefined) return [];
  const { value } = parseTrustPolicy(policyText, { baseDir: '/' });
  if (value === undefined) return [];
  const out = new Set<string>();
  for (const rule of value.policies) {
    for (const scope of rule.scopes) {
      const host = scope.split('/')[0] ?? '';
      if (host === '' || GLOB.test(host)) continue;
      if (/:\d+$/.test(host)) {
        const target = egressTarget(host);
        if (target !== undefined) out.add(target);
      } else {
        for (const port of ['443', '80']) out.add(`${host.toLowerCase()}:${port}`);
      }
    }
  }
  return [...out];
}

export function runtimeEgressAllowList(input: {
  platformUrls: string[];
  trustPolicy: string | undefined;
  extra: readonly string[];
}): string[] {
  return egressTargets([...input.platformUrls, ...trustPolicyRegistries(input.trustPolicy), ...input.extra]);
}
