/**
 * The embedded OCI registry's HTTP face at `/v2/` (OCI Distribution Specification v1.1), mounted
 * before the OpenAPI pipeline because `/v2/` speaks the distribution spec, not our REST contract:
 * its own error body (`{ errors: [{ code, message, detail }] }`), its own auth challenges.
 *
 * Auth: a platform access token as the password of HTTP Basic (any user name; skopeo, docker) or
 * as a Bearer token, verified exactly as the API's middleware does (`resolvePrincipal`). Without
 * credentials the answer is 401 with a Basic challenge; `GET /v2/token` exchanges credentials for
 * a short-lived registry token (Docker's token flow) for clients that ask for one. Decisions per
 * repository are `RegistryAccess`'s (registry/access.ts).
 *
 * Every request is counted against its principal's budget (the client IP's when it carries no
 * valid credential) with the REST API's policies but in a bucket of its own (`registry:…`), so a
 * CI push does not eat the API budget of the same credential: over it, 429 TOOMANYREQUESTS with
 * Retry-After, answered before any body byte is read. Requests are counted, not bytes: a 1 GiB
 * PATCH is one request, and a request let in is never slowed. Manifest pushes and deletes, blob
 * deletes and namespace claims are audited, and manifest pushes and deletes published as events
 * (registry/activity.ts).
 */
import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { hasScope, principalKey } from '../auth/principal.js';
import { resolvePrincipal } from '../auth/middleware.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import type { PlatformConfig } from '../config.js';
import { currentContext } from '../context.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { REGISTRY_SCOPES } from '../registry/access.js';
import type { InternalRegistryCaller, RegistryAction, RegistryAccess } from '../registry/access.js';
import { RegistryActivity } from '../registry/activity.js';
import type { RegistryAuditAction, RegistryTarget } from '../registry/activity.js';
import { rangeHeader } from '../registry/blobs.js';
import type { ChunkRange } from '../registry/blobs.js';
import { RegistryError } from '../registry/errors.js';
import { MANIFEST_LIMIT_BYTES, MEDIA_TYPES } from '../registry/manifests.js';
import { isRepositoryName, isTag, namespaceOf } from '../registry/names.js';
import type { Registry } from '../registry/registry.js';
import { countRequest } from './rate-limit.js';

export interface RegistryRoutesOptions {
  registry: Registry;
  db: Kysely<Tables>;
  tokens: TokenService;
  users: UserDirectory;
  logger: Logger;
  /** Where manifest pushes and deletes are published (registry/activity.ts). */
  bus: EventBus;
  /** The REST API's policies, applied per principal in a bucket of the registry's own. */
  rateLimit: PlatformConfig['rateLimit'];
  /** Who may pull and push where (the platform's one rule, shared with app registration). */
  access: RegistryAccess;
  /** The platform's own caller: its in-process credential is accepted as the Basic password. */
  internal?: InternalRegistryCaller;
  /** Lifetime of tokens from `GET /v2/token` (default 5 minutes). */
  registryTokenTtlSeconds?: number;
}

const REALM = 'gpuaas-registry';

/**
 * Upload bodies are requests nothing else in the pipeline reads, and Node's HTTP parser copies
 * each piece into a Buffer of its own: the blob store may free each as soon as it is written.
 */
const OWN_BODY = { releaseChunks: true } as const;

type Route =
  | { kind: 'base' }
  | { kind: 'token' }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string };

/** Repository endpoints: the name, then what follows it (`arg`: an upload id, a digest, a reference). */
const PATTERNS: [RegExp, (name: string, arg: string) => Route][] = [
  [/^\/(.+?)\/blobs\/uploads\/?$/, (name) => ({ kind: 'uploads', name })],
  [/^\/(.+?)\/blobs\/uploads\/([^/]+)$/, (name, id) => ({ kind: 'upload', name, id })],
  [/^\/(.+?)\/blobs\/([^/]+)$/, (name, digest) => ({ kind: 'blob', name, digest })],
  [/^\/(.+?)\/manifests\/([^/]+)$/, (name, reference) => ({ kind: 'manifest', name, reference })],
  [/^\/(.+?)\/tags\/list$/, (name) => ({ kind: 'tags', name })],
  [/^\/(.+?)\/referrers\/([^/]+)$/, (name, digest) => ({ kind: 'referrers', name, digest })],
];

