/**
 * Signing in-toto statements into Sigstore bundles (v0.3, DSSE). Two kinds of signer: a local
 * P-256 key (the bundle names the key by its id and carries no transparency-log entry), and
 * keyless, where Fulcio certifies an ephemeral key for an OIDC identity and Rekor logs the
 * signature, so a verifier can check who signed and when without holding a key.
 */
import { sign as cryptoSign } from 'node:crypto';
import type { SerializedBundle } from '@sigstore/bundle';
import type { Signer, Witness } from '@sigstore/sign';
import { SdkError } from '../errors.js';
import type { SigningKey } from './keys.js';
import { IN_TOTO_PAYLOAD_TYPE, type InTotoStatement } from './statement.js';

/** A Sigstore bundle in its JSON form, as stored in the registry. */
export type SigstoreBundleJson = SerializedBundle;

/** What {@link signStatement} needs: a sigstore-js signer and the witnesses that countersign. */
export interface BundleSigner {
  readonly kind: 'key' | 'keyless';
  readonly signer: Signer;
  readonly witnesses: readonly Witness[];
  /** Id of the signing key (key-based signers only). */
  readonly keyId?: string;
}

/**
 * A signer over a local P-256 key. The bundle's key hint and the DSSE `keyid` are the key id,
 * which is how a verifier picks the trusted key.
 */
export function createKeySigner(key: SigningKey): BundleSigner {
  const signer: Signer = {
    sign: (data: Buffer) =>
      Promise.resolve({
        signature: cryptoSign('sha256', data, key.privateKey),
        key: { $case: 'publicKey', publicKey: key.publicKey.pem, hint: key.keyId },
      }),
  };
  return { kind: 'key', signer, witnesses: [], keyId: key.keyId };
}

export interface KeylessSignerOptions {
  /** Fulcio base URL, e.g. https://fulcio.sigstore.dev. */
  fulcioURL: string;
  /** Rekor base URL, e.g. https://rekor.sigstore.dev. */
  rekorURL: string;
  /** An OIDC identity token, or a function returning a fresh one (tokens are short-lived). */
  identityToken: string | (() => Promise<string>);
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /** Retries per request (sigstore-js backs off between them). */
  retries?: number;
}

/**
 * A keyless signer: an ephemeral key certified by Fulcio for the token's identity, with the
 * signature recorded in Rekor (the log entry's time is what proves the short-lived certificate
 * was valid when signing).
 */
export function createKeylessSigner(options: KeylessSignerOptions): BundleSigner {
  const token = options.identityToken;
  const fetchOptions = {
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.retries === undefined ? {} : { retry: options.retries }),
  };
  type Keyless = { signer: Signer; witness: Witness };
  let clients: Promise<Keyless> | undefined;
  const load = (): Promise<Keyless> =>
    (clients ??= import('@sigstore/sign').then(({ FulcioSigner, RekorWitness }) => ({
      signer: new FulcioSigner({
        fulcioBaseURL: options.fulcioURL,
        identityProvider: { getToken: typeof token === 'string' ? () => Promise.resolve(token) : token },
        ...fetchOptions,
      }),
      witness: new RekorWitness({ rekorBaseURL: options.rekorURL, entryType: 'dsse', ...fetchOptions }),
    })));
  const signer: Signer = { sign: async (data) => (await load()).signer.sign(data) };
  const witness: Witness = {
    testify: async (content, publicKey) => (await load()).witness.testify(content, publicKey),
  };
  return { kind: 'keyless', signer, witnesses: [witness] };
}

/**
 * Signs a statement as a DSSE envelope (payload type `application/vnd.in-toto+json`) and returns
 * the Sigstore bundle JSON (media type `application/vnd.dev.sigstore.bundle.v0.3+json`).
 *
 * @example
 * const key = await loadSigningKey('./acme.key', { passphrase });
 * const bundle = await signStatement(createPublishStatement({ … }), createKeySigner(key));
 */
export async function signStatement(
  statement: InTotoStatement,
  signer: BundleSigner,
): Promise<SigstoreBundleJson> {
  // Loaded on the first signature, so that importing the sdk's signing or publishing entry points
  // (to push, pull or verify) costs no sigstore-js signing code. The bundle builder alone, by its
  // file: the package's entry point also loads its Fulcio/Rekor/TUF clients (~250 ms), which only
  // keyless signing needs (createKeylessSigner imports them on first use).
  const [{ DSSEBundleBuilder }, { bundleToJSON }] = await Promise.all([
    import('@sigstore/sign/dist/bundler/dsse.js'),
    import('@sigstore/bundle'),
  ]);
  const builder = new DSSEBundleBuilder({ signer: signer.signer, witnesses: [...signer.witnesses] });
  try {
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement), 'utf8'),
      type: IN_TOTO_PAYLOAD_TYPE,
    });
    return bundleToJSON(bundle);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = signer.kind === 'key' ? `with key ${signer.keyId ?? '?'}` : 'keyless (Fulcio/Rekor)';
    throw new SdkError('SIGNING_FAILED', `signing ${where} failed: ${reason}`, { cause: error });
  }
}

/** Serialises a bundle for storage as a registry blob (UTF-8 JSON). */
export function serializeBundle(bundle: SigstoreBundleJson): Buffer {
  return Buffer.from(JSON.stringify(bundle), 'utf8');
}
