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
 */
import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.js';
import { hasScope } from '../auth/principal.js';
import { resolvePrincipal } from '../auth/middleware.js';
import type { UserDirectory } from '../auth/standing.js';
import type { TokenService } from '../auth/tokens.js';
import type { RequestContext } from '../context.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import { REGISTRY_SCOPES, RegistryAccess } from '../registry/access.js';
import type { RegistryAction } from '../registry/access.js';
import { rangeHeader } from '../registry/blobs.js';
import type { ChunkRange } from '../registry/blobs.js';
import { RegistryError } from '../registry/errors.js';
import { MANIFEST_LIMIT_BYTES, MEDIA_TYPES } from '../registry/manifests.js';
import { isRepositoryName } from '../registry/names.js';
import type { Registry } from '../registry/registry.js';

export interface RegistryRoutesOptions {
  registry: Registry;
  db: Kysely<Tables>;
  tokens: TokenService;
  users: UserDirectory;
  logger: Logger;
  /** The seam for entitlement pulls (app catalog, later): see RegistryAccess. */
  entitled?: (principal: Principal, repository: string) => Promise<boolean>;
  /** Lifetime of tokens from `GET /v2/token` (default 5 minutes). */
  registryTokenTtlSeconds?: number;
}

const REALM = 'gpuaas-registry';

type Route =
  | { kind: 'base' }
  | { kind: 'token' }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'tags'; name: string }
  | { kind: 'referrers'; name: string; digest: string };

const PATTERNS: [RegExp, (m: string[]) => Route][] = [
  [/^\/?$/, () => ({ kind: 'base' })],
  [/^\/token$/, () => ({ kind: 'token' })],
  [/^\/(.+?)\/blobs\/uploads\/?$/, ([, name]) => ({ kind: 'uploads', name: name ?? '' })],
  [
    /^\/(.+?)\/blobs\/uploads\/([^/]+)$/,
    ([, name, id]) => ({ kind: 'upload', name: name ?? '', id: id ?? '' }),
  ],
  [
    /^\/(.+?)\/blobs\/([^/]+)$/,
    ([, name, digest]) => ({ kind: 'blob', name: name ?? '', digest: digest ?? '' }),
  ],
  [
    /^\/(.+?)\/manifests\/([^/]+)$/,
    ([, name, reference]) => ({ kind: 'manifest', name: name ?? '', reference: reference ?? '' }),
  ],
  [/^\/(.+?)\/tags\/list$/, ([, name]) => ({ kind: 'tags', name: name ?? '' })],
  [
    /^\/(.+?)\/referrers\/([^/]+)$/,
    ([, name, digest]) => ({ kind: 'referrers', name: name ?? '', digest: digest ?? '' }),
  ],
];

function route(path: string): Route | undefined {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match !== null) return build([...match]);
  }
  return undefined;
}

/** The router to mount at `/v2`. */
export function registryRoutes(options: RegistryRoutesOptions): RequestHandler {
  const { registry } = options;
  const access = new RegistryAccess({ db: options.db, registry, entitled: options.entitled });
  const router = Router();
  router.use((req, res) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    handle(req, res).catch((error: unknown) => answerError(res, error, options.logger));
  });

  async function handle(req: Request, res: Response): Promise<void> {
    const target = route(decodedPath(req.path));
    if (target === undefined)
      throw new RegistryError('UNSUPPORTED', `no registry endpoint at /v2${req.path}`, { status: 404 });
    const principal = await authenticate(req, res);
    if (target.kind === 'base') {
      res.status(200).json({});
      return;
    }
    if (target.kind === 'token') {
      await issueToken(req, res, principal);
      return;
    }
    if (!isRepositoryName(target.name))
      throw new RegistryError('NAME_INVALID', `invalid repository name "${target.name}"`);
    const action: RegistryAction = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    await access.require(principal, target.name, action);
    switch (target.kind) {
      case 'blob':
        return blob(req, res, target.name, target.digest);
      case 'uploads':
        return startUpload(req, res, principal, target.name);
      case 'upload':
        return upload(req, res, target.name, target.id);
      case 'manifest':
        return manifest(req, res, target.name, target.reference);
      case 'tags':
        return tags(req, res, target.name);
      case 'referrers':
        return referrers(req, res, target.name, target.digest);
    }
  }

  async function authenticate(req: Request, res: Response): Promise<Principal> {
    const token = credentialOf(req.headers.authorization);
    if (token === undefined)
      throw unauthorized(
        'authentication required: a platform access token as the Basic password or Bearer token',
      );
    try {
      const principal = await resolvePrincipal(options, token);
      const context = res.locals.context as RequestContext | undefined;
      if (context !== undefined) context.principal = principal;
      return principal;
    } catch (error) {
      if (error instanceof PlatformError)
        throw unauthorized(`the token was refused: ${error.message}`, error);
      throw error;
    }
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
    const issued =
      principal.type === 'service_account'
        ? await options.tokens.issueAccessToken({
            sub: principal.id,
            principalType: 'service_account',
            projectId: principal.projectId,
            scopes,
            ttlSeconds: ttl,
            clientId: 'gpuaas-registry',
          })
        : await options.tokens.issueAccessToken({
            sub: principal.id,
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
      await registry.blobs.putMonolithic(name, digest, req);
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
        const offset = await registry.blobs.append(name, id, req, parseContentRange(req));
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
        res.status(201);
        res.setHeader('Location', `/v2/${name}/manifests/${result.digest}`);
        res.setHeader('Docker-Content-Digest', result.digest);
        if (result.subject !== undefined) res.setHeader('OCI-Subject', result.subject);
        res.end();
        return;
      }
      case 'DELETE':
        await registry.manifests.delete(name, reference);
        res.status(202).end();
        return;
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