function route(path: string): Route | undefined {
  if (path === '' || path === '/') return { kind: 'base' };
  if (path === '/token') return { kind: 'token' };
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match !== null) return build(match[1] ?? '', match[2] ?? '');
  }
  return undefined;
}

/**
 * What a request on a repository needs: uploads are pushes whatever the method (an upload's
 * status is the pusher's business, as in Distribution), reads are pulls, the rest pushes.
 */
function actionOf(target: Exclude<Route, { kind: 'base' | 'token' }>, method: string): RegistryAction {
  if (target.kind === 'uploads' || target.kind === 'upload') return 'push';
  return method === 'GET' || method === 'HEAD' ? 'pull' : 'push';
}

/** The audit action of a request, when it is one the audit trail records. */
function auditActionOf(route: Route, method: string): RegistryAuditAction | undefined {
  if (route.kind === 'manifest' && method === 'PUT') return 'registry.manifest.push';
  if (route.kind === 'manifest' && method === 'DELETE') return 'registry.manifest.delete';
  if (route.kind === 'blob' && method === 'DELETE') return 'registry.blob.delete';
  return undefined;
}

/** The audit target of a manifest or blob request before (or without) its outcome. */
function requestedTarget(route: Route): RegistryTarget | undefined {
  if (route.kind === 'blob')
    return { type: 'registry_blob', repository: route.name, reference: route.digest, digest: route.digest };
  if (route.kind !== 'manifest') return undefined;
  const tag = isTag(route.reference);
  return {
    type: 'registry_manifest',
    repository: route.name,
    reference: route.reference,
    digest: tag ? undefined : route.reference,
    ...(tag ? { tags: [route.reference] } : {}),
  };
}

