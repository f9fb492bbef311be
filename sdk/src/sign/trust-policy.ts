/**
 * The trust policy file (YAML or JSON; see docs/trust-policy.md): named authorities (public keys,
 * or keyless identities under a Sigstore trusted root) and policies that say, per repository
 * scope, whose signature and which attestations an artifact needs. Parsing never throws: every
 * problem is reported at once with its JSON pointer and line, because a policy that silently drops
 * a misspelled requirement would accept what it was meant to refuse.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { SdkError } from '../errors.js';
import type { PublicKey } from './keys.js';
import { ParseContext } from './trust-policy-parse.js';
import type { KeylessTrust } from './verify.js';

export type TrustAuthority =
  { name: string; kind: 'key'; key: PublicKey } | { name: string; kind: 'keyless'; keyless: KeylessTrust };

export interface AttestationRequirement {
  predicateType: string;
  /** Any one of these authorities suffices. */
  authorities: string[];
}

export interface TrustPolicyRule {
  name: string;
  /** Repository globs (`*` one segment, `**` any number of segments). */
  scopes: string[];
  /** When set, the artifact needs a statement over its digest signed by one of these authorities. */
  signatures?: { authorities: string[] };
  attestations: AttestationRequirement[];
}

export interface TrustPolicy {
  version: 1;
  authorities: ReadonlyMap<string, TrustAuthority>;
  policies: TrustPolicyRule[];
}

export interface PolicyIssue {
  /** JSON pointer of the offending field, e.g. `/policies/0/scopes/1`. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface TrustPolicyParseResult {
  /** The policy, or `undefined` when there are errors. */
  value: TrustPolicy | undefined;
  errors: PolicyIssue[];
  warnings: PolicyIssue[];
}

/**
 * Parses and checks a trust policy. Relative key and trusted-root paths resolve against `baseDir`
 * (the policy file's folder).
 *
 * @example
 * const { value, errors } = parseTrustPolicy(await readFile('trust-policy.yaml', 'utf8'), { baseDir: '.' });
 */
export function parseTrustPolicy(text: string, options: { baseDir: string }): TrustPolicyParseResult {
  const ctx = new ParseContext(text, options.baseDir);
  const policy = ctx.parse();
  return { value: ctx.errors.length === 0 ? policy : undefined, errors: ctx.errors, warnings: ctx.warnings };
}

/** Reads and parses a policy file; relative paths inside it resolve against its folder. */
export async function readTrustPolicyFile(file: string): Promise<TrustPolicyParseResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SdkError(
      missing ? 'NOT_FOUND' : 'IO_ERROR',
      missing ? `trust policy ${file} does not exist` : `cannot read trust policy ${file}: ${String(error)}`,
      { cause: error, details: { path: file } },
    );
  }
  return parseTrustPolicy(text, { baseDir: path.dirname(path.resolve(file)) });
}

/**
 * Reads a policy file and returns the policy, or throws `POLICY_INVALID` whose message lists every
 * error as `FILE:LINE:COL POINTER: message` (and `details.errors` holds them).
 */
export async function loadTrustPolicy(file: string): Promise<TrustPolicy> {
  const result = await readTrustPolicyFile(file);
  if (result.value) return result.value;
  const lines = result.errors.map(
    (e) =>
      `  ${file}${e.line === undefined ? '' : `:${e.line}:${e.column ?? 1}`} ${e.path || '/'}: ${e.message}`,
  );
  throw new SdkError('POLICY_INVALID', `trust policy ${file} is invalid:\n${lines.join('\n')}`, {
    details: { path: file, errors: result.errors },
  });
}

/**
 * A policy file made self-contained: every key or trusted root given as a path is replaced by
 * its content, so the policy can travel to where those files do not exist (the platform hands it
 * to runtimes inside sandboxes). The result is checked like any policy; errors throw
 * `POLICY_INVALID` listing every problem, as `loadTrustPolicy` does.
 *
 * @example
 * const text = await inlineTrustPolicyFile('trust-policy.yaml');
 */
export async function inlineTrustPolicyFile(file: string): Promise<string> {
  await loadTrustPolicy(file);
  const baseDir = path.dirname(path.resolve(file));
  const document = parseYaml(await readFile(file, 'utf8')) as {
    keys?: Record<string, { publicKey?: unknown; keyless?: { trustedRoot?: unknown } }>;
  };
  for (const spec of Object.values(document.keys ?? {})) {
    if (typeof spec.publicKey === 'string' && !spec.publicKey.trimStart().startsWith('-----BEGIN')) {
      spec.publicKey = await readFile(path.resolve(baseDir, spec.publicKey), 'utf8');
    }
    const root = spec.keyless?.trustedRoot;
    if (spec.keyless !== undefined && typeof root === 'string') {
      spec.keyless.trustedRoot = JSON.parse(await readFile(path.resolve(baseDir, root), 'utf8')) as unknown;
    }
  }
  const text = stringifyYaml(document, { lineWidth: 0 });
  const check = parseTrustPolicy(text, { baseDir: path.join(baseDir, '.inline-check-no-files-here') });
  if (check.value === undefined) {
    const lines = check.errors.map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new SdkError(
      'POLICY_INVALID',
      `trust policy ${file} could not be made self-contained:\n${lines.join('\n')}`,
      {
        details: { path: file, errors: check.errors },
      },
    );
  }
  return text;
}
