/**
 * The runtime's control API, for the platform (through its relay) and tools on the node:
 * `POST /v1/app/launch`, `POST /v1/app/upgrade`, `POST /v1/app/stop`, `POST /v1/app/uninstall`,
 * `GET /v1/app` (status), `GET /v1/app/logs` (`stream`, `tail`, `follow`) and `GET /v1/app/events`
 * (Server-Sent Events). One app per runtime: a launch while one runs is a conflict, an upgrade
 * replaces it (with `wait: true` the answer waits for its outcome), an uninstall removes it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseTrustPolicy } from '@gpuaas/sdk';
import type { TrustPolicy } from '@gpuaas/sdk';
import type { Logger } from 'pino';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import type { AppEvent } from '../app/events.js';
import type { AppInstance } from '../app/instance.js';
import { coerceParamValue } from '../app/params.js';
import type { ParamValues } from '../app/params.js';
import { isFinalState } from '../app/states.js';
import { RuntimeError, isRuntimeError } from '../errors.js';
import { fetchArtifact } from '../fetch/fetch.js';
import type { FetchedArtifact } from '../fetch/fetch.js';
import type { RuntimeRoute } from '../routes.js';
import { sendError, sendJson } from '../routes.js';
import { AppSession } from './session.js';
import type { PlatformLink } from './session.js';
import { uninstallApp } from './uninstall.js';

export interface AppControllerOptions {
  /** Usage log, instance data and the artifact cache live here (the allocation's home). */
  dataDir: string;
  /** Folder for the app API's socket (short path). */
  runDir: string;
  /** Environment apps start from. */
  env: Record<string, string>;
  logger: Logger;
  /** The most an artifact may unpack to (ARTIFACT_TOO_LARGE beyond it). */
  maxUnpackedBytes?: number;
  /** Registry connection overrides (tests: plain HTTP to a loopback registry is automatic; a fetch that damages). */
  registry?: { plainHttp?: boolean; fetch?: typeof fetch };
}

interface LaunchBody {
  reference: string;
  parameters?: Record<string, unknown>;
  trust_policy: string;
  platform?: PlatformLink;
  /** Credentials for the artifact's registry only (the platform's short-lived pull token). */
  registry_auth?: { username: string; password: string };
  /**
   * The reference's registry speaks plain http although its host is no loopback one: the
   * platform's own registry when the platform's public URL is http (the operator chose it).
   */
  registry_plain_http?: boolean;
  /** An upgrade: answer once it is over (200, or its failure's code) instead of at once (202). */
  wait?: boolean;
}