/** The router to mount at `/v2`. */
export function registryRoutes(options: RegistryRoutesOptions): RequestHandler {
  const { registry, logger } = options;
  const { access } = options;
  const activity = new RegistryActivity({ db: options.db, bus: options.bus });
  registry.onNamespaceClaimed(async ({ namespace, projectId }) => {
    // Claimed inside the pushing request (RegistryAccess), whose context names the principal.
    const change = { ...requestFacts(), projectId, status: 201 };
    await activity
      .record({
        ...change,
        action: 'registry.namespace.claim',
        target: { type: 'registry_namespace', namespace },
      })
      .catch((error: unknown) => logger.error({ err: error, namespace }, 'could not write the audit record'));
  });
  const router = Router();
  router.use((req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    handle(req, res).catch((error: unknown) => answerError(res, error, logger));
  });

  async function handle(req: Request, res: Response): Promise<void> {
    const target = route(decodedPath(req.path));
    if (target === undefined)
      throw new RegistryError('UNSUPPORTED', `no registry endpoint at /v2${req.path}`, { status: 404 });
    const principal = await admit(req, res);
    if (target.kind === 'base') {
      res.status(200).json({});
      return;
    }
    if (target.kind === 'token') {
      if (req.method !== 'GET') throw methodNotAllowed(req);
      await issueToken(req, res, principal);
      return;
    }
    if (!isRepositoryName(target.name))
      throw new RegistryError('NAME_INVALID', `invalid repository name "${target.name}"`);
    const audited = auditActionOf(target, req.method);
    try {
      await access.require(principal, target.name, actionOf(target, req.method));
      switch (target.kind) {
        case 'blob':
          return await blob(req, res, target.name, target.digest);
        case 'uploads':
          return await startUpload(req, res, principal, target.name);
        case 'upload':
          return await upload(req, res, target.name, target.id);
        case 'manifest':
          return await manifest(req, res, target.name, target.reference);
        case 'tags':
          return await tags(req, res, target.name);
        case 'referrers':
          return await referrers(req, res, target.name, target.digest);
      }
    } catch (error) {
      const requested = requestedTarget(target);
      // Refused pushes and deletes are audited too (before the client hears of the refusal).
      if (audited !== undefined && requested !== undefined && !res.headersSent) {
        const known = error instanceof RegistryError;
        await recordChange(audited, target.name, requested, known ? error.status : 500, {
          code: known ? error.code : 'UNKNOWN',
        }).catch((failure: unknown) => logger.error({ err: failure }, 'could not write the audit record'));
      }
      throw error;
    }
  }

  /** Authenticates and counts the request (against the client IP when it has no valid credential). */
  async function admit(req: Request, res: Response): Promise<Principal> {
    let principal: Principal | undefined;
    let refusal: unknown;
    try {
      principal = await authenticate(req);
    } catch (error) {
      refusal = error;
    }
    await limit(req, res, principal);
    if (principal === undefined) throw refusal;
    return principal;
  }

  async function authenticate(req: Request): Promise<Principal> {
    const token = credentialOf(req.headers.authorization);
    if (token === undefined)
      throw unauthorized(
        'authentication required: a platform access token as the Basic password or Bearer token',
      );
    try {
      const principal = options.internal?.principalFor(token) ?? (await resolvePrincipal(options, token));
      const context = currentContext();
      if (context !== undefined) context.principal = principal;
      return principal;
    } catch (error) {
      if (error instanceof PlatformError)
        throw unauthorized(`the token was refused: ${error.message}`, error);
      throw error;
    }
  }

  /** The REST API's fixed windows (http/rate-limit.ts), in `registry:`-prefixed buckets. */
  async function limit(req: Request, res: Response, principal: Principal | undefined): Promise<void> {
    const { rateLimit } = options;
    // The platform's own requests (promotions) are not a tenant's to budget.
    if (!rateLimit.enabled || (principal !== undefined && options.internal?.is(principal) === true)) return;
    const policy = principal === undefined ? rateLimit.anonymous : rateLimit.authenticated;
    const name = principal === undefined ? 'ip' : 'credential';
    const key = principal === undefined ? `ip:${req.ip ?? 'unknown'}` : principalKey(principal);
    const { count, resetSeconds } = await countRequest(options.db, `registry:${key}`, policy);
    res.setHeader('RateLimit-Policy', `"${name}";q=${policy.limit};w=${policy.windowSeconds}`);
    res.setHeader('RateLimit', `"${name}";r=${Math.max(0, policy.limit - count)};t=${resetSeconds}`);
    if (count > policy.limit) {
      throw new RegistryError(
        'TOOMANYREQUESTS',
        `rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded; retry in ${resetSeconds} s`,
        {
          headers: { 'Retry-After': String(resetSeconds) },
          detail: { limit: policy.limit, window_seconds: policy.windowSeconds, retry_after: resetSeconds },
        },
      );
    }
  }

  /** Who asked, from the request's context (set by the pipeline and `authenticate`). */
  function requestFacts() {
    const context = currentContext();
    return {
      principal: context?.principal,
      correlationId: context?.correlationId ?? newId(),
      ip: context?.ip,
    };
  }

  /** Audits a change to `repository` (and publishes it when it is a manifest push or delete). */
  async function recordChange(
    action: RegistryAuditAction,
    repository: string,
    target: RegistryTarget,
    status: number,
    extra: { code?: string } = {},
  ): Promise<void> {
    const projectId = (await registry.namespaceOwner(namespaceOf(repository))) ?? null;
    await activity.record({ ...requestFacts(), ...extra, action, projectId, target, status });
  }

  /** Docker's token flow: `GET /v2/token?service=…&scope=repository:NAME:pull,push`. */
  async function issueToken(req: Request, res: Response, principal: Principal): Promise<void> {
    const requested = new Set<RegistryAction>();
    for (const scope of queryList(req.query.scope)) {
      const actions = scope.split(':')[2]?.split(',') ?? [];
      for (const a of actions) {
        if (a === 'pull' || a === 'push') requested.add(a);
        if (a === '*') requested.add('push').add('pull');
      }
    }
    // Push implies pull for every client (they HEAD blobs before pushing them).
    if (requested.has('push')) requested.add('pull');
    // The token carries registry scopes only; each request is still checked per repository.
    const scopes = [...requested].map((a) => REGISTRY_SCOPES[a]).filter((s) => hasScope(principal, s));
    const ttl = options.registryTokenTtlSeconds ?? 300;
    const issued = await options.tokens.issueAccessToken({
      sub: principal.id,
      ...(principal.type === 'service_account'
        ? { principalType: 'service_account' as const, projectId: principal.projectId }
        : {}),
      scopes,
      ttlSeconds: ttl,
      clientId: 'gpuaas-registry',
    });
    res.status(200).json({
      token: issued.token,
      access_token: issued.token,
      expires_in: ttl,
      issued_at: new Date().toISOString(),
    });
  }

  async function blob(req: Request, res: Response, name: string, digest: string): Promise<void> {
    if (req.method === 'DELETE') {
      await registry.blobs.unlink(name, digest);
      const target = { type: 'registry_blob', repository: name, reference: digest, digest } as const;
      await recordChange('registry.blob.delete', name, target, 202);
      res.status(202).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req);
    const info = await registry.blobs.require(name, digest);
    res.setHeader('Docker-Content-Digest', digest);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', 'application/octet-stream');
    const range = parseByteRange(req.headers.range, info.size);
    if (range !== undefined) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.setHeader('Content-Length', String(info.size));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await registry.blobs.send(digest, res, range);
      res.end();
    } catch (error) {
      // The headers are out: cutting the connection is the only answer left (the client sees it short).
      options.logger.debug({ err: error, digest }, 'blob download ended early');
      res.destroy();
    }
  }

  async function startUpload(req: Request, res: Response, principal: Principal, name: string): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed(req);
    const mount = queryString(req.query.mount);
    const from = queryString(req.query.from);
    if (mount !== undefined && from !== undefined && isRepositoryName(from)) {
      // Mounting reads `from`: only from a repository the caller may pull (else: a plain upload).
      const mayPull = (await access.allowed(principal, from, ['pull'])).has('pull');
      if (mayPull && (await registry.blobs.mount(name, from, mount))) {
        blobCreated(res, name, mount);
        return;
      }
    }
    const digest = queryString(req.query.digest);
    if (digest !== undefined) {
      await registry.blobs.putMonolithic(name, digest, req, OWN_BODY);
      blobCreated(res, name, digest);
      return;
    }
    const id = await registry.blobs.startUpload(name);
    uploadAccepted(res, name, id, 0);
  }

  async function upload(req: Request, res: Response, name: string, id: string): Promise<void> {
    switch (req.method) {
      case 'GET': {
        const offset = await registry.blobs.uploadOffset(name, id);
        uploadAccepted(res, name, id, offset, 204);
        return;
      }
      case 'PATCH': {
        const offset = await registry.blobs.append(name, id, req, parseContentRange(req), OWN_BODY);
        uploadAccepted(res, name, id, offset);
        return;
      }
      case 'PUT': {
        const digest = queryString(req.query.digest);
        if (digest === undefined)
          throw new RegistryError('DIGEST_INVALID', 'finishing an upload needs ?digest=');
        const hasBody =
          Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        await registry.blobs.finishUpload(
          name,
          id,
          digest,
          hasBody ? req : undefined,
          parseContentRange(req),
          OWN_BODY,
        );
        blobCreated(res, name, digest);
        return;
      }
      case 'DELETE':
        await registry.blobs.cancelUpload(name, id);
        res.status(204).end();
        return;
      default:
        throw methodNotAllowed(req);
    }
  }

  async function manifest(req: Request, res: Response, name: string, reference: string): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const stored = await registry.manifests.get(name, reference);
        res.status(200);
        res.setHeader('Content-Type', stored.mediaType);
        res.setHeader('Docker-Content-Digest', stored.digest);
        res.setHeader('Content-Length', String(stored.bytes.length));
        if (req.method === 'HEAD') res.end();
        else res.end(stored.bytes);
        return;
      }
      case 'PUT': {
        const bytes = await readLimited(req, MANIFEST_LIMIT_BYTES);
        const result = await registry.manifests.put(
          name,
          reference,
          bytes,
          req.headers['content-type'] ?? '',
        );
        await recordChange(
          'registry.manifest.push',
          name,
          {
            type: 'registry_manifest',
            repository: name,
            reference,
            digest: result.digest,
            tags: isTag(reference) ? [reference] : [],
            mediaType: result.mediaType,
            ...(result.subject === undefined ? {} : { subject: result.subject }),
          },
          201,
        );
        res.status(201);
        res.setHeader('Location', `/v2/${name}/manifests/${result.digest}`);
        res.setHeader('Docker-Content-Digest', result.digest);
        if (result.subject !== undefined) res.setHeader('OCI-Subject', result.subject);
        res.end();
        return;
      }
      case 'DELETE': {
        const deleted = await registry.manifests.delete(name, reference);
        await recordChange(
          'registry.manifest.delete',
          name,
          {
            type: 'registry_manifest',
            repository: name,
            reference,
            digest: deleted.digest,
            tags: deleted.tags,
          },
          202,
        );
        res.status(202).end();
        return;
      }
      default:
        throw methodNotAllowed(req);
    }
  }

  async function tags(req: Request, res: Response, name: string): Promise<void> {
    if (req.method !== 'GET') throw methodNotAllowed(req);
    if (!(await registry.manifests.repositoryExists(name))) {
      throw new RegistryError('NAME_UNKNOWN', `repository ${name} is not known to this registry`, {
        detail: { name },
      });
    }
    const all = await registry.manifests.tags(name);
    const last = queryString(req.query.last);
    const nText = queryString(req.query.n);
    const n = nText === undefined ? undefined : Number(nText);
    if (n !== undefined && (!Number.isInteger(n) || n < 0))
      throw new RegistryError('UNSUPPORTED', 'n must be a non-negative integer', { status: 400 });
    const after = last === undefined ? all : all.filter((t) => t > last);
    const page = n === undefined ? after : after.slice(0, n);
    if (n !== undefined && n > 0 && after.length > page.length) {
      const next = new URLSearchParams({ n: String(n), last: page[page.length - 1] ?? '' });
      res.setHeader('Link', `</v2/${name}/tags/list?${next.toString()}>; rel="next"`);
    }
    res.status(200).json({ name, tags: page });
  }

  async function referrers(req: Request, res: Response, name: string, digest: string): Promise<void> {
    if (req.method !== 'GET') throw methodNotAllowed(req);
    const artifactType = queryString(req.query.artifactType);
    const manifests = await registry.manifests.referrers(name, digest, artifactType);
    if (artifactType !== undefined) res.setHeader('OCI-Filters-Applied', 'artifactType');
    res.status(200).type(MEDIA_TYPES.imageIndex);
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.imageIndex, manifests }));
  }

  return router;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch (error) {
    throw new RegistryError('NAME_INVALID', 'the path is not valid percent-encoding', { cause: error });
  }
}

