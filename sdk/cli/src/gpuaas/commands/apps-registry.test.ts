import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../output.js';
import { main } from '../main.js';
import { parseState, publisherKeyBody } from './apps-registry.js';
import { confirm, mustAsk, parseApproval } from './ops-apps.js';

function io(dir: string, tty = false): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  if (tty) {
    Object.assign(stdin, { isTTY: true });
    Object.assign(stderr, { isTTY: true });
  }
  return {
    stdout,
    stderr,
    stdin,
    // An API nobody listens on: a command that got past its checks would fail API_UNREACHABLE.
    env: {
      GPUAAS_API_URL: 'http://127.0.0.1:9',
      GPUAAS_TOKEN: 't',
      GPUAAS_CREDENTIALS_FILE: join(dir, 'c.json'),
    },
    cwd: dir,
    out: () => out,
    err: () => err,
  };
}

describe('gpuaas apps and ops apps: what is checked before any request', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-apps-cli-'));
    await writeFile(join(dir, 'acme.pub'), '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n');
    await writeFile(
      join(dir, 'acme.key'),
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIH\n-----END ENCRYPTED PRIVATE KEY-----\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a public key file, refuses a private one, and takes a keyless identity instead', async () => {
    const cli = io(dir);
    expect(await publisherKeyBody(cli, 'acme.pub', {})).toEqual({
      publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
    });
    await expect(publisherKeyBody(cli, 'acme.key', {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(publisherKeyBody(cli, 'missing.pub', {})).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(await publisherKeyBody(cli, undefined, { issuer: 'https://i.test', subject: 'ci' })).toEqual({
      issuer: 'https://i.test',
      subject: 'ci',
    });
    for (const [file, flags] of [
      [undefined, {}],
      [undefined, { issuer: 'https://i.test' }],
      ['acme.pub', { issuer: 'https://i.test', subject: 'ci' }],
    ] as const) {
      await expect(publisherKeyBody(cli, file, flags), JSON.stringify([file, flags])).rejects.toMatchObject({
        code: 'USAGE',
      });
    }
  });

  it('takes a version state and an approval scope only as the platform knows them', () => {
    expect(parseState('verified')).toBe('verified');
    expect(() => parseState('pending')).toThrow(/--state must be one of submitted, verified/);
    expect(parseApproval({})).toEqual({ scope: 'platform' });
    expect(parseApproval({ scope: 'project', scopeId: 'demo' })).toEqual({
      scope: 'project',
      scopeId: 'demo',
    });
    expect(() => parseApproval({ scope: 'organization' })).toThrow(/needs --scope-id/);
    expect(() => parseApproval({ scope: 'platform', scopeId: 'x' })).toThrow(/takes no --scope-id/);
    expect(() => parseApproval({ scope: 'world' })).toThrow(/--scope must be one of/);
  });

  it('asks on a terminal and needs --yes anywhere else', () => {
    expect(mustAsk(io(dir, true), undefined, 'approve')).toBe(true);
    expect(mustAsk(io(dir), true, 'approve')).toBe(false);
    expect(() => mustAsk(io(dir), undefined, 'approve')).toThrow(/approve needs --yes/);
    expect(() => mustAsk({ ...io(dir, true), env: { CI: 'true' } }, undefined, 'revoke')).toThrow(/--yes/);
  });

  it('goes on only when the person at the terminal answers yes', async () => {
    for (const [answer, goesOn] of [
      ['y\n', true],
      ['YES\n', true],
      ['n\n', false],
      ['\n', false],
      ['', false],
    ] as const) {
      const cli = io(dir, true);
      (cli.stdin as PassThrough).end(answer);
      const done = await confirm(cli, 'Approve llm 1.0?').then(
        () => true,
        (e: unknown) => (e as { code?: string }).code,
      );
      expect(done, JSON.stringify(answer)).toBe(goesOn ? true : 'USAGE');
      expect(cli.err()).toContain('Approve llm 1.0? [y/N]');
    }
  });

  it.each([
    ['approve without --yes', ['ops', 'apps', 'approve', `r.test/acme/llm@sha256:${'a'.repeat(64)}`]],
    ['revoke without --yes', ['ops', 'apps', 'revoke', 'v1', '--reason', 'bad']],
    ['approve for a project without its id', ['ops', 'apps', 'approve', 'v1', '--scope', 'project', '--yes']],
    ['revoke without a reason', ['ops', 'apps', 'revoke', 'v1', '--yes']],
    ['reject without a reason', ['ops', 'apps', 'reject', 'v1']],
    ['a state no version has', ['apps', 'versions', 'list', '--state', 'pending']],
    ['a private key', ['apps', 'keys', 'add', 'acme.key']],
    [
      'a key and an identity at once',
      ['apps', 'keys', 'add', 'acme.pub', '--issuer', 'https://i', '--subject', 's'],
    ],
  ])('refuses %s with exit 2 and sends nothing', async (_name, args) => {
    const cli = io(dir);
    const code = await main(['node', 'gpuaas', ...args, '--output', 'json'], cli);
    expect(code, cli.err()).toBe(2);
    // A request would have failed API_UNREACHABLE (exit 5) against the dead API URL.
    expect(cli.err()).not.toContain('API_UNREACHABLE');
  });

  it('refuses a version named by a tag (tags move) before any request', async () => {
    const cli = io(dir);
    const code = await main(['node', 'gpuaas', 'apps', 'versions', 'show', 'r.test/acme/llm:1.0@x'], cli);
    expect(code).toBe(2);
    for (const ref of ['r.test/acme/llm@latest', 'r.test/acme/llm:1.0', 'llm']) {
      const tagOnly = io(dir);
      expect(await main(['node', 'gpuaas', 'ops', 'apps', 'show', ref], tagOnly), ref).toBe(2);
      expect(tagOnly.err()).not.toContain('API_UNREACHABLE');
    }
  });
});
