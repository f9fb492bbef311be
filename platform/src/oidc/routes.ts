/**
 * Mounts the OpenID Provider in the platform's Express app: the sign-in interactions (login form,
 * automatic consent for the platform's own clients) and the provider's endpoints. The provider is
 * built for the current issuer URL, which may only be known once the server listens, and rebuilt
 * if that URL changes.
 */
import express, { Router } from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { RateLimitPolicy } from '../config.js';
import type { RequestContext } from '../context.js';
import { countRequest } from '../http/rate-limit.js';
import { recordAuditEvent } from '../audit/record.js';
import { normalizeEmail } from '../identity/store.js';
import { CLI_CLIENT_ID, CONSOLE_CLIENT_ID } from './clients.js';
import { loginPage, messagePage, PAGE_CSP } from './pages.js';
import { INTERACTION_PREFIX, OIDC_PREFIX, createOidcProvider } from './provider.js';
import type { OidcProviderOptions } from './provider.js';

export interface OidcMountOptions extends Omit<OidcProviderOptions, 'issuer'> {
  /** The current issuer URL (the platform's public URL). */
  issuer: () => string;
  /** Login attempts allowed per client IP and per email address; undefined: not limited. */
  loginRateLimit?: { perIp: RateLimitPolicy; perEmail: RateLimitPolicy } | undefined;
}

/** Default budget of login attempts for one email address: slows password guessing to a crawl. */
export const LOGIN_ATTEMPTS_PER_EMAIL: RateLimitPolicy = { limit: 10, windowSeconds: 300 };

/** The platform's own clients: consent is implied, the platform is asking for itself. */
const FIRST_PARTY = new Set([CLI_CLIENT_ID, CONSOLE_CLIENT_ID]);

/** Paths answered by oidc-provider itself. */
export function isProviderPath(path: string): boolean {
  return (
    path === '/.well-known/openid-configuration' ||
    path === '/device' ||
    path.startsWith('/device/') ||
    (path.startsWith(`${OIDC_PREFIX}/`) && !path.startsWith(`${INTERACTION_PREFIX}/`))
  );
}

export interface OidcMount {
  /** Express middleware: answers OIDC paths, passes everything else on. */
  handler: RequestHandler;
  /** The provider for the current issuer. */
  provider(): Provider;
}

export function mountOidc(options: OidcMountOptions): OidcMount {
  let current: { issuer: string; provider: Provider; callback: ReturnType<Provider['callback']> } | undefined;
  const provider = () => {
    const issuer = options.issuer();
    if (current?.issuer !== issuer) {
      const p = createOidcProvider({ ...options, issuer });
      current = { issuer, provider: p, callback: p.callback() };
    }
    return current;
  };

  const router = Router();
  router.use(
    INTERACTION_PREFIX,
    interactionRouter(() => provider().provider, options),
  );
  router.use((req, res, next) => {
    if (!isProviderPath(req.path)) {
      next();
      return;
    }
    void provider().callback(req, res);
  });
  return { handler: router, provider: () => provider().provider };
}

// Verified when the email is unknown, so a login takes as long for unknown users as for known ones.
const DUMMY_HASH = await hashPassword('not a password of anyone');

function sendPage(res: Response, status: number, body: string): void {
  res.status(status).setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(body);
}

function expired(res: Response): void {
  sendPage(
    res,
    400,
    messagePage('Sign-in expired', 'This sign-in request has expired or was already used. Start again.'),
  );
}

function interactionRouter(provider: () => Provider, options: OidcMountOptions): Router {
  const { db, logger } = options;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const details = async (req: Request, res: Response) => {
    try {
      const found = await provider().interactionDetails(req, res);
      return found.uid === req.params.uid ? found : undefined;
    } catch {
      return undefined;
    }
  };

  const finish = (req: Request, res: Response, result: InteractionResults, merge = false) =>
    provider().interactionFinished(req, res, result, { mergeWithLastSubmission: merge });

  router.get('/:uid', async (req, res) => {
    const interaction = await details(req, res);
    if (interaction === undefined) return expired(res);
    const clientId = String(interaction.params.client_id);
    const client = await provider().Client.find(clientId);
    if (interaction.prompt.name === 'login') {
      return sendPage(
        res,
        200,
        loginPage({
          action: `${INTERACTION_PREFIX}/${interaction.uid}/login`,
          clientName: client?.clientName ?? clientId,
        }),
      );
    }
    if (interaction.prompt.name === 'consent' && FIRST_PARTY.has(clientId)) {
      const { Grant } = provider();
      const accountId = interaction.session?.accountId;
      if (accountId === undefined) return expired(res);
      const grant =
        (interaction.grantId === undefined ? undefined : await Grant.find(interaction.grantId)) ??
        new Grant({ accountId, clientId });
      const missing = interaction.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      return finish(req, res, { consent: { grantId: await grant.save() } }, true);
    }
    return finish(req, res, {
      error: 'access_denied',
      error_description: `client ${clientId} needs consent, which this platform does not collect`,
    });
  });

  router.post('/:uid/login', form, async (req, res) => {
    const interaction = await details(req, res);
    if (interaction?.prompt.name !== 'login') return expired(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? normalizeEmail(body.email) : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const user =
      email === ''
        ? undefined
        : await db
            .selectFrom('users')
            .select(['id', 'password_hash'])
            .where('email', '=', email)
            .executeTakeFirst();
    const client = await provider().Client.find(String(interaction.params.client_id));
    const again = (status: number, error: string) =>
      sendPage(
        res,
        status,
        loginPage({
          action: `${INTERACTION_PREFIX}/${interaction.uid}/login`,
          clientName: client?.clientName ?? String(interaction.params.client_id),
          email,
          error,
        }),
      );
    if (options.loginRateLimit !== undefined) {
      const { perIp, perEmail } = options.loginRateLimit;
      const byIp = await countRequest(db, `login-ip:${req.ip ?? 'unknown'}`, perIp);
      const byEmail = await countRequest(db, `login:${email}`, perEmail);
      if (byIp.count > perIp.limit || byEmail.count > perEmail.limit) {
        const wait = Math.max(byIp.count > perIp.limit ? byIp.resetSeconds : 0, byEmail.resetSeconds);
        res.setHeader('Retry-After', String(wait));
        return again(429, `Too many sign-in attempts. Try again in ${wait} seconds.`);
      }
    }
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    const context = res.locals.context as RequestContext | undefined;
    await recordAuditEvent(db, {
      actor_type: ok && user !== undefined ? 'user' : 'anonymous',
      actor_id: ok && user !== undefined ? user.id : null,
      action: 'user.login',
      target_type: 'user',
      target_id: user?.id ?? null,
      project_id: null,
      result: ok && user !== undefined ? 'success' : 'failure',
      status: ok && user !== undefined ? 303 : 401,
      correlation_id: context?.correlationId ?? '',
      ip: req.ip ?? null,
      details: JSON.stringify({ email, client_id: String(interaction.params.client_id) }),
    }).catch((error: unknown) => logger.warn({ err: error }, 'recording a login failed'));
    if (!ok || user === undefined) return again(401, 'Wrong email or password.');
    return finish(req, res, { login: { accountId: user.id } });
  });

  return router;
}