/** The token from `Basic base64(user:TOKEN)` (any user name) or `Bearer TOKEN`. */
export function credentialOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (value === undefined) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return password === '' ? undefined : password;
}

function unauthorized(message: string, cause?: unknown): RegistryError {
  return new RegistryError('UNAUTHORIZED', message, {
    cause,
    headers: { 'WWW-Authenticate': `Basic realm="${REALM}", charset="UTF-8"` },
  });
}

function methodNotAllowed(req: Request): RegistryError {
  return new RegistryError('UNSUPPORTED', `${req.method} is not supported here`, { status: 405 });
}

function blobCreated(res: Response, name: string, digest: string): void {
  res.status(201);
  res.setHeader('Location', `/v2/${name}/blobs/${digest}`);
  res.setHeader('Docker-Content-Digest', digest);
  res.setHeader('Content-Length', '0');
  res.end();
}

function uploadAccepted(res: Response, name: string, id: string, offset: number, status = 202): void {
  res.status(status);
  res.setHeader('Location', `/v2/${name}/blobs/uploads/${id}`);
  res.setHeader('Range', rangeHeader(offset));
  res.setHeader('Docker-Upload-UUID', id);
  res.setHeader('Content-Length', '0');
  res.end();
}

/** `Content-Range: <start>-<end>` (the spec's form; `bytes a-b/total` accepted too). */
function parseContentRange(req: Request): ChunkRange | undefined {
  const header = req.headers['content-range'];
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (match === null) throw new RegistryError('RANGE_INVALID', `malformed Content-Range "${header}"`);
  return { start: Number(match[1]), end: Number(match[2]) };
}

