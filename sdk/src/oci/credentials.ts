/**
 * Where registry credentials come from: CI environment variables, the Docker client's
 * `config.json` (inline `auths`, `credHelpers`, `credsStore`), or values given in code. Providers
 * return credentials for one registry; nothing here logs them or puts them into errors.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SdkError } from '../errors.js';
import { DOCKER_HUB } from './reference.js';

/** Credentials for one registry. Fields are alternatives; the client uses what is present. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (Docker's `identitytoken`), exchanged at the token realm. */
  identityToken?: string;
  /** A registry bearer token sent as it is (`GPUAAS_REGISTRY_TOKEN`, Docker's `registrytoken`). */
  registryToken?: string;
}

/** Returns credentials for a registry (`host[:port]`, `docker.io` for Docker Hub), or undefined. */
export type CredentialsProvider = (registry: string) => Promise<RegistryCredentials | undefined>;

/** Runs `docker-credential-<helper> get` with the server URL on stdin and returns its stdout. */
export type CredentialHelperRunner = (helper: string, serverUrl: string) => Promise<string>;

/** Docker Hub is stored under this key by `docker login`. */
const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

/** The same credentials for every registry. */
export function staticCredentials(credentials: RegistryCredentials): CredentialsProvider {
  return () => Promise.resolve({ ...credentials });
}

/**
 * CI credentials from `GPUAAS_REGISTRY_USERNAME` / `GPUAAS_REGISTRY_PASSWORD` and optionally
 * `GPUAAS_REGISTRY_TOKEN`. When `GPUAAS_REGISTRY` names a host, they are offered to that registry
 * only, so a job's secret is never sent to a public registry it pulls a base image from.
 */
export function envCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsProvider {
  return (registry) => {
    const only = env.GPUAAS_REGISTRY;
    if (only !== undefined && only !== '' && normaliseServer(only) !== registry)
      return Promise.resolve(undefined);
    const credentials: RegistryCredentials = {};
    const username = env.GPUAAS_REGISTRY_USERNAME;
    const password = env.GPUAAS_REGISTRY_PASSWORD;
    const token = env.GPUAAS_REGISTRY_TOKEN;
    if (username !== undefined && username !== '' && password !== undefined) {
      credentials.username = username;
      credentials.password = password;
    }
    if (token !== undefined && token !== '') credentials.registryToken = token;
    return Promise.resolve(Object.keys(credentials).length > 0 ? credentials : undefined);
  };
}

export interface DockerConfigOptions {
  /** Folder holding config.json; default `$DOCKER_CONFIG` or `~/.docker`. */
  configDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Override for tests; the default spawns `docker-credential-<helper> get`. */
  runHelper?: CredentialHelperRunner;
}

interface DockerAuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

interface DockerConfigFile {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Turns a config.json key (`https://host:port/v1/`, `host`) into the `host[:port]` form of references. */
export function normaliseServer(key: string): string {
  let server = key.trim();
  server = server.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = server.indexOf('/');
  if (slash >= 0) server = server.slice(0, slash);
  server = server.toLowerCase();
  if (server === 'index.docker.io' || server === 'registry-1.docker.io') return DOCKER_HUB;
  return server;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function fromAuthEntry(entry: DockerAuthEntry, where: string): RegistryCredentials | undefined {
  const credentials: RegistryCredentials = {};
  const auth = str(entry.auth);
  if (auth !== undefined) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new SdkError('IO_ERROR', `${where}: "auth" is not base64 of "username:password"`);
    }
    credentials.username = decoded.slice(0, colon);
    credentials.password = decoded.slice(colon + 1);
  }
  const username = str(entry.username);
  const password = typeof entry.password === 'string' ? entry.password : undefined;
  if (username !== undefined && password !== undefined) {
    credentials.username = username;
    credentials.password = password;
  }
  const identityToken = str(entry.identitytoken);
  if (identityToken !== undefined) credentials.identityToken = identityToken;
  const registryToken = str(entry.registrytoken);
  if (registryToken !== undefined) credentials.registryToken = registryToken;
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}

