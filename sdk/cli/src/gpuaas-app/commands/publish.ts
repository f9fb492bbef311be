/**
 * `gpuaas-app publish [DIR] --to HOST:PORT/REPO:TAG --key PREFIX.key`: validate, pack, push and
 * sign in one step. `--to` may come from GPUAAS_PUBLISH_TO and the key from GPUAAS_SIGNING_KEY, so
 * CI needs no flags; `--dry-run` packs and shows what would be pushed. Thin over `@gpuaas/sdk/publish`.
 * `--register` then registers the pushed digest with the platform (`POST /v1/apps/versions`) with
 * the `gpuaas` CLI's credential; the platform's own registry accepts that same token as the Basic
 * password, so a CI job needs one secret for both.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SdkError } from '@gpuaas/sdk/common';
import { SIGNING_KEY_ENV } from '@gpuaas/sdk/keys';
import type { AppVersion, PlatformClient, TokenProvider } from '@gpuaas/sdk/client';
import type { RegistryConnection, PublishProgress } from '@gpuaas/sdk/publish';
import {
  createProgress,
  formatTable,
  printDiagnostic,
  printJson,
  printLine,
  type Progress,
} from '../../output.js';
import type { CliIo } from '../../output.js';
import type { RegisterCommand } from '../../run.js';
import { bytes, registryConnection, type RegistryFlags } from './push.js';

/** Environment variable naming the destination when --to is not given. */
export const PUBLISH_TO_ENV = 'GPUAAS_PUBLISH_TO';

interface PublishFlags extends RegistryFlags {
  to?: string;
  key?: string;
  dryRun?: boolean;
  register?: boolean;
  project?: string;
  apiUrl?: string;
}

/** Where `--register` sends the version, and as whom. */
interface Registration {
  client: PlatformClient;
  tokenProvider: TokenProvider;
  projectId: string;
}

/**
 * The platform `--register` talks to: `--api-url`, GPUAAS_API_URL, GPUAAS_URL, then the API of the
 * last `gpuaas auth login`. AUTH_REQUIRED before anything is pushed when there is no credential.
 */
async function platformFor(io: CliIo, flags: PublishFlags): Promise<Omit<Registration, 'projectId'>> {
  const { createPlatformClient, tokenProviderFromEnvironment } = await import('@gpuaas/sdk/client');
  const { credentialsStore, resolveApiUrl } = await import('../../gpuaas/common.js');
  const apiUrl = await resolveApiUrl(io, {
    apiUrl: flags.apiUrl ?? (io.env.GPUAAS_API_URL || io.env.GPUAAS_URL || undefined),
  });
  const tokenProvider = await tokenProviderFromEnvironment({
    env: io.env,
    apiUrl,
    store: credentialsStore(io),
  });
  if (tokenProvider === undefined) {
    throw new SdkError('AUTH_REQUIRED', `--register needs a credential for ${apiUrl}`, {
      details: {
        hint: 'set GPUAAS_TOKEN (or GPUAAS_CLIENT_ID and GPUAAS_CLIENT_SECRET of a service account), or run `gpuaas auth login`',
      },
    });
  }
  return { client: createPlatformClient({ baseUrl: apiUrl, tokenProvider }), tokenProvider };
}

/**
 * The publisher project: `--project`, GPUAAS_PROJECT; for the platform's own registry the project
 * the namespace is named after (a publisher's namespace is its project's name); then the current
 * project of `gpuaas projects use`, then the caller's only project.
 */
async function publisherProject(
  io: CliIo,
  client: PlatformClient,
  flags: PublishFlags,
  namespace: string | undefined,
): Promise<string> {
  const { ApiError, resolveProject } = await import('@gpuaas/sdk/client');
  const { projectFor } = await import('../../gpuaas/project.js');
  const explicit = flags.project ?? (io.env.GPUAAS_PROJECT || undefined);
  if (explicit === undefined && namespace !== undefined) {
    try {
      return (await resolveProject(client, namespace)).id;
    } catch (error) {
      // Not a project the caller sees by that name: the usual choice below says what to do.
      if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) throw error;
    }
  }
  return (await projectFor(io, client, flags.project)).id;
}

/** The registry `to` names is the platform's own when it is the platform's host and port. */
function isPlatformRegistry(platformUrl: string, registry: string): boolean {
  return new URL(platformUrl).host === registry;
}

/**
 * For the platform's registry with no registry credential configured (GPUAAS_REGISTRY_*, Docker's
 * config.json), the platform token as the Basic password, asked for at each challenge so a
 * refreshing login or service account never sends an expired one.
 */
function withPlatformToken(
  connection: RegistryConnection,
  registry: string,
  tokenProvider: TokenProvider,
): RegistryConnection {
  const configured = connection.credentials;
  return {
    ...connection,
    credentials: async (host) => {
      const found = configured === undefined ? undefined : await configured(host);
      if (found !== undefined || host !== registry) return found;
      return { username: 'gpuaas', password: await tokenProvider.getToken() };
    },
  };
}

