/**
 * The platform's own OpenID Provider (oidc-provider 9), mounted in the platform's Express app.
 * Its issuer is the platform's public URL (the TokenService issuer), so discovery sits at
 * `<issuer>/.well-known/openid-configuration`; its endpoints live under `/oidc/`, the device
 * page at `/device`. It signs with the platform's ES256 key from the database, and issues JWT
 * access tokens (RFC 9068) for the API resource, so the existing verifier accepts them. Every
 * stateful artefact is stored through the database adapter (nothing lost on restart, shared by
 * every instance).
 */
import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { errors } from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { SigningKeyStore } from '../auth/keys.js';
import { SIGNING_ALG } from '../auth/keys.js';
import { verifyClientSecret } from '../auth/passwords.js';
import type { Tables } from '../db/schema.js';
import { findUser } from '../identity/store.js';
import type { Logger } from '../logger.js';
import { DatabaseAdapter } from './adapter.js';
import { cliClient, consoleClient, findServiceAccountClient, serviceAccountIdOf } from './clients.js';
import { PAGE_CSP, confirmCodePage, logoutPage, messagePage, userCodePage } from './pages.js';

/** Where the provider's endpoints live (discovery and `/device` excepted). */
export const OIDC_PREFIX = '/oidc';
export const INTERACTION_PREFIX = `${OIDC_PREFIX}/interaction`;

const DAY = 86_400;

/** Lifetimes in seconds. */
export const OIDC_TTL = {
  AuthorizationCode: 60,
  ClientCredentials: 900,
  DeviceCode: 600,
  Grant: 14 * DAY,
  IdToken: 3600,
  Interaction: 3600,
  RefreshToken: 14 * DAY,
  Session: 14 * DAY,
} as const;

export interface OidcProviderOptions {
  db: Kysely<Tables>;
  keys: SigningKeyStore;
  /** The platform's key-encryption secret; cookie-signing keys are derived from it. */
  secret: Buffer;
  issuer: string;
  /** `aud` of access tokens for the API (the TokenService audience). */
  audience: string;
  /** Every scope the API declares; the API resource offers these. */
  apiScopes: readonly string[];
  accessTokenTtlSeconds: number;
  /** Trust X-Forwarded-* (the platform's `trust proxy`). */
  proxy: boolean;
  logger: Logger;
}

/** The resource indicator (RFC 8707) of the platform API: `<issuer>/v1`. */
export function apiResourceOf(issuer: string): string {
  return `${issuer}/v1`;
}

/** Cookie-signing keys, derived so that every instance with the same secret shares them. */
function cookieKeys(secret: Buffer): string[] {
  return [
    Buffer.from(hkdfSync('sha256', secret, 'gpuaas', 'oidc-provider cookie keys', 32)).toString('base64url'),
  ];
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.body = body;
}

