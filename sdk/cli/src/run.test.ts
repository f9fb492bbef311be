import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { main as gpuaas, gpuaasCli } from './gpuaas/main.js';
import { gpuaasAppCli, main as gpuaasApp } from './gpuaas-app/main.js';
import type { CliIo } from './output.js';
import { requiredOptions } from '@gpuaas/sdk/common';
import { createProgram } from './run.js';
import type { CliDefinition } from './run.js';

function io(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { GPUAAS_API_URL: 'http://127.0.0.1:9', GPUAAS_TOKEN: 't' },
    cwd: '/nonexistent',
    out: () => out,
    err: () => err,
  };
}

/** Every command that has required options, with its path from the program. */
function withRequiredOptions(definition: CliDefinition): { path: string[]; flags: string[] }[] {
  const found: { path: string[]; flags: string[] }[] = [];
  const walk = (command: Command, path: string[]): void => {
    const required = requiredOptions(command);
    if (command.commands.length === 0 && required.length > 0)
      found.push({ path, flags: required.map((o) => o.flags) });
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(createProgram(definition, { io: io(), setExitCode: () => undefined }), []);
  return found;
}

describe('unknown options win over missing required ones', () => {
  it('gpuaas allocations create --gpu 2: unknown option, did you mean --gpus', async () => {
    const t = io();
    const code = await gpuaas(['node', 'gpuaas', 'allocations', 'create', '--gpu', '2'], t);
    expect(code).toBe(2);
    expect(t.err()).toMatch(/unknown option '--gpu'/);
    expect(t.err()).toMatch(/Did you mean --gpus\?/);
    expect(t.err()).not.toMatch(/required option/);
  });

  it('a required option that is really missing is still reported, with exit 2', async () => {
    const t = io();
    const code = await gpuaas(['node', 'gpuaas', 'allocations', 'create', '--model', 'h100-80gb'], t);
    expect(code).toBe(2);
    expect(t.err()).toMatch(/required option '--gpus <n>' not specified/);
  });

  it('gpuaas-app keygen --ot k: unknown option, did you mean --out', async () => {
    const t = io();
    const code = await gpuaasApp(['node', 'gpuaas-app', 'keygen', '--ot', 'k'], t);
    expect(code).toBe(2);
    expect(t.err()).toMatch(/unknown option '--ot'/);
    expect(t.err()).toMatch(/Did you mean --out\?/);
  });

  // Every command of both CLIs that has a required option, given none and an unknown flag.
  const commands = [
    ...withRequiredOptions(gpuaasCli()).map((c) => ['gpuaas', c.path] as const),
    ...withRequiredOptions(gpuaasAppCli).map((c) => ['gpuaas-app', c.path] as const),
  ];
  it('covers the commands of both CLIs that have required options', () => {
    expect(commands.map(([cli, path]) => `${cli} ${path.join(' ')}`)).toEqual(
      expect.arrayContaining(['gpuaas allocations create', 'gpuaas-app keygen']),
    );
  });
  it.each(commands)('%s %s', async (cli, path) => {
    const t = io();
    const run = cli === 'gpuaas' ? gpuaas : gpuaasApp;
    const code = await run(['node', cli, ...path, '--no-such-flag-xyz'], t);
    expect(code).toBe(2);
    expect(t.err()).toMatch(/unknown option '--no-such-flag-xyz'/);
    expect(t.err()).not.toMatch(/required option/);
  });
});
