/**
 * Signing a person in to an app instance's console UI extension (docs/ui-extensions.md).
 *
 * 1. A member asks the platform for a one-time code (`POST /v1/allocations/{id}/app/ui-sessions`,
 *    `gpuaas app open`): 256 random bits, stored only as their SHA-256 in the OpenID Provider's
 *    store (`oidc_payloads`, model `AppUiCode`, swept on expiry), valid 60 seconds, naming the
 *    allocation, the UI endpoint and the user.
 * 2. The instance origin (`<allocation-id>.apps.<host>`, http/app-origin.ts) exchanges it: the row is
 *    marked consumed by one conditional UPDATE, so of two concurrent exchanges only one wins; a code
 *    of another allocation is refused like an unknown one. The user must still be a member then.
 * 3. The exchange yields an instance token: an ES256 JWT of the platform's issuer whose audience is
 *    the instance origin (so the platform's API, which wants its own audience, refuses it),
 *    `azp` `gpuaas-app-ui`, `allocation_id` naming the instance, valid 5 minutes, with the scopes
 *    the app is permitted (the approved manifest's `permissions.scopes`; for a launch outside the
 *    registry, what the tenant granted its service account) ∩ the user's rights in the project.
 *    It is the origin's session cookie and what the app receives as `X-Gpuaas-App-Token`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';
import type { Kysely } from 'kysely';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { callRuntime } from '../allocations/runtime-client.js';
import type { RuntimeTarget } from '../allocations/runtime-client.js';
import { allocationAccess } from '../allocations/access.js';
import { SIGNING_ALG, verifyAccessJwt } from '../auth/keys.js';
import type { SigningKeyStore } from '../auth/keys.js';
import { grantableScopes } from '../auth/principal.js';
import type { Principal, UserPrincipal } from '../auth/principal.js';
import { currentStanding } from '../auth/standing.js';
import type { UserDirectory } from '../auth/standing.js';
import type { Tables } from '../db/schema.js';
import { PlatformError } from '../errors.js';
import { projectAccess } from '../identity/access.js';
import { isoTime } from '../ids.js';
import { ENDPOINT_NAME, endpointRuntime } from './endpoint-proxy.js';
import { instanceOrigin } from './ui-origin.js';

/** How long a sign-in code may wait before it is exchanged. */
export const UI_CODE_TTL_SECONDS = 60;
/** How long an instance token (and so the origin's session) lasts; the console refreshes it. */
export const UI_TOKEN_TTL_SECONDS = 5 * 60;
/** The instance token's `azp`: who it was issued to. */
export const UI_TOKEN_AZP = 'gpuaas-app-ui';
/** Where the instance origin takes a code. */
export const UI_SIGNIN_PATH = '/.gpuaas/signin';
const CODE_MODEL = 'AppUiCode';
/** Scopes the platform adds to a launch's account for the runtime, not granted by the tenant to the app. */
const RUNTIME_ONLY_SCOPES = new Set(['usage:write', 'registry:pull']);

export interface UiSessionDeps {
  db: Kysely<Tables>;
  keys: SigningKeyStore;
  users: UserDirectory;
  /** The platform's issuer URL: the instance origins are derived from its host. */
  issuer: () => string;
}

/** What the running app declares (runtime/src/control/endpoints.ts, `GET /v1/app/endpoints`). */
interface DeclaredEndpoints {
  state: string | null;
  endpoints: { name: string; protocol: string; ui?: { title: string; path?: string } }[];
}

export interface UiEndpoint {
  name: string;
  /** Where the console opens it (`ui.path`, default `/`). */
  path: string;
}

/** The UI extension endpoint `wanted` (or the first one) of the app running in `target`. */
export async function uiEndpointOf(target: RuntimeTarget, wanted: string | undefined): Promise<UiEndpoint> {
  const { body } = await callRuntime<DeclaredEndpoints>(target, { method: 'GET', path: '/v1/app/endpoints' });
  const uis = body.endpoints.filter((e) => e.ui !== undefined && e.protocol === 'http');
  const chosen = wanted === undefined ? uis[0] : uis.find((e) => e.name === wanted);
  if (chosen === undefined) {
    throw new PlatformError(
      'NOT_FOUND',
      wanted === undefined
        ? 'the running app declares no console UI extension (endpoints[].ui)'
        : `the running app declares no console UI extension "${wanted}" (declared: ${uis.map((e) => e.name).join(', ') || 'none'})`,
    );
  }
  const path = chosen.ui?.path ?? '/';
  return { name: chosen.name, path: path.startsWith('/') && !path.startsWith('//') ? path : '/' };
}