/** One `Range: bytes=a-b` (or `a-`, `-n`); undefined for none; RANGE_INVALID for what cannot be served. */
function parseByteRange(header: string | undefined, size: number): ChunkRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(size - Number(match[2]), 0);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) {
    throw new RegistryError('RANGE_INVALID', `range ${header} is outside the blob (${size} bytes)`, {
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  return { start, end };
}

async function readLimited(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > limit)
      throw new RegistryError('SIZE_INVALID', `the manifest exceeds ${limit} bytes`, { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function queryList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ');
  if (Array.isArray(value))
    return value.filter((v): v is string => typeof v === 'string').flatMap((v) => v.split(' '));
  return [];
}

function answerError(res: Response, error: unknown, logger: Logger): void {
  const known = error instanceof RegistryError;
  if (!known) logger.error({ err: error }, 'registry request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = known ? error.status : 500;
  for (const [header, value] of Object.entries(known ? (error.headers ?? {}) : {}))
    res.setHeader(header, value);
  const body = known
    ? { errors: [{ code: error.code, message: error.message, detail: error.detail ?? null }] }
    : { errors: [{ code: 'UNKNOWN', message: 'internal error', detail: null }] };
  res.status(status).type('application/json');
  if (res.req.method === 'HEAD') res.end();
  else res.end(JSON.stringify(body));
}