/** Builds the provider for one issuer URL. */
export function createOidcProvider(options: OidcProviderOptions): Provider {
  const { db, keys, issuer, audience, apiScopes, logger } = options;
  const resource = apiResourceOf(issuer);
  const signingJwk = keys.signingJwk();

  const configuration: Configuration = {
    adapter: class extends DatabaseAdapter {
      constructor(model: string) {
        super(db, model);
      }
      override async find(id: string) {
        // Confidential clients are service accounts: their rows are the source of truth.
        return (await findServiceAccountClient(db, id)) ?? super.find(id);
      }
    },
    clients: [cliClient(), consoleClient(issuer)],
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: SIGNING_ALG,
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: { idTokenSigningAlgValues: [SIGNING_ALG] },
    jwks: { keys: [{ ...signingJwk, use: 'sig' }] as never },
    cookies: { keys: cookieKeys(options.secret) },
    claims: { openid: ['sub'], email: ['email'] },
    // API scopes too: client metadata (service accounts) may only name scopes listed here.
    scopes: ['openid', 'offline_access', 'email', ...apiScopes],
    pkce: { required: () => true },
    routes: {
      authorization: `${OIDC_PREFIX}/auth`,
      token: `${OIDC_PREFIX}/token`,
      jwks: `${OIDC_PREFIX}/jwks`,
      revocation: `${OIDC_PREFIX}/token/revocation`,
      introspection: `${OIDC_PREFIX}/token/introspection`,
      userinfo: `${OIDC_PREFIX}/me`,
      end_session: `${OIDC_PREFIX}/session/end`,
      device_authorization: `${OIDC_PREFIX}/device/auth`,
      pushed_authorization_request: `${OIDC_PREFIX}/request`,
      code_verification: '/device',
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // Signing out of the console ends the provider's session too (docs/console.md): a confirmation
      // form of ours (no scripts), then back to the console.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          html(ctx, logoutPage(form));
          return Promise.resolve();
        },
        postLogoutSuccessSource(ctx) {
          html(ctx, messagePage('Signed out', 'You are signed out of GPUaaS.'));
          return Promise.resolve();
        },
      },
      deviceFlow: {
        enabled: true,
        userCodeInputSource(ctx, form, _out, err) {
          html(ctx, userCodePage(form, err === undefined ? undefined : 'That code is not valid. Try again.'));
          return Promise.resolve();
        },
        userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
          html(ctx, confirmCodePage(form, client.clientName ?? client.clientId, userCode));
          return Promise.resolve();
        },
        successSource(ctx) {
          html(ctx, messagePage('Device connected', 'You are signed in. Return to your device.'));
          return Promise.resolve();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, indicator) {
          if (indicator !== resource) {
            throw new errors.InvalidTarget(`the only resource is ${resource}`);
          }
          return {
            scope: apiScopes.join(' '),
            audience,
            accessTokenTTL: options.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: SIGNING_ALG } },
          };
        },
      },
    },
    // The CLI gets a refresh token without the `offline_access` + `prompt=consent` dance.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async extraTokenClaims(_ctx, token) {
      const accountId = serviceAccountIdOf(token.clientId ?? '');
      if (token.kind === 'ClientCredentials' && accountId !== undefined) {
        const row = await db
          .selectFrom('service_accounts')
          .select('project_id')
          .where('id', '=', accountId)
          .executeTakeFirst();
        return row === undefined
          ? undefined
          : { principal_type: 'service_account', project_id: row.project_id };
      }
      if ('accountId' in token && typeof token.accountId === 'string') {
        const user = await findUser(db, token.accountId);
        return { principal_type: 'user', ...(user?.operator === 1 ? { operator: true } : {}) };
      }
      return undefined;
    },
    async findAccount(_ctx, sub) {
      const user = await findUser(db, sub);
      if (user === undefined) return undefined;
      return { accountId: user.id, claims: () => ({ sub: user.id, email: user.email }) };
    },
    ttl: {
      ...OIDC_TTL,
      AccessToken: options.accessTokenTtlSeconds,
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = messagePage('Sign-in failed', `${out.error}: ${out.error_description ?? ''}`);
      return Promise.resolve();
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = options.proxy;
  interface ClientWithSecret {
    clientId: string;
    clientSecret?: string;
    compareClientSecret: (this: ClientWithSecret, actual: string) => Promise<boolean> | boolean;
  }
  const clientPrototype = provider.Client.prototype as unknown as ClientWithSecret;
  const compare = clientPrototype.compareClientSecret;
  // Service-account rows keep only a hash of the secret, so compare hashes, in constant time.
  clientPrototype.compareClientSecret = function (this: ClientWithSecret, actual: string) {
    if (serviceAccountIdOf(this.clientId) !== undefined) return verifyClientSecret(actual, this.clientSecret);
    return compare.call(this, actual);
  };
  provider.on('server_error', (_ctx: unknown, error: unknown) =>
    logger.error({ err: error }, 'oidc server error'),
  );
  provider.on('grant.error', (_ctx: unknown, error: unknown) =>
    logger.info({ err: error }, 'oidc grant refused'),
  );
  return provider;
}