interface CodePayload {
  allocation_id: string;
  endpoint: string;
  path: string;
  user_id: string;
  /** The scopes the asking token was limited to (null: not limited); the UI token stays within. */
  token_scopes: string[] | null;
}

export interface CreatedUiSession {
  code: string;
  url: string;
  origin: string;
  endpoint: string;
  expires_at: string;
}

function codeKey(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/**
 * A one-time code for `principal` (a user, member of the allocation's project, with a token
 * allowing `allocations:write`) to open the app's UI extension. NOT_FOUND when the allocation is
 * invisible or its app declares no UI extension, FORBIDDEN for a service account or a viewer.
 */
export async function createUiSession(
  deps: UiSessionDeps,
  principal: Principal,
  allocationId: string,
  endpoint: string | undefined,
): Promise<CreatedUiSession> {
  const { target } = await endpointRuntime(deps.db, principal, allocationId, {
    peopleOnly: "an app's UI session is a person's: sign in as a user",
  });
  if (endpoint !== undefined && !ENDPOINT_NAME.test(endpoint))
    throw new PlatformError('NOT_FOUND', `"${endpoint}" is not an endpoint name`);
  const ui = await uiEndpointOf(target, endpoint);
  const code = randomBytes(32).toString('base64url');
  const expiresAt = isoTime(Date.now() + UI_CODE_TTL_SECONDS * 1000);
  const payload: CodePayload = {
    allocation_id: allocationId,
    endpoint: ui.name,
    path: ui.path,
    user_id: principal.id,
    token_scopes: principal.scopes === undefined ? null : [...principal.scopes],
  };
  await deps.db
    .insertInto('oidc_payloads')
    .values({
      model: CODE_MODEL,
      id: codeKey(code),
      payload: JSON.stringify(payload),
      grant_id: null,
      user_code: null,
      uid: null,
      expires_at: expiresAt,
      consumed_at: null,
    })
    .execute();
  const origin = instanceOrigin(deps.issuer(), allocationId);
  return {
    code,
    url: `${origin}${UI_SIGNIN_PATH}?code=${encodeURIComponent(code)}`,
    origin,
    endpoint: ui.name,
    expires_at: expiresAt,
  };
}

export interface InstanceSession {
  token: string;
  /** Who signed in, and the allocation's project (for the audit record). */
  userId: string;
  projectId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
  endpoint: string;
  /** Where to send the browser after sign-in. */
  path: string;
  scopes: string[];
}

function invalidCode(): PlatformError {
  return new PlatformError(
    'APP_UI_CODE_INVALID',
    'the sign-in code is unknown, used, expired or for another app instance: open the app again from the console',
  );
}

/**
 * Exchanges a sign-in code presented at the origin of `allocationId` for an instance token.
 * APP_UI_CODE_INVALID for an unknown, used, expired or foreign code; NOT_FOUND/FORBIDDEN when the
 * user lost access to the allocation since.
 */
export async function exchangeUiCode(
  deps: UiSessionDeps,
  code: string,
  allocationId: string,
): Promise<InstanceSession> {
  if (code === '' || code.length > 200) throw invalidCode();
  const id = codeKey(code);
  const now = isoTime();
  const consumed = await deps.db
    .updateTable('oidc_payloads')
    .set({ consumed_at: now })
    .where('model', '=', CODE_MODEL)
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (consumed.numUpdatedRows !== 1n) throw invalidCode();
  const row = await deps.db
    .selectFrom('oidc_payloads')
    .select('payload')
    .where('model', '=', CODE_MODEL)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const payload = JSON.parse(row.payload) as CodePayload;
  if (payload.allocation_id !== allocationId) throw invalidCode();
  const principal = await instancePrincipal(deps, payload.user_id);
  const allocation = await allocationAccess(deps.db, principal, allocationId, 'member');
  const { role } = await projectAccess(deps.db, principal, allocation.project_id, 'member');
  const rights = grantableScopes({ ...principal, scopes: payload.token_scopes ?? undefined }, role);
  const permitted = await appPermittedScopes(deps.db, allocationId);
  const scopes = permitted.filter((s) => rights.has(s)).sort();
  const issued = await issueInstanceToken(deps, {
    userId: principal.id,
    allocationId,
    projectId: allocation.project_id,
    endpoint: payload.endpoint,
    scopes,
  });
  return {
    ...issued,
    userId: principal.id,
    projectId: allocation.project_id,
    endpoint: payload.endpoint,
    path: payload.path,
    scopes,
  };
}

/** The user as the database has them now (operator flag, account standing). */
export async function instancePrincipal(deps: UiSessionDeps, userId: string): Promise<UserPrincipal> {
  const principal = await currentStanding(deps.db, deps.users, {
    type: 'user',
    id: userId,
    operator: false,
    scopes: undefined,
  });
  if (principal.type !== 'user') throw invalidCode();
  return principal;
}

/**
 * What the app in `allocationId` may be given on a user's behalf: the approved manifest's
 * permissions for a launch of a registered version, else what the tenant granted the launch's
 * service account (less what the runtime itself uses); nothing without a launch on record.
 */
export async function appPermittedScopes(db: Kysely<Tables>, allocationId: string): Promise<string[]> {
  const launch = await db
    .selectFrom('app_launches')
    .leftJoin('app_versions', 'app_versions.id', 'app_launches.version_id')
    .leftJoin('service_accounts', 'service_accounts.id', 'app_launches.service_account_id')
    .select(['app_versions.manifest as manifest', 'service_accounts.scopes as granted'])
    .where('app_launches.allocation_id', '=', allocationId)
    .where('app_launches.ended_at', 'is', null)
    .orderBy('app_launches.launched_at', 'desc')
    .executeTakeFirst();
  if (launch === undefined) return [];
  if (launch.manifest !== null && launch.manifest !== undefined) {
    const manifest = JSON.parse(launch.manifest) as GpuaasAppManifest | null;
    return [...(manifest?.permissions?.scopes ?? [])];
  }
  return (launch.granted ?? '').split(' ').filter((s) => s !== '' && !RUNTIME_ONLY_SCOPES.has(s));
}

interface InstanceClaims extends JWTPayload {
  azp?: string;
  scope?: string;
  allocation_id?: string;
  project_id?: string;
  endpoint?: string;
  principal_type?: string;
}

/** Signs an instance token with the platform's current key. */
export async function issueInstanceToken(
  deps: Pick<UiSessionDeps, 'keys' | 'issuer'>,
  input: { userId: string; allocationId: string; projectId: string; endpoint: string; scopes: string[] },
): Promise<{ token: string; expiresAt: number }> {
  const key = deps.keys.signingKey();
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + UI_TOKEN_TTL_SECONDS;
  const claims: InstanceClaims = {
    azp: UI_TOKEN_AZP,
    scope: input.scopes.join(' '),
    allocation_id: input.allocationId,
    project_id: input.projectId,
    endpoint: input.endpoint,
    principal_type: 'user',
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(deps.issuer())
    .setAudience(instanceOrigin(deps.issuer(), input.allocationId))
    .setSubject(input.userId)
    .setIssuedAt(now)
    .setExpirationTime(expiresAt)
    .setJti(randomBytes(16).toString('hex'))
    .sign(key.privateKey);
  return { token, expiresAt };
}

export interface VerifiedInstanceToken {
  userId: string;
  endpoint: string;
  scopes: string[];
  expiresAt: number;
}

/**
 * Verifies an instance session for the origin of `allocationId`: the platform's key, issuer,
 * audience (that origin) and `allocation_id` all must match. TOKEN_INVALID or TOKEN_EXPIRED.
 */
export async function verifyInstanceToken(
  deps: Pick<UiSessionDeps, 'keys' | 'issuer'>,
  token: string,
  allocationId: string,
): Promise<VerifiedInstanceToken> {
  let payload: InstanceClaims;
  try {
    payload = await verifyAccessJwt<InstanceClaims>(
      deps.keys,
      token,
      { issuer: deps.issuer(), audience: instanceOrigin(deps.issuer(), allocationId) },
      'the session',
    );
  } catch (error) {
    if (error instanceof PlatformError) throw error;
    if (error instanceof joseErrors.JWTExpired)
      throw new PlatformError('TOKEN_EXPIRED', 'the app session has expired: open the app again', {
        cause: error,
      });
    throw new PlatformError('TOKEN_INVALID', 'the app session is not valid for this app instance', {
      cause: error,
    });
  }
  if (
    payload.allocation_id !== allocationId ||
    payload.azp !== UI_TOKEN_AZP ||
    typeof payload.endpoint !== 'string'
  )
    throw new PlatformError('TOKEN_INVALID', 'the app session is not valid for this app instance');
  return {
    userId: payload.sub ?? '',
    endpoint: payload.endpoint,
    scopes: (payload.scope ?? '').split(' ').filter(Boolean),
    expiresAt: payload.exp ?? 0,
  };
}