function findKey<T>(record: Record<string, T> | undefined, registry: string): [string, T] | undefined {
  if (record === undefined) return undefined;
  const exact = registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
  if (Object.hasOwn(record, exact)) return [exact, record[exact] as T];
  for (const [key, value] of Object.entries(record)) {
    if (normaliseServer(key) === registry) return [key, value];
  }
  return undefined;
}

/** Spawns `docker-credential-<helper> get` found on PATH, as the Docker client does. */
export const spawnCredentialHelper: CredentialHelperRunner = (helper, serverUrl) =>
  new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(error));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else {
        const message = (stdout + Buffer.concat(err).toString('utf8')).trim().slice(0, 200);
        reject(Object.assign(new Error(message), { exitCode: code }));
      }
    });
    child.stdin.end(serverUrl);
  });

async function fromHelper(
  helper: string,
  registry: string,
  run: CredentialHelperRunner,
): Promise<RegistryCredentials | undefined> {
  const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : registry;
  let stdout: string;
  try {
    stdout = await run(helper, serverUrl);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Helpers report "not found" with a non-zero exit: the Docker client then goes anonymous too.
    if (/credentials not found/i.test(message)) return undefined;
    throw new SdkError(
      'IO_ERROR',
      `credential helper docker-credential-${helper} failed for ${registry}: ${message}`,
      {
        cause: error,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new SdkError('IO_ERROR', `credential helper docker-credential-${helper} did not print JSON`, {
      cause: error,
    });
  }
  const record = (parsed ?? {}) as { Username?: unknown; Secret?: unknown };
  const username = str(record.Username);
  const secret = str(record.Secret);
  if (secret === undefined) return undefined;
  // Docker's convention: the user name "<token>" marks the secret as an identity (refresh) token.
  if (username === undefined || username === '<token>') return { identityToken: secret };
  return { username, password: secret };
}

/**
 * Credentials from Docker's config.json, looked up the way the Docker client does: a per-registry
 * `credHelpers` entry first, then inline `auths`, then the global `credsStore`.
 */
export function dockerConfigCredentials(options: DockerConfigOptions = {}): CredentialsProvider {
  const env = options.env ?? process.env;
  const run = options.runHelper ?? spawnCredentialHelper;
  let loaded: Promise<DockerConfigFile | undefined> | undefined;
  const dir =
    options.configDir ??
    (env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== ''
      ? env.DOCKER_CONFIG
      : join(env.HOME ?? homedir(), '.docker'));
  const path = join(dir, 'config.json');
  const load = async (): Promise<DockerConfigFile | undefined> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SdkError('IO_ERROR', `cannot read ${path}`, { cause: error });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      return parsed;
    } catch (error) {
      throw new SdkError('IO_ERROR', `${path} is not a JSON object`, { cause: error });
    }
  };
  return async (registry) => {
    loaded ??= load();
    const config = await loaded;
    if (config === undefined) return undefined;
    const helper = findKey(config.credHelpers, registry);
    if (helper !== undefined && typeof helper[1] === 'string' && helper[1] !== '') {
      return fromHelper(helper[1], registry, run);
    }
    const entry = findKey(config.auths, registry);
    if (entry !== undefined && entry[1] !== null && typeof entry[1] === 'object') {
      const inline = fromAuthEntry(entry[1], `${path} auths["${entry[0]}"]`);
      if (inline !== undefined) return inline;
    }
    if (typeof config.credsStore === 'string' && config.credsStore !== '') {
      return fromHelper(config.credsStore, registry, run);
    }
    return undefined;
  };
}

/** The first provider that has credentials wins. */
export function chainCredentials(...providers: CredentialsProvider[]): CredentialsProvider {
  return async (registry) => {
    for (const provider of providers) {
      const found = await provider(registry);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** CI environment variables first, then Docker's config.json. */
export function defaultCredentials(env: NodeJS.ProcessEnv = process.env): CredentialsProvider {
  return chainCredentials(envCredentials(env), dockerConfigCredentials({ env }));
}
