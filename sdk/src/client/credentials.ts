/**
 * The CLI's token cache: one JSON file, mode 0600 in a 0700 folder, holding one login session
 * per API URL. Written atomically (temporary file + rename) so a crash never leaves half a file.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SdkError } from '../errors.js';

/** One login session, as the identity provider issued it. */
export interface StoredSession {
  issuer: string;
  client_id: string;
  access_token: string;
  refresh_token?: string;
  /** RFC 3339 time the access token expires. */
  expires_at: string;
  scope?: string;
  /** The `sub` and `email` of the ID token, when there was one. */
  subject?: string;
  email?: string;
}

/** The project commands default to (`gpuaas projects use`), per API URL. */
export interface StoredProject {
  id: string;
  name: string;
}

export interface CredentialsFile {
  version: 1;
  /** The API URL the last login was for; the CLI's default `--api-url`. */
  current?: string;
  sessions: Record<string, StoredSession>;
  /** The current project of each API URL; kept with the login, also without one (GPUAAS_TOKEN). */
  projects?: Record<string, StoredProject>;
}

/** `$XDG_CONFIG_HOME/gpuaas/credentials.json`, else `~/.config/gpuaas/credentials.json`. */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : join(env.HOME ?? homedir(), '.config');
  return join(base, 'gpuaas', 'credentials.json');
}

/** The key sessions are stored under: origin plus path, without a trailing slash. */
export function normalizeApiUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function isProject(value: unknown): value is StoredProject {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.id === 'string' && typeof p.name === 'string';
}

function isSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.issuer === 'string' &&
    typeof s.client_id === 'string' &&
    typeof s.access_token === 'string' &&
    typeof s.expires_at === 'string' &&
    (s.refresh_token === undefined || typeof s.refresh_token === 'string')
  );
}

export class CredentialsStore {
  constructor(readonly path: string) {}

  async read(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, sessions: {} };
      throw new SdkError('IO_ERROR', `cannot read ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SdkError('CREDENTIALS_INVALID', `${this.path} is not JSON`, { cause: error });
    }
    const file = parsed as Partial<CredentialsFile>;
    if (
      file.version !== 1 ||
      typeof file.sessions !== 'object' ||
      file.sessions === null ||
      !Object.values(file.sessions).every(isSession) ||
      (file.projects !== undefined &&
        (typeof file.projects !== 'object' ||
          file.projects === null ||
          !Object.values(file.projects).every(isProject)))
    ) {
      throw new SdkError('CREDENTIALS_INVALID', `${this.path} is not a version 1 credentials file`, {
        details: { hint: `delete ${this.path} and run \`gpuaas auth login\` again` },
      });
    }
    return file as CredentialsFile;
  }

  async get(apiUrl: string): Promise<StoredSession | undefined> {
    return (await this.read()).sessions[normalizeApiUrl(apiUrl)];
  }

  /** Stores (or replaces) the session of one API and makes it the current one. */
  async put(apiUrl: string, session: StoredSession): Promise<void> {
    const file = await this.read();
    const key = normalizeApiUrl(apiUrl);
    file.sessions[key] = session;
    file.current = key;
    await this.write(file);
  }

  /**
   * Forgets one API's session and current project (both belong to the login); deletes the file
   * when nothing is left. Returns the removed session.
   */
  async remove(apiUrl: string): Promise<StoredSession | undefined> {
    const file = await this.read();
    const key = normalizeApiUrl(apiUrl);
    const removed = file.sessions[key];
    if (removed === undefined) return undefined;
    delete file.sessions[key];
    delete file.projects?.[key];
    if (file.current === key) delete file.current;
    await this.writeOrDelete(file);
    return removed;
  }

  /** The current project for an API, if one was chosen (`gpuaas projects use`). */
  async project(apiUrl: string): Promise<StoredProject | undefined> {
    return (await this.read()).projects?.[normalizeApiUrl(apiUrl)];
  }

  /** Sets (or with undefined, forgets) the current project for an API. */
  async setProject(apiUrl: string, project: StoredProject | undefined): Promise<void> {
    const file = await this.read();
    const key = normalizeApiUrl(apiUrl);
    const projects = { ...file.projects };
    if (project === undefined) delete projects[key];
    else projects[key] = { id: project.id, name: project.name };
    if (Object.keys(projects).length === 0) delete file.projects;
    else file.projects = projects;
    await this.writeOrDelete(file);
  }

  private async writeOrDelete(file: CredentialsFile): Promise<void> {
    const empty = Object.keys(file.sessions).length === 0 && Object.keys(file.projects ?? {}).length === 0;
    if (empty) await rm(this.path, { force: true });
    else await this.write(file);
  }

  private async write(file: CredentialsFile): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    // mode applies at creation; chmod covers a umask that strips nothing we want stripped anyway.
    await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.path);
  }
}
