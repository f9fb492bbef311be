/** `gpuaas auth login|status|logout`. */
import { spawn } from 'node:child_process';
import * as oidc from 'openid-client';
import {
  ApiError,
  createPlatformClient,
  loginWithDeviceCode,
  loginWithPkce,
  discoverIssuer,
  tokenProviderFromEnvironment,
} from '@gpuaas/sdk/client';
import { SdkError } from '@gpuaas/sdk/common';
import type { LoginResult } from '@gpuaas/sdk/client';
import { printDiagnostic, printJson, printLine } from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import {
  action,
  credentialsStore,
  printResource,
  resolveApiUrl,
  wantsJson,
  withGlobalOptions,
} from '../common.js';
import type { GlobalOptions } from '../common.js';

/** Opens a URL in the user's browser; resolves false when none could be started. */
export type BrowserOpener = (url: string) => Promise<boolean>;

export interface AuthDeps {
  openBrowser?: BrowserOpener | undefined;
}

/**
 * A browser can be opened when `BROWSER` names a command, on macOS, or on a desktop session
 * (DISPLAY or WAYLAND_DISPLAY) that is not an SSH login; otherwise the device flow is used.
 */
export function systemBrowser(env: NodeJS.ProcessEnv): BrowserOpener | undefined {
  let argv: string[];
  if (env.BROWSER) argv = ['sh', '-c', `${env.BROWSER} "$1"`, 'sh'];
  else if (process.platform === 'darwin') argv = ['open'];
  else if ((env.DISPLAY || env.WAYLAND_DISPLAY) && !env.SSH_CONNECTION) argv = ['xdg-open'];
  else return undefined;
  return (url) =>
    new Promise((resolve) => {
      const [cmd, ...args] = argv as [string, ...string[]];
      const child = spawn(cmd, [...args, url], { stdio: 'ignore', detached: true, env });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    });
}

function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

interface LoginOptions extends GlobalOptions {
  device?: boolean;
  issuer?: string;
  clientId?: string;
  scope?: string;
}

export function registerAuthWith(deps: AuthDeps = {}): RegisterCommand {
  return (program, ctx) => {
    const { io } = ctx;
    const auth = program.command('auth').description('Log in, show the current credential, log out');

    withGlobalOptions(
      auth
        .command('login')
        .description('Log in with your browser (PKCE), or with a device code when there is no browser')
        .option('--device', 'use the device code flow even when a browser could be opened')
        .option('--issuer <url>', 'OIDC issuer (env GPUAAS_ISSUER_URL; default: the API URL)')
        .option('--client-id <id>', 'OAuth client id', 'gpuaas-cli')
        .option('--scope <scopes>', 'scopes to request', 'openid email offline_access'),
    ).action(
      action(ctx, async (options: LoginOptions) => {
        const apiUrl = await resolveApiUrl(io, options);
        const issuer = options.issuer ?? (io.env.GPUAAS_ISSUER_URL || apiUrl);
        const common = {
          issuer,
          clientId: options.clientId,
          scope: options.scope,
          resource: io.env.GPUAAS_RESOURCE || undefined,
        };
        const opener = options.device ? undefined : (deps.openBrowser ?? systemBrowser(io.env));
        let result: LoginResult;
        if (opener !== undefined) {
          result = await loginWithPkce({
            ...common,
            openBrowser: async (url) => {
              printDiagnostic(io, `Opening your browser to log in. If it does not open, visit:\n  ${url}`);
              return opener(url);
            },
          });
        } else {
          result = await loginWithDeviceCode({
            ...common,
            onPrompt: (p) =>
              printDiagnostic(
                io,
                `To log in, visit ${p.verificationUri} and enter the code ${p.userCode}` +
                  (p.verificationUriComplete ? `\n  (or open ${p.verificationUriComplete})` : ''),
              ),
          });
        }
        const store = credentialsStore(io);
        await store.put(apiUrl, result.session);
        const who = result.session.email ?? result.session.subject ?? 'unknown user';
        if (wantsJson(options)) {
          printJson(io, {
            api_url: apiUrl,
            issuer: result.session.issuer,
            subject: result.session.subject,
            email: result.session.email,
            expires_at: result.session.expires_at,
            credentials_file: store.path,
          });
        } else {
          printLine(io, `Logged in to ${apiUrl} as ${who}; credentials saved in ${store.path}`);
        }
      }),
    );

    withGlobalOptions(
      auth.command('status').description('Who you are, which credential is used, and when it expires'),
    ).action(
      action(ctx, async (options: GlobalOptions) => {
        const apiUrl = await resolveApiUrl(io, options);
        const store = credentialsStore(io);
        const provider = await tokenProviderFromEnvironment({ env: io.env, apiUrl, store });
        if (provider === undefined) {
          throw new SdkError('AUTH_REQUIRED', `not logged in to ${apiUrl}`, {
            details: {
              hint: 'run `gpuaas auth login`, or set GPUAAS_TOKEN (or GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET)',
            },
          });
        }
        const token = await provider.getToken();
        const claims = claimsOf(token) ?? {};
        const status: Record<string, unknown> = {
          api_url: apiUrl,
          source: provider.source,
          subject: claims.sub,
          expires_at: typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined,
          scope: claims.scope,
        };
        if (provider.source === 'login') {
          const session = await store.get(apiUrl);
          status.expires_at = session?.expires_at;
          status.refreshable = session?.refresh_token !== undefined;
          status.credentials_file = store.path;
        }
        try {
          const { data } = await createPlatformClient({ baseUrl: apiUrl, tokenProvider: provider }).api.GET(
            '/v1/users/me',
          );
          status.email = data?.email;
          status.operator = data?.operator;
        } catch (error) {
          // Service accounts are not users; their identity is the token's subject.
          if (!(error instanceof ApiError) || error.status === 401) throw error;
        }
        printResource(io, options, status);
      }),
    );

    withGlobalOptions(
      auth.command('logout').description('Forget the cached login and revoke its refresh token'),
    ).action(
      action(ctx, async (options: GlobalOptions) => {
        const apiUrl = await resolveApiUrl(io, options);
        const removed = await credentialsStore(io).remove(apiUrl);
        let revoked = false;
        if (removed?.refresh_token !== undefined)
          revoked = await revoke(io, removed.issuer, removed.client_id, removed.refresh_token);
        if (wantsJson(options))
          printJson(io, { api_url: apiUrl, logged_out: removed !== undefined, revoked });
        else printLine(io, removed === undefined ? `not logged in to ${apiUrl}` : `logged out of ${apiUrl}`);
      }),
    );
  };
}

/** Best effort: the cache is gone either way, so a failed revocation is only a warning. */
async function revoke(io: CliIo, issuer: string, clientId: string, refreshToken: string): Promise<boolean> {
  try {
    const config = await discoverIssuer(issuer, clientId);
    if (config.serverMetadata().revocation_endpoint === undefined) return false;
    await oidc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    return true;
  } catch (error) {
    printDiagnostic(io, `warning: the refresh token could not be revoked: ${(error as Error).message}`);
    return false;
  }
}
