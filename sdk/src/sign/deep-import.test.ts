import { describe, expect, it } from 'vitest';

// sign.ts imports the DSSE bundle builder by its file inside @sigstore/sign (the package's entry
// point would also load its Fulcio, Rekor and TUF clients at start-up). This test fails when an
// update moves that file or makes it something other than what the entry point exports.
describe('the deep import of @sigstore/sign’s bundle builder', () => {
  it('is the class the package exports', async () => {
    const deep = (await import('@sigstore/sign/dist/bundler/dsse.js')) as { DSSEBundleBuilder?: unknown };
    const entry = (await import('@sigstore/sign')) as { DSSEBundleBuilder?: unknown };
    expect(typeof deep.DSSEBundleBuilder).toBe('function');
    expect(deep.DSSEBundleBuilder).toBe(entry.DSSEBundleBuilder);
  });
});
