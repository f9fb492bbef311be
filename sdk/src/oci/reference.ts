/**
 * Image references (`host:port/ns/repo:tag@sha256:…`) with the grammar and Docker Hub defaults of
 * distribution/reference, so that names users already type for docker, skopeo and crane mean the
 * same thing here.
 */
import { SdkError } from '../errors.js';
import { isDigest } from './digest.js';

/** Docker Hub's canonical name in references. */
export const DOCKER_HUB = 'docker.io';
/** Host that actually serves Docker Hub's registry API. */
export const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

/** A parsed image reference. */
export interface ImageReference {
  /** Registry as written (`host`, `host:port`, `[::1]:port`), `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/ubuntu` or `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Which part of a reference a problem is about. */
export type ReferencePart = 'reference' | 'registry' | 'repository' | 'tag' | 'digest';

export interface ReferenceIssue {
  part: ReferencePart;
  message: string;
}

/** Result of {@link validateReference}: `value` is set only when `errors` is empty. */
export interface ReferenceValidation {
  value: ImageReference | undefined;
  errors: ReferenceIssue[];
  warnings: ReferenceIssue[];
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^\w[\w.-]{0,127}$/;
const MAX_NAME_LENGTH = 255;

function isRegistryHost(value: string): boolean {
  let host = value;
  let port: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    const inner = host.slice(1, close);
    if (!/^[0-9a-fA-F:.]+$/.test(inner) || !inner.includes(':')) return false;
    const rest = host.slice(close + 1);
    if (rest === '') return true;
    if (!rest.startsWith(':')) return false;
    port = rest.slice(1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      port = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
    if (!host.split('.').every((label) => HOST_LABEL.test(label))) return false;
  }
  if (port === undefined) return true;
  return /^[0-9]{1,5}$/.test(port) && Number(port) <= 65535;
}

/** distribution/reference's rule: the first component is a registry when it looks like a host. */
function looksLikeRegistry(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.toLowerCase() !== component
  );
}

/**
 * Parses and checks a reference without throwing. Docker Hub names get their defaults:
 * `ubuntu` → `docker.io/library/ubuntu`, `index.docker.io/x/y` → `docker.io/x/y`.
 */
export function validateReference(input: string): ReferenceValidation {
  const errors: ReferenceIssue[] = [];
  const warnings: ReferenceIssue[] = [];
  const fail = (part: ReferencePart, message: string): ReferenceValidation => {
    errors.push({ part, message });
    return { value: undefined, errors, warnings };
  };
  if (input.length === 0) return fail('reference', 'reference is empty');
  if (input.trim() !== input) return fail('reference', `reference "${input}" has leading or trailing space`);

  let name = input;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!isDigest(digest))
      errors.push({ part: 'digest', message: `"${digest}" is not sha256:<64 hex> or sha512:<128 hex>` });
  }

  let tag: string | undefined;
  const lastSlash = name.lastIndexOf('/');
  const tagColon = name.indexOf(':', lastSlash + 1);
  if (tagColon >= 0) {
    tag = name.slice(tagColon + 1);
    name = name.slice(0, tagColon);
    if (!TAG.test(tag)) {
      errors.push({
        part: 'tag',
        message: `"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`,
      });
    }
  }

  let registry = DOCKER_HUB;
  let repository = name;
  const firstSlash = name.indexOf('/');
  if (firstSlash >= 0 && looksLikeRegistry(name.slice(0, firstSlash))) {
    registry = name.slice(0, firstSlash);
    repository = name.slice(firstSlash + 1);
    if (!isRegistryHost(registry))
      errors.push({ part: 'registry', message: `"${registry}" is not a valid host[:port]` });
    if (registry === 'index.docker.io') registry = DOCKER_HUB;
  }
  if (registry === DOCKER_HUB && repository.length > 0 && !repository.includes('/'))
    repository = `library/${repository}`;

  if (repository.length === 0) {
    errors.push({ part: 'repository', message: 'repository name is empty' });
  } else {
    const bad = repository.split('/').find((c) => !PATH_COMPONENT.test(c));
    if (bad !== undefined) {
      const lower = bad.toLowerCase() !== bad && PATH_COMPONENT.test(bad.toLowerCase());
      errors.push({
        part: 'repository',
        message: lower
          ? `repository component "${bad}" must be lowercase`
          : `repository component "${bad}" must be lowercase letters and digits separated by . _ __ or -`,
      });
    }
    if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
      errors.push({ part: 'repository', message: `name is longer than ${MAX_NAME_LENGTH} characters` });
    }
  }

  if (errors.length > 0) return { value: undefined, errors, warnings };
  if (tag === undefined && digest === undefined) {
    warnings.push({ part: 'tag', message: 'no tag or digest given; registries resolve "latest"' });
  }
  const value: ImageReference = { registry, repository };
  if (tag !== undefined) value.tag = tag;
  if (digest !== undefined) value.digest = digest;
  return { value, errors, warnings };
}

/**
 * Parses a reference or throws `SdkError` REFERENCE_INVALID whose `details.part` names the bad part.
 *
 * @example
 * parseReference('127.0.0.1:5000/team/app:1.0');
 * // { registry: '127.0.0.1:5000', repository: 'team/app', tag: '1.0' }
 */
export function parseReference(input: string): ImageReference {
  const result = validateReference(input);
  const first = result.errors[0];
  if (result.value === undefined || first !== undefined) {
    const issue = first ?? { part: 'reference', message: 'invalid' };
    throw new SdkError('REFERENCE_INVALID', `invalid reference "${input}": ${issue.part}: ${issue.message}`, {
      details: { part: issue.part, errors: result.errors },
    });
  }
  return result.value;
}

/** Writes a reference back in its full form (`registry/repository[:tag][@digest]`). */
export function formatReference(reference: ImageReference): string {
  let out = `${reference.registry}/${reference.repository}`;
  if (reference.tag !== undefined) out += `:${reference.tag}`;
  if (reference.digest !== undefined) out += `@${reference.digest}`;
  return out;
}

/** The host:port that serves a registry's API (`docker.io` is served by `registry-1.docker.io`). */
export function registryEndpoint(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
}

/** True for hosts that only this machine can reach, where plain HTTP is the safe default. */
export function isLoopbackHost(registry: string): boolean {
  let host = registry;
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']'));
  else if (host.lastIndexOf(':') >= 0) host = host.slice(0, host.lastIndexOf(':'));
  host = host.toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
