/**
 * The checks behind parseTrustPolicy: one pass over the parsed document that collects every
 * problem (with its JSON pointer and line) instead of stopping at the first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { isSdkError } from '../errors.js';
import { didYouMean } from '../manifest/suggest.js';
import { toPublicKey, type PublicKey } from './keys.js';
import { scopeGlobError } from './scope.js';
import type {
  AttestationRequirement,
  PolicyIssue,
  TrustAuthority,
  TrustPolicy,
  TrustPolicyRule,
} from './trust-policy.js';
import type { KeylessIdentity, KeylessTrust } from './verify.js';

type Path = readonly (string | number)[];

const TOP_KEYS = ['version', 'keys', 'policies'];
const KEY_KEYS = ['publicKey', 'keyless'];
const KEYLESS_KEYS = ['trustedRoot', 'identities', 'tlogThreshold', 'ctlogThreshold'];
const IDENTITY_KEYS = ['issuer', 'subject', 'subjectRegExp'];
const POLICY_KEYS = ['name', 'scopes', 'signatures', 'attestations'];
const SIGNATURES_KEYS = ['authorities'];
const ATTESTATION_KEYS = ['predicateType', 'authorities'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Walks the parsed YAML, collecting every problem with its JSON pointer and position. */
export class ParseContext {
  readonly errors: PolicyIssue[] = [];
  readonly warnings: PolicyIssue[] = [];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    private readonly baseDir: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
  }

  parse(): TrustPolicy | undefined {
    for (const e of this.doc.errors) {
      this.errors.push({
        path: '',
        message: `not valid YAML/JSON: ${e.message.split('\n')[0] ?? ''}`,
        ...this.position(e.pos[0]),
      });
    }
    if (this.errors.length > 0) return undefined;
    const root: unknown = this.doc.toJS();
    if (!isRecord(root)) {
      this.error([], 'the trust policy must be a mapping with version, keys and policies');
      return undefined;
    }
    this.unknownKeys(root, [], TOP_KEYS);
    if (root.version !== 1)
      this.error(['version'], `version must be 1, found ${JSON.stringify(root.version)}`);

    const authorities = new Map<string, TrustAuthority>();
    if (!isRecord(root.keys) || Object.keys(root.keys).length === 0) {
      this.error(
        ['keys'],
        'keys must be a mapping of at least one authority name to { publicKey } or { keyless }',
      );
    } else {
      for (const [name, spec] of Object.entries(root.keys)) {
        const authority = this.authority(name, spec, ['keys', name]);
        if (authority) authorities.set(name, authority);
      }
    }
    const known = isRecord(root.keys) ? Object.keys(root.keys) : [];

    const policies: TrustPolicyRule[] = [];
    if (!Array.isArray(root.policies) || root.policies.length === 0) {
      this.error(['policies'], 'policies must be a list of at least one policy');
    } else {
      const names = new Set<string>();
      root.policies.forEach((spec: unknown, i) => {
        const rule = this.policy(spec, ['policies', i], known);
        if (!rule) return;
        if (names.has(rule.name)) this.error(['policies', i, 'name'], `duplicate policy name "${rule.name}"`);
        names.add(rule.name);
        policies.push(rule);
      });
    }
    const used = new Set(
      policies.flatMap((p) => [
        ...(p.signatures?.authorities ?? []),
        ...p.attestations.flatMap((a) => a.authorities),
      ]),
    );
    for (const name of known) {
      if (!used.has(name)) this.warn(['keys', name], `authority "${name}" is not used by any policy`);
    }
    return { version: 1, authorities, policies };
  }

  private authority(name: string, spec: unknown, at: Path): TrustAuthority | undefined {
    if (!NAME.test(name)) this.error(at, `authority name "${name}" must be letters, digits, ".", "_" or "-"`);
    if (!isRecord(spec)) {
      this.error(at, 'an authority must be { publicKey: PATH-or-PEM } or { keyless: {...} }');
      return undefined;
    }
    this.unknownKeys(spec, at, KEY_KEYS);
    const hasKey = spec.publicKey !== undefined;
    if (hasKey === (spec.keyless !== undefined)) {
      this.error(at, 'an authority needs exactly one of publicKey and keyless');
      return undefined;
    }
    if (hasKey) {
      const key = this.publicKey(spec.publicKey, [...at, 'publicKey']);
      return key && { name, kind: 'key', key };
    }
    const keyless = this.keyless(spec.keyless, [...at, 'keyless']);
    return keyless && { name, kind: 'keyless', keyless };
  }

  private publicKey(value: unknown, at: Path): PublicKey | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.error(at, 'publicKey must be a path (relative to the policy file) or an inline PEM');
      return undefined;
    }
    let pem = value;
    let source = `${pointer(at)} (inline PEM)`;
    if (!value.trimStart().startsWith('-----BEGIN')) {
      source = path.resolve(this.baseDir, value);
      const text = this.readFile(source, at);
      if (text === undefined) return undefined;
      pem = text;
    }
    if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
      this.error(at, `${source} is not a PEM public key (expected BEGIN PUBLIC KEY)`);
      return undefined;
    }
    try {
      return toPublicKey(pem, source);
    } catch (error) {
      this.error(at, isSdkError(error) ? error.message : `${source}: ${String(error)}`);
      return undefined;
    }
  }

  private keyless(spec: unknown, at: Path): KeylessTrust | undefined {
    if (!isRecord(spec)) {
      this.error(at, 'keyless must be { trustedRoot, identities: [{ issuer, subject }] }');
      return undefined;
    }
    this.unknownKeys(spec, at, KEYLESS_KEYS);
    let trustedRoot: unknown = spec.trustedRoot;
    if (typeof trustedRoot === 'string') {
      const file = path.resolve(this.baseDir, trustedRoot);
      const text = this.readFile(file, [...at, 'trustedRoot']);
      if (text === undefined) return undefined;
      try {
        trustedRoot = JSON.parse(text);
      } catch (error) {
        this.error([...at, 'trustedRoot'], `${file} is not JSON: ${(error as Error).message}`);
        return undefined;
      }
    }
    if (!isRecord(trustedRoot)) {
      this.error([...at, 'trustedRoot'], 'trustedRoot must be a path to trusted_root.json or its content');
      return undefined;
    }
    try {
      // Building the trust material parses every certificate and key, so a broken root fails here.
      toTrustMaterial(TrustedRoot.fromJSON(trustedRoot));
    } catch (error) {
      this.error([...at, 'trustedRoot'], `the trusted root is invalid: ${(error as Error).message}`);
      return undefined;
    }
    const identities: KeylessIdentity[] = [];
    if (!Array.isArray(spec.identities) || spec.identities.length === 0) {
      this.error([...at, 'identities'], 'identities must list at least one { issuer, subject }');
    } else {
      spec.identities.forEach((id: unknown, i) => {
        const identity = this.identity(id, [...at, 'identities', i]);
        if (identity) identities.push(identity);
      });
    }
    const thresholds: { tlogThreshold?: number; ctlogThreshold?: number } = {};
    for (const field of ['tlogThreshold', 'ctlogThreshold'] as const) {
      const v = spec[field];
      if (v === undefined) continue;
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0) thresholds[field] = v;
      else this.error([...at, field], `${field} must be a whole number ≥ 0`);
    }
    return { trustedRoot, identities, ...thresholds };
  }

  private identity(spec: unknown, at: Path): KeylessIdentity | undefined {
    if (!isRecord(spec)) {
      this.error(at, 'an identity must be { issuer, subject } or { issuer, subjectRegExp }');
      return undefined;
    }
    this.unknownKeys(spec, at, IDENTITY_KEYS);
    const { issuer, subject, subjectRegExp } = spec;
    if (typeof issuer !== 'string' || issuer === '') {
      this.error([...at, 'issuer'], 'issuer must be the OIDC issuer URL');
      return undefined;
    }
    if ((typeof subject === 'string') === (typeof subjectRegExp === 'string')) {
      this.error(at, 'an identity needs exactly one of subject and subjectRegExp (strings)');
      return undefined;
    }
    if (typeof subjectRegExp === 'string') {
      try {
        new RegExp(subjectRegExp);
      } catch (error) {
        this.error([...at, 'subjectRegExp'], `not a regular expression: ${(error as Error).message}`);
        return undefined;
      }
      return { issuer, subjectRegExp };
    }
    return { issuer, subject: subject as string };
  }

  private policy(spec: unknown, at: Path, known: readonly string[]): TrustPolicyRule | undefined {
    if (!isRecord(spec)) {
      this.error(at, 'a policy must be { name, scopes, signatures?, attestations? }');
      return undefined;
    }
    this.unknownKeys(spec, at, POLICY_KEYS);
    const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : undefined;
    if (name === undefined) this.error([...at, 'name'], 'name must be a non-empty string');
    const scopes: string[] = [];
    if (!Array.isArray(spec.scopes) || spec.scopes.length === 0) {
      this.error([...at, 'scopes'], 'scopes must list at least one repository glob');
    } else {
      spec.scopes.forEach((scope: unknown, i) => {
        const problem = typeof scope === 'string' ? scopeGlobError(scope) : 'a scope must be a string';
        if (problem) this.error([...at, 'scopes', i], `bad scope glob ${JSON.stringify(scope)}: ${problem}`);
        else if (scopes.includes(scope as string))
          this.warn([...at, 'scopes', i], `duplicate scope "${String(scope)}"`);
        else scopes.push(scope as string);
      });
    }
    let signatures: { authorities: string[] } | undefined;
    if (spec.signatures !== undefined) {
      if (!isRecord(spec.signatures)) {
        this.error([...at, 'signatures'], 'signatures must be { authorities: [NAME, ...] }');
      } else {
        this.unknownKeys(spec.signatures, [...at, 'signatures'], SIGNATURES_KEYS);
        const authorities = this.authorityList(
          spec.signatures.authorities,
          [...at, 'signatures', 'authorities'],
          known,
        );
        if (authorities) signatures = { authorities };
      }
    }
    const attestations: AttestationRequirement[] = [];
    if (spec.attestations !== undefined) {
      if (!Array.isArray(spec.attestations)) {
        this.error([...at, 'attestations'], 'attestations must be a list of { predicateType, authorities }');
      } else {
        spec.attestations.forEach((a: unknown, i) => {
          const req = this.attestation(a, [...at, 'attestations', i], known);
          if (req) attestations.push(req);
        });
      }
    }
    if (spec.signatures === undefined && (spec.attestations === undefined || attestations.length === 0)) {
      this.error(at, 'a policy must require signatures or at least one attestation');
    }
    if (name === undefined) return undefined;
    return { name, scopes, ...(signatures ? { signatures } : {}), attestations };
  }

  private attestation(spec: unknown, at: Path, known: readonly string[]): AttestationRequirement | undefined {
    if (!isRecord(spec)) {
      this.error(at, 'an attestation requirement must be { predicateType, authorities }');
      return undefined;
    }
    this.unknownKeys(spec, at, ATTESTATION_KEYS);
    const authorities = this.authorityList(spec.authorities, [...at, 'authorities'], known);
    if (typeof spec.predicateType !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(spec.predicateType)) {
      this.error(
        [...at, 'predicateType'],
        'predicateType must be a URI, e.g. https://gpuaas.dev/attestations/approval/v1',
      );
      return undefined;
    }
    return authorities && { predicateType: spec.predicateType, authorities };
  }

  private authorityList(value: unknown, at: Path, known: readonly string[]): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0) {
      this.error(at, 'authorities must list at least one name from keys');
      return undefined;
    }
    const names: string[] = [];
    value.forEach((name: unknown, i) => {
      if (typeof name !== 'string') this.error([...at, i], 'an authority reference must be a string');
      else if (!known.includes(name)) {
        this.error(
          [...at, i],
          `unknown authority "${name}"${suggestion(name, known)} (defined: ${known.join(', ')})`,
        );
      } else names.push(name);
    });
    return names.length === value.length ? names : undefined;
  }

  private readFile(file: string, at: Path): string | undefined {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.error(
        at,
        code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  private unknownKeys(record: Record<string, unknown>, at: Path, allowed: readonly string[]): void {
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        this.error(
          [...at, key],
          `unknown field "${key}"${suggestion(key, allowed)} (allowed: ${allowed.join(', ')})`,
        );
      }
    }
  }

  private error(at: Path, message: string): void {
    this.errors.push(this.issue(at, message));
  }

  private warn(at: Path, message: string): void {
    this.warnings.push(this.issue(at, message));
  }

  private position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  private issue(at: Path, message: string): PolicyIssue {
    // Point at the deepest node that exists, so a missing field reports its parent's line.
    for (let n = at.length; n >= 0; n--) {
      const node: unknown = n === 0 ? this.doc.contents : this.doc.getIn(at.slice(0, n), true);
      if (isNode(node) && node.range) {
        return { path: pointer(at), message, ...this.position(node.range[0]) };
      }
    }
    return { path: pointer(at), message };
  }
}

function pointer(at: Path): string {
  return at.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function suggestion(word: string, candidates: readonly string[]): string {
  const best = didYouMean(word, candidates);
  return best === undefined ? '' : `; did you mean "${best}"?`;
}
