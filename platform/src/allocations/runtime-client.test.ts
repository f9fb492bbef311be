import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../errors.js';
import { callRuntime } from './runtime-client.js';

// A runtime that answers every call with the status and body the test sets.
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let server: Server;
let dir: string;
let endpoint: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rt-client-'));
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(join(dir, 'rt.sock'), resolve));
  endpoint = `unix:${join(dir, 'rt.sock')}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const refusal = async (status: number, body: unknown, launch: boolean) => {
  answer = { status, body: JSON.stringify(body) };
  const error = await callRuntime(
    { endpoint, secret: 's' },
    { method: 'POST', path: '/v1/app/launch', launch },
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlatformError);
  const e = error as PlatformError;
  return { code: e.code, runtimeCode: e.runtimeCode, message: e.message };
};

describe('the relay to an allocation runtime keeps the runtime’s code', () => {
  it.each([
    ['a registry the runtime cannot reach (502)', 502, 'ARTIFACT_PULL_FAILED'],
    ['an artifact the registry does not have (404)', 404, 'ARTIFACT_NOT_FOUND'],
    ['an untrusted artifact (403)', 403, 'ARTIFACT_UNTRUSTED'],
    ['a cache it cannot write (500)', 500, 'ARTIFACT_CACHE_FAILED'],
  ])('a launch refused for %s is APP_LAUNCH_FAILED with runtime_code', async (_what, status, code) => {
    expect(await refusal(status, { code, message: 'why' }, true)).toEqual({
      code: 'APP_LAUNCH_FAILED',
      runtimeCode: code,
      message: `the allocation's runtime refused the launch: ${code}: why`,
    });
  });

  it('other calls keep the status mapping, and the runtime code beside it', async () => {
    expect(await refusal(404, { code: 'APP_STATE_CONFLICT', message: 'no app' }, false)).toMatchObject({
      code: 'NOT_FOUND',
      runtimeCode: 'APP_STATE_CONFLICT',
    });
    expect(await refusal(503, { code: 'CREDENTIALS_UNAVAILABLE', message: 'later' }, false)).toMatchObject({
      code: 'RUNTIME_UNREACHABLE',
      runtimeCode: 'CREDENTIALS_UNAVAILABLE',
    });
  });

  it('an answer without a runtime code carries none', async () => {
    expect(await refusal(502, { error: 'bad gateway' }, true)).toMatchObject({
      code: 'RUNTIME_UNREACHABLE',
      runtimeCode: undefined,
    });
    expect(await refusal(400, { code: 'not a code <script>' }, true)).toMatchObject({
      code: 'APP_LAUNCH_FAILED',
      runtimeCode: undefined,
    });
  });
});