const MAX_BODY = 256 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new RuntimeError('BODY_TOO_LARGE', `the request body exceeds ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new RuntimeError('BODY_INVALID', 'the request body is not JSON', { cause: error });
  }
}

function parseLaunch(body: unknown): LaunchBody {
  const b = body as Partial<LaunchBody> | null;
  if (
    b === null ||
    typeof b !== 'object' ||
    typeof b.reference !== 'string' ||
    typeof b.trust_policy !== 'string'
  ) {
    throw new RuntimeError(
      'BODY_INVALID',
      'a launch needs `reference` (string) and `trust_policy` (policy text)',
    );
  }
  const auth = b.registry_auth as unknown;
  if (
    auth !== undefined &&
    (auth === null ||
      typeof auth !== 'object' ||
      typeof (auth as { username?: unknown }).username !== 'string' ||
      typeof (auth as { password?: unknown }).password !== 'string')
  ) {
    throw new RuntimeError('BODY_INVALID', '`registry_auth` needs `username` and `password` (strings)');
  }
  if (b.registry_plain_http !== undefined && typeof b.registry_plain_http !== 'boolean') {
    throw new RuntimeError('BODY_INVALID', '`registry_plain_http` is a boolean');
  }
  return b as LaunchBody;
}

/**
 * Policies parsed lately, by their text. The platform sends the same policy with every launch, and
 * parsing it (YAML, PEM keys) was the largest piece of a warm launch's verification (~10 ms idle,
 * ~80 ms at load 20). Only the parse is kept — it depends on the text alone, keys being inline —
 * never a verdict: every launch still judges the signatures against the policy.
 */
const parsedPolicies = new Map<string, TrustPolicy>();
const KEPT_POLICIES = 4;

function trustPolicyOf(text: string): TrustPolicy {
  const known = parsedPolicies.get(text);
  if (known !== undefined) return known;
  const parsed = parseTrustPolicy(text, { baseDir: '/nonexistent/gpuaas-inline-keys-only' });
  if (parsed.value === undefined) {
    const reasons = parsed.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
    throw new RuntimeError(
      'CONFIG_INVALID',
      `the trust policy is not valid (keys must be inline): ${reasons}`,
    );
  }
  if (parsedPolicies.size >= KEPT_POLICIES)
    parsedPolicies.delete(parsedPolicies.keys().next().value as string);
  parsedPolicies.set(text, parsed.value);
  return parsed.value;
}

/**
 * Launch parameters as JSON values; text given for a declared number, integer or boolean (what a
 * command line sends, `--param gpus=2`) is converted by the manifest's type, as `dev` does.
 */
function typedParams(manifest: GpuaasAppManifest, values: Record<string, unknown>): ParamValues {
  const declared = manifest.parameters ?? {};
  const typed: ParamValues = {};
  for (const [name, value] of Object.entries(values)) {
    const parameter = declared[name];
    typed[name] =
      typeof value === 'string' && parameter !== undefined && parameter.type !== 'string'
        ? coerceParamValue(name, value, parameter)
        : value;
  }
  return typed;
}

export interface AppController {
  routes: RuntimeRoute[];
  /** The launched app's instance (its state and manifest), if any: what the endpoint relay serves. */
  instance(): AppInstance | undefined;
  /** Stops the app and everything around it (runtime shutdown, allocation release). */
  close(): Promise<void>;
}

export function createAppController(options: AppControllerOptions): AppController {
  const { logger } = options;
  let session: AppSession | undefined;
  // A launch in progress: fetching (and verifying) its artifact, which a stop aborts.
  let fetching:
    { reference: string; since: string; abort: AbortController; settled: Promise<void> } | undefined;
  let lastFailure: { state: 'failed' | 'stopped'; reason: string; code: string; since: string } | undefined;
  const listeners = new Set<(event: AppEvent | { type: 'state'; state: string; time: string }) => void>();

  const status = () => {
    if (fetching !== undefined) {
      const { reference, since } = fetching;
      return { state: 'fetching', reason: null, reference, since };
    }
    if (session === undefined) return lastFailure ?? { state: 'idle', reason: null };
    return { ...session.instance.status(), usage_shipping: session.shipperState };
  };

  const fetchFor = (body: LaunchBody, signal?: AbortSignal): Promise<FetchedArtifact> =>
    fetchArtifact({
      reference: body.reference,
      cacheDir: join(options.dataDir, 'cache'),
      ...(options.maxUnpackedBytes === undefined ? {} : { maxUnpackedBytes: options.maxUnpackedBytes }),
      trustPolicy: trustPolicyOf(body.trust_policy),
      ...(body.registry_auth === undefined
        ? {}
        : {
            registryAuth: { username: body.registry_auth.username, password: body.registry_auth.password },
          }),
      logger,
      ...(options.registry === undefined && body.registry_plain_http !== true
        ? {}
        : {
            registry: {
              ...options.registry,
              ...(body.registry_plain_http === true ? { plainHttp: true } : {}),
            },
          }),
      ...(signal === undefined ? {} : { signal }),
    });

  /** Aborts a launch that is still fetching and waits until it has let go of everything. */
  const abortFetch = async (why: string): Promise<boolean> => {
    const current = fetching;
    if (current === undefined) return false;
    logger.info({ reference: current.reference, why }, 'stopping a launch while it fetches');
    current.abort.abort();
    await current.settled;
    return true;
  };

  const launch = async (body: LaunchBody): Promise<void> => {
    const since = new Date().toISOString();
    const abort = new AbortController();
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    fetching = { reference: body.reference, since, abort, settled };
    for (const l of listeners) l({ type: 'state', state: 'fetching', time: since });
    let next: AppSession;
    try {
      const artifact = await fetchFor(body, abort.signal);
      abort.signal.throwIfAborted();
      next = await AppSession.open({
        appDir: artifact.appDir,
        manifest: artifact.manifest,
        digest: artifact.digest,
        params: typedParams(artifact.manifest, body.parameters ?? {}),
        dataDir: options.dataDir,
        socketPath: join(options.runDir, 'app.sock'),
        env: options.env,
        logger,
        ...(body.platform === undefined ? {} : { platform: body.platform }),
      });
      if (abort.signal.aborted) {
        // Stopped while the session opened: it never starts.
        await next.stop('stopped while launching');
        abort.signal.throwIfAborted();
      }
    } catch (error) {
      // Refused (untrusted, tampered, bad parameters…) or stopped: the runtime is free for the next launch.
      fetching = undefined;
      settle();
      const e = abort.signal.aborted
        ? new RuntimeError('LAUNCH_ABORTED', `the launch of ${body.reference} was stopped while it fetched`, {
            cause: error,
          })
        : isRuntimeError(error)
          ? error
          : new RuntimeError('INTERNAL', String(error), { cause: error });
      const state = e.code === 'LAUNCH_ABORTED' ? 'stopped' : 'failed';
      lastFailure = { state, reason: e.message, code: e.code, since: new Date().toISOString() };
      for (const l of listeners) l({ type: 'state', state, time: lastFailure.since });
      throw e;
    }
    session = next;
    fetching = undefined;
    settle();
    lastFailure = undefined;
    next.instance.on('event', (event) => {
      for (const l of listeners) l(event);
    });
    next.instance.launch().catch((error: unknown) => logger.warn({ err: error }, 'the app did not start'));
  };

  const routes: RuntimeRoute[] = [
    {
      method: 'POST',
      path: '/v1/app/launch',
      async handle(req, res) {
        const body = parseLaunch(await readJson(req));
        if (fetching !== undefined || (session !== undefined && !isFinalState(session.instance.state))) {
          throw new RuntimeError(
            'APP_STATE_CONFLICT',
            'an app is already launched here: stop it, or upgrade it',
          );
        }
        if (session !== undefined) {
          await session.stop();
          session = undefined;
        }
        // Fetching and trust are checked before answering, so a refusal carries its reason.
        await launch(body);
        sendJson(res, 202, status());
      },
    },
    {
      method: 'POST',
      path: '/v1/app/upgrade',
      async handle(req, res) {
        const body = parseLaunch(await readJson(req));
        const current = session;
        if (current === undefined || isFinalState(current.instance.state)) {
          throw new RuntimeError('APP_STATE_CONFLICT', 'no app runs here to upgrade: launch one');
        }
        const state = current.instance.state;
        if (state !== 'ready' && state !== 'degraded') {
          throw new RuntimeError('APP_STATE_CONFLICT', `cannot upgrade: the app is ${state}`);
        }
        const artifact = await fetchFor(body);
        const outcome = current.instance.upgrade({
          appDir: artifact.appDir,
          manifest: artifact.manifest,
          digest: artifact.digest,
          params: typedParams(artifact.manifest, body.parameters ?? {}),
        });
        // The new version's token carries what it declares and the tenant granted for it.
        const scopes = body.platform?.credentials?.scopes;
        const settled = outcome.then(
          (result) => {
            if (result === 'upgraded' && scopes !== undefined) current.regrant(artifact.manifest, scopes);
            return undefined;
          },
          (error: unknown) => {
            logger.warn({ err: error }, 'upgrade failed');
            return isRuntimeError(error) ? error : new RuntimeError('APP_FAILED', String(error));
          },
        );
        if (body.wait !== true) {
          sendJson(res, 202, status());
          return;
        }
        const failure = await settled;
        if (failure !== undefined) throw failure;
        sendJson(res, 200, status());
      },
    },
    {
      method: 'POST',
      path: '/v1/app/stop',
      async handle(_req, res) {
        // Stop always stops: a launch still fetching is aborted, a running app is stopped.
        if (!(await abortFetch('stop requested'))) await session?.stop();
        sendJson(res, 200, status());
      },
    },
    {
      method: 'POST',
      path: '/v1/app/uninstall',
      async handle(_req, res) {
        await abortFetch('uninstall requested');
        const current = session;
        session = undefined;
        lastFailure = undefined;
        const uninstalled = await uninstallApp({ session: current, dataDir: options.dataDir, logger });
        sendJson(res, 200, { ...status(), uninstalled });
      },
    },
    {
      method: 'GET',
      path: '/v1/app',
      handle(_req, res) {
        sendJson(res, 200, status());
      },
    },
    {
      method: 'GET',
      path: '/v1/app/logs',
      async handle(req, res, ctx) {
        const current = session;
        if (current === undefined)
          throw new RuntimeError('APP_STATE_CONFLICT', 'no app has been launched here');
        const stream = ctx.url.searchParams.get('stream') === 'stderr' ? 'stderr' : 'stdout';
        const tail = Math.max(0, Math.min(100_000, Number(ctx.url.searchParams.get('tail') ?? 200) || 0));
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        if (ctx.url.searchParams.get('follow') !== 'true') {
          res.end(
            current.instance.logs
              .tail({ stream, lines: tail })
              .map((l) => `${l.line}\n`)
              .join(''),
          );
          return;
        }
        const abort = new AbortController();
        req.on('close', () => abort.abort());
        for await (const line of current.instance.logs.follow({ stream, tail, signal: abort.signal })) {
          if (!res.write(`${line.line}\n`)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
      },
    },
    {
      method: 'GET',
      path: '/v1/app/events',
      handle(req, res, ctx) {
        // `?exclude=log` (comma-separated types): a follower that has no use for the app's output
        // (the platform's) is spared a message per line the app writes.
        const excluded = new Set((ctx.url.searchParams.get('exclude') ?? '').split(',').filter(Boolean));
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        res.write(`data: ${JSON.stringify({ type: 'status', ...status() })}\n\n`);
        const listener = (event: { type: string }) => {
          if (!excluded.has(event.type)) res.write(`data: ${JSON.stringify(event)}\n\n`);
        };
        listeners.add(listener);
        req.on('close', () => listeners.delete(listener));
      },
    },
  ];

  return {
    routes: routes.map((route) => ({
      ...route,
      async handle(req: IncomingMessage, res: ServerResponse, ctx) {
        try {
          await route.handle?.(req, res, ctx);
        } catch (error) {
          const e = isRuntimeError(error)
            ? error
            : new RuntimeError('INTERNAL', 'the control request failed', { cause: error });
          if (e.code === 'INTERNAL') logger.error({ err: error }, 'control request failed');
          if (!res.headersSent) sendError(res, e);
          else res.end();
        }
      },
    })),
    instance: () => session?.instance,
    async close() {
      await abortFetch('the runtime is stopping');
      await session?.stop('runtime_stopping');
    },
  };
}