export const registerPublish: RegisterCommand = (program, ctx) => {
  program
    .command('publish')
    .description('Validate, pack, push and sign an app in one step')
    .argument('[dir]', 'app folder holding gpuaas-app.yaml', '.')
    .option(
      '--to <ref>',
      `destination HOST[:PORT]/REPO[:TAG] (default: $${PUBLISH_TO_ENV}; tag: the app version)`,
    )
    .option('--key <file>', `private key PREFIX.key (default: $${SIGNING_KEY_ENV}, a path or PEM)`)
    .option('--dry-run', 'validate and pack, then print what would be pushed; push nothing')
    .option('--plain-http', 'talk plain HTTP to the registry (loopback registries always do)')
    .option('--register', 'then register the pushed digest with the platform (exit 1 when it is rejected)')
    .option(
      '--project <project>',
      'with --register: the publisher project, id or name (default: the namespace, GPUAAS_PROJECT, the current project)',
    )
    .option(
      '--api-url <url>',
      'with --register: the platform (default: GPUAAS_API_URL, GPUAAS_URL, the gpuaas login)',
    )
    .option('--json', 'print { reference, digest, size, layers, signature, version } as JSON')
    .action(async (dir: string, flags: PublishFlags, command: Command) => {
      // The platform's refusals (ApiError: code, status, correlation id) are reported and mapped to
      // exit statuses as `gpuaas` reports them; the shared catch knows only SdkError.
      const { action } = await import('../../gpuaas/common.js');
      await action(ctx, (d: string, f: PublishFlags, _c: Command) => publish(d, f))(dir, flags, command);
    });

  async function publish(dir: string, flags: PublishFlags): Promise<void> {
    const io = ctx.io;
    const { publishApp } = await import('@gpuaas/sdk/publish');
    const { resolveSigningKey } = await import('@gpuaas/sdk/keys');
    const fromEnv = io.env[PUBLISH_TO_ENV];
    const to = flags.to ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : undefined);
    if (to === undefined)
      throw new SdkError('USAGE', `publish needs --to HOST/REPO:TAG or ${PUBLISH_TO_ENV}`);
    const dryRun = flags.dryRun === true;
    const register = flags.register === true;
    if (register && dryRun)
      throw new SdkError('USAGE', '--register registers what was pushed: not with --dry-run');
    if (!register && (flags.project !== undefined || flags.apiUrl !== undefined))
      throw new SdkError('USAGE', '--project and --api-url go with --register');
    const keyGiven = flags.key !== undefined || (io.env[SIGNING_KEY_ENV] ?? '').trim() !== '';
    const signingKey = !dryRun || keyGiven ? await resolveSigningKey(flags.key, io.env, io.cwd) : undefined;

    // Everything --register needs is settled before a byte is pushed.
    let connection = await registryConnection(io, flags);
    let registration: Registration | undefined;
    if (register) {
      const { parseReference } = await import('@gpuaas/sdk');
      const target = parseReference(to);
      const platform = await platformFor(io, flags);
      const embedded = isPlatformRegistry(platform.client.baseUrl, target.registry);
      const namespace = embedded ? target.repository.split('/')[0] : undefined;
      registration = {
        ...platform,
        projectId: await publisherProject(io, platform.client, flags, namespace),
      };
      if (embedded) connection = withPlatformToken(connection, target.registry, platform.tokenProvider);
    }

    const quiet = flags.json === true;
    let bar: Progress | undefined;
    let phase: PublishProgress['phase'] | undefined;
    const onProgress = (p: PublishProgress): void => {
      if (p.phase !== phase) {
        bar?.done();
        bar = undefined;
        phase = p.phase;
        if (p.phase === 'sign' && !quiet) printDiagnostic(io, 'sign: signing the manifest digest');
      }
      if (p.phase === 'pack') {
        bar ??= createProgress(io, 'pack', p.bytesTotal, { quiet });
        bar.update(p.bytesDone);
      } else if (p.phase === 'push') {
        bar ??= createProgress(io, `push ${to}`, p.bytesTotal, { quiet });
        bar.update(p.bytesDone);
      }
    };
    const result = await publishApp(resolve(io.cwd, dir), {
      to,
      dryRun,
      ...(signingKey === undefined ? {} : { signingKey }),
      connection,
      onProgress,
      env: io.env,
    });
    bar?.done();
    let version: AppVersion | undefined;
    if (registration !== undefined) {
      const { registerAppVersion } = await import('@gpuaas/sdk/client');
      version = await registerAppVersion(registration.client, {
        projectId: registration.projectId,
        reference: result.reference,
      });
    }
    const rejected = version !== undefined && (await reportedRejection(io, version));
    if (rejected) ctx.setExitCode(1);
    if (flags.json) {
      printJson(io, version === undefined ? result : { ...result, version });
      return;
    }
    for (const warning of result.warnings) printDiagnostic(io, `warning: ${warning}`);
    printLine(io, `${dryRun ? 'would push' : 'published'} ${result.reference}`);
    printLine(
      io,
      formatTable(
        ['layer', 'size', 'digest'],
        result.layers.map((l) => [
          l.annotations?.['org.opencontainers.image.title'] ?? '',
          bytes(l.size),
          l.digest,
        ]),
      ),
    );
    if (result.signature !== null) {
      printLine(io, `signature ${result.signature.digest} (key ${result.signature.keyId ?? 'keyless'})`);
      printLine(io, `${bytes(result.bytesUploaded)} uploaded`);
    }
    if (version !== undefined) printLine(io, `registered version ${version.id}: ${version.state}`);
  }
};

/** A rejected registration's reasons on stderr (the version is stored so the publisher sees them). */
async function reportedRejection(io: CliIo, version: AppVersion): Promise<boolean> {
  const { reportRejection } = await import('../../gpuaas/commands/apps-registry.js');
  return reportRejection(io, version);
}
