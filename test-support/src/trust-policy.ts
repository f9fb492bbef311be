/**
 * A self-contained trust policy for tests and benches: one key authority, inline PEM, required to
 * sign everything under the given repository scopes (docs/trust-policy.md).
 */
export function keyTrustPolicy(options: {
  authority: string;
  publicKeyPem: string;
  scopes: readonly string[];
}): string {
  const { authority } = options;
  return [
    'version: 1',
    'keys:',
    `  ${authority}:`,
    '    publicKey: |',
    ...options.publicKeyPem
      .trim()
      .split('\n')
      .map((line) => `      ${line}`),
    'policies:',
    `  - name: ${authority}`,
    `    scopes: [${options.scopes.map((s) => `'${s}'`).join(', ')}]`,
    `    signatures: { authorities: [${authority}] }`,
    '',
  ].join('\n');
}
