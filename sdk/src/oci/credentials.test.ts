import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainCredentials,
  defaultCredentials,
  dockerConfigCredentials,
  envCredentials,
  normaliseServer,
  staticCredentials,
} from './credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

let dir: string;
let savedPath: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oci-creds-'));
  // A fake credential helper, found on PATH like a real one, that answers for two servers.
  const helper = join(dir, 'bin', 'docker-credential-fake');
  await mkdir(join(dir, 'bin'));
  await writeFile(
    helper,
    [
      '#!/bin/sh',
      'read server',
      'echo "$1 $server" >> "$(dirname "$0")/calls.log"',
      'case "$server" in',
      '  helper.example) echo \'{"ServerURL":"helper.example","Username":"helper-user","Secret":"helper-pass"}\' ;;',
      '  token.example) echo \'{"ServerURL":"token.example","Username":"<token>","Secret":"refresh-xyz"}\' ;;',
      '  https://index.docker.io/v1/) echo \'{"Username":"hub-user","Secret":"hub-pass"}\' ;;',
      '  broken.example) echo "helper exploded" >&2; exit 3 ;;',
      '  *) echo "credentials not found in native keychain"; exit 1 ;;',
      'esac',
    ].join('\n'),
  );
  await chmod(helper, 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}`;
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await rm(dir, { recursive: true, force: true });
});

async function configDir(config: unknown): Promise<string> {
  const d = await mkdtemp(join(dir, 'cfg-'));
  await writeFile(join(d, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return d;
}

describe('docker config.json', () => {
  it('reads inline auths in every form Docker writes', async () => {
    const d = await configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pa:ss') },
        'reg.example:5000': { username: 'u', password: 'p' },
        'https://scheme.example/v2/': { auth: b64('s:t') },
        'idt.example': { identitytoken: 'refresh-1' },
        'empty.example': {},
      },
    });
    const provider = dockerConfigCredentials({ configDir: d });
    expect(await provider('docker.io')).toEqual({ username: 'hub', password: 'pa:ss' });
    expect(await provider('reg.example:5000')).toEqual({ username: 'u', password: 'p' });
    expect(await provider('scheme.example')).toEqual({ username: 's', password: 't' });
    expect(await provider('idt.example')).toEqual({ identityToken: 'refresh-1' });
    expect(await provider('empty.example')).toBeUndefined();
    expect(await provider('other.example')).toBeUndefined();
  });

  it('uses credHelpers first, then auths, then credsStore, via docker-credential-<name> on PATH', async () => {
    const d = await configDir({
      credHelpers: { 'helper.example': 'fake', 'token.example': 'fake', 'broken.example': 'fake' },
      auths: {
        'helper.example': { auth: b64('inline:ignored') },
        'inline.example': { auth: b64('in:line') },
      },
      credsStore: 'fake',
    });
    const provider = dockerConfigCredentials({ configDir: d });
    expect(await provider('helper.example')).toEqual({ username: 'helper-user', password: 'helper-pass' });
    expect(await provider('token.example')).toEqual({ identityToken: 'refresh-xyz' });
    expect(await provider('inline.example')).toEqual({ username: 'in', password: 'line' });
    expect(await provider('docker.io')).toEqual({ username: 'hub-user', password: 'hub-pass' });
    expect(await provider('unknown.example')).toBeUndefined();
    await expect(provider('broken.example')).rejects.toMatchObject({ code: 'IO_ERROR' });
    const log = await readFile(join(dir, 'bin', 'calls.log'), 'utf8');
    expect(log).toContain('get helper.example');
    expect(log).toContain('get https://index.docker.io/v1/');
  });

  it('finds config.json through DOCKER_CONFIG, and is silent when there is none', async () => {
    const d = await configDir({ auths: { 'env.example': { auth: b64('a:b') } } });
    expect(await dockerConfigCredentials({ env: { DOCKER_CONFIG: d } })('env.example')).toEqual({
      username: 'a',
      password: 'b',
    });
    expect(
      await dockerConfigCredentials({ env: { HOME: join(dir, 'nohome') } })('env.example'),
    ).toBeUndefined();
  });

  it('reports a malformed config with IO_ERROR', async () => {
    const d = await configDir('{not json');
    await expect(dockerConfigCredentials({ configDir: d })('x.example')).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    const bad = await configDir({ auths: { 'x.example': { auth: b64('no-colon') } } });
    await expect(dockerConfigCredentials({ configDir: bad })('x.example')).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['http://Reg.Example:5000/v2/', 'reg.example:5000'],
    ['reg.example', 'reg.example'],
  ])('normalises %s to %s', (key, want) => {
    expect(normaliseServer(key)).toBe(want);
  });
});

describe('environment and chains', () => {
  it('reads GPUAAS_REGISTRY_* and restricts them to GPUAAS_REGISTRY when set', async () => {
    const env = {
      GPUAAS_REGISTRY_USERNAME: 'ci',
      GPUAAS_REGISTRY_PASSWORD: 'pw',
      GPUAAS_REGISTRY_TOKEN: 'tok',
    };
    expect(await envCredentials(env)('any.example')).toEqual({
      username: 'ci',
      password: 'pw',
      registryToken: 'tok',
    });
    const only = envCredentials({ ...env, GPUAAS_REGISTRY: 'https://ours.example' });
    expect(await only('ours.example')).toEqual({ username: 'ci', password: 'pw', registryToken: 'tok' });
    expect(await only('docker.io')).toBeUndefined();
    expect(await envCredentials({})('any.example')).toBeUndefined();
  });

  it('takes the first provider that answers', async () => {
    const chain = chainCredentials(
      () => Promise.resolve(undefined),
      staticCredentials({ username: 'second', password: 'x' }),
      staticCredentials({ username: 'third', password: 'y' }),
    );
    expect(await chain('r.example')).toEqual({ username: 'second', password: 'x' });
  });

  it('prefers CI variables over config.json by default', async () => {
    const d = await configDir({ auths: { 'r.example': { auth: b64('file:user') } } });
    const fromFile = defaultCredentials({ DOCKER_CONFIG: d });
    expect(await fromFile('r.example')).toEqual({ username: 'file', password: 'user' });
    const fromEnv = defaultCredentials({
      DOCKER_CONFIG: d,
      GPUAAS_REGISTRY_USERNAME: 'env',
      GPUAAS_REGISTRY_PASSWORD: 'p',
    });
    expect(await fromEnv('r.example')).toEqual({ username: 'env', password: 'p' });
  });
});
