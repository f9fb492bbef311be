/**
 * Starts a real Distribution registry (Debian's `docker-registry` 2.8) on a free loopback port for
 * tests, with no auth, htpasswd (basic) auth, or token auth backed by a small token server that
 * signs ES256 JWTs the way Docker's token spec says. Gate suites with
 * `requireTools(suite, 'docker-registry')` (token auth also needs `openssl`, htpasswd `perl`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  createPrivateKey,
  randomBytes,
  randomUUID,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface StartRegistryOptions {
  auth?: RegistryAuth;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as in image references. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Root of the filesystem storage; blobs are under docker/registry/v2/blobs/sha256/xx/<hex>/data. */
  storageDir: string;
  /** The user that may push, for htpasswd and token auth. */
  username: string;
  password: string;
  /** Token auth only: scopes the token server was asked for, in order. */
  tokenRequests: string[][];
  /** Path of the blob's data file in storage (to corrupt it in tests). */
  blobPath(digest: string): string;
  stop(): Promise<void>;
}

const REGISTRY_BINARY = 'docker-registry';

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A bcrypt hash through the C library's crypt(3) (libxcrypt knows $2b$), via perl, since Node has no bcrypt. */
function bcrypt(password: string): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // The 22nd salt character carries only 2 bits; one from ".Oeu" keeps the salt canonical.
  const salt =
    Array.from(randomBytes(21), (b) => alphabet[b % 64]).join('') +
    '.Oeu'.charAt((randomBytes(1)[0] ?? 0) % 4);
  const hash = execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, `$2b$05$${salt}`], {
    encoding: 'utf8',
  });
  if (!hash.startsWith('$2b$')) throw new Error('this system crypt(3) does not support bcrypt');
  return hash;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

interface TokenServer {
  realm: string;
  certPath: string;
  server: Server;
}

async function startTokenServer(
  dir: string,
  username: string,
  password: string,
  requests: string[][],
): Promise<TokenServer> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=gpuaas-test-token',
      '-days',
      '2',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  const key: KeyObject = createPrivateKey(await readFile(keyPath));
  const certDer = new X509Certificate(await readFile(certPath)).raw.toString('base64');
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter((s) => s !== '');
    requests.push(scopes);
    const header = req.headers.authorization;
    let authenticated = false;
    if (header !== undefined) {
      const [scheme, value] = header.split(' ');
      const decoded = Buffer.from(value ?? '', 'base64').toString('utf8');
      if (scheme?.toLowerCase() !== 'basic' || decoded !== `${username}:${password}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      authenticated = true;
    }
    const access = scopes.map((scope) => {
      const [type, name, actions] = scope.split(':');
      const wanted = (actions ?? '').split(',').filter((a) => a !== '');
      // Anonymous callers may pull; the one user may do anything.
      const granted = authenticated ? wanted : wanted.filter((a) => a === 'pull');
      return { type, name, actions: granted };
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'gpuaas-test-issuer',
      sub: authenticated ? username : '',
      aud: 'gpuaas-test-registry',
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [certDer] }))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${signingInput}.${base64url(signature)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, expires_in: 300 }));
  };
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { realm: `http://127.0.0.1:${port}/token`, certPath, server };
}

async function waitForRegistry(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${url} within 15 s: ${log()}`);
}

/**
 * Starts `docker-registry serve` with filesystem storage in a temporary folder and deletes
 * enabled. Call `stop()` in afterAll: it kills the registry and removes the folder.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'gpuaas-registry-'));
  const storageDir = join(dir, 'storage');
  const username = 'gpuaas-ci';
  const password = randomBytes(12).toString('hex');
  const tokenRequests: string[][] = [];
  let tokenServer: TokenServer | undefined;
  let authConfig = '';
  if (auth === 'htpasswd') {
    const htpasswd = join(dir, 'htpasswd');
    await writeFile(htpasswd, `${username}:${bcrypt(password)}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: gpuaas-test\n    path: ${htpasswd}\n`;
  } else if (auth === 'token') {
    tokenServer = await startTokenServer(dir, username, password, tokenRequests);
    authConfig =
      'auth:\n  token:\n' +
      `    realm: ${tokenServer.realm}\n    service: gpuaas-test-registry\n` +
      `    issuer: gpuaas-test-issuer\n    rootcertbundle: ${tokenServer.certPath}\n`;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const url = `http://${host}`;
    const configPath = join(dir, 'config.yml');
    await writeFile(
      configPath,
      'version: 0.1\n' +
        'log:\n  level: warn\n  accesslog:\n    disabled: true\n' +
        `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n` +
        `http:\n  addr: ${host}\n  secret: ${randomBytes(16).toString('hex')}\n` +
        authConfig,
    );
    const child = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    try {
      await waitForRegistry(url, child, () => stderr);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    return {
      host,
      url,
      storageDir,
      username,
      password,
      tokenRequests,
      blobPath: (digest) => {
        const [algorithm, hex = ''] = digest.split(':');
        return join(
          storageDir,
          'docker/registry/v2/blobs',
          algorithm ?? 'sha256',
          hex.slice(0, 2),
          hex,
          'data',
        );
      },
      stop: async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
        if (tokenServer !== undefined) await new Promise((resolve) => tokenServer.server.close(resolve));
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  if (tokenServer !== undefined) tokenServer.server.close();
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** A request a {@link startHttpServer} server received (body read fully). */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface TestHttpServer {
  host: string;
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/**
 * A loopback HTTP server for protocol tests (retries, auth challenges, APIs Distribution lacks).
 * The handler gets the request with its body already read; it may also destroy the socket.
 */
export async function startHttpServer(
  handler: (request: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>,
): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://test'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res, req)).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
