/**
 * The docs stay true: every shell block of README.md and docs/*.md marked ```` ```sh runnable ````
 * runs as written, in document order, in the repository's root, against the platform that
 * README.md's main command starts (`npm start`: port 8080, data in ./.gpuaas), with bash, a fresh
 * HOME and Node 24 first on PATH. A block passes when it exits 0 and its output matches the
 * `<!-- expect: REGEX -->` lines that follow it (invisible on GitHub). Blocks that need a person (a
 * browser login, an interactive terminal) are not marked; the journeys behind them are covered by
 * the e2e tests that drive the CLI.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requirePython } from '@gpuaas/test-support';
import { repoRoot, runCommand, startProcess } from './support/processes.js';
import type { StartedProcess } from './support/processes.js';

interface Block {
  file: string;
  line: number;
  script: string;
  /** From `<!-- expect: REGEX -->` lines right after the block: its stdout must match each. */
  expect: RegExp[];
}

/** The runnable blocks of one Markdown file. */
export function runnableBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (!/^```sh runnable\s*$/.test(lines[i] ?? '')) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end += 1;
    const expect: RegExp[] = [];
    for (let j = end + 1; /^<!-- expect: (.+) -->$/.test(lines[j] ?? ''); j += 1) {
      expect.push(new RegExp(/^<!-- expect: (.+) -->$/.exec(lines[j] ?? '')?.[1] ?? ''));
    }
    blocks.push({ file, line: start, script: lines.slice(start, end).join('\n'), expect });
    i = end;
  }
  return blocks;
}

const docs = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
// The Python quick start runs with the interpreter the Python SDK's tests use (support/python.ts),
// put first on PATH as `python3`; without httpx and websockets it is skipped (a failure under CI).
const python = requirePython('docs e2e (the Python SDK quick start)', ['httpx', 'websockets']);
const blocks = docs
  .flatMap((file) => runnableBlocks(file, readFileSync(join(repoRoot, file), 'utf8')))
  .filter((block) => python !== undefined || !block.script.includes('./sdk/python'));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

// The blocks use ./.gpuaas as README.md says: never over a developer's own data folder.
const ownData = existsSync(join(repoRoot, '.gpuaas'));
if (ownData && process.env.CI === 'true') throw new Error('docs e2e: ./.gpuaas exists in a CI checkout');
if (ownData) console.warn('docs e2e: skipped, ./.gpuaas holds your own data (move it to run the docs)');

describe.skipIf(ownData)('runnable shell blocks of the docs', () => {
  let platform: StartedProcess;
  let home: string;
  let shims: string;

  beforeAll(async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(await portFree(8080), 'port 8080 (README.md’s platform) is in use').toBe(true);
    home = await mkdtemp(join(tmpdir(), 'gpuaas-docs-home-'));
    shims = join(home, '.shims');
    await mkdir(shims);
    if (python !== undefined)
      await writeFile(join(shims, 'python3'), `#!/bin/sh\nexec ${JSON.stringify(python)} "$@"\n`, {
        mode: 0o755,
      });
    platform = await startProcess('bash', ['scripts/start.sh'], {
      env: { ...process.env, HOME: home },
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 30_000,
      name: 'npm start',
    });
  }, 60_000);

  afterAll(async () => {
    await platform?.stop();
    await rm(join(repoRoot, '.gpuaas'), { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('finds them: every doc names its runnable blocks with ```sh runnable', () => {
    expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['README.md', 'docs/allocations.md']));
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b] as const))(
    '%s runs as written',
    async (_where, block) => {
      const r = await runCommand('bash', ['-eo', 'pipefail', '-c', block.script], {
        cwd: repoRoot,
        env: {
          PATH: `${shims}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
          HOME: home,
          CI: 'true',
          LANG: 'C.UTF-8',
        },
      });
      expect(
        r.code,
        `${block.file}:${block.line}\n${block.script}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
      ).toBe(0);
      for (const pattern of block.expect) expect(r.stdout, `${block.file}:${block.line}`).toMatch(pattern);
    },
    120_000,
  );
});

describe('docs/auth.md and the contract', () => {
  it('lists every scope the OpenAPI document declares (the scopes discovery advertises)', () => {
    const openapi = parse(readFileSync(join(repoRoot, 'platform/contract/openapi.yaml'), 'utf8')) as {
      components: {
        securitySchemes: { bearer: { flows: Record<string, { scopes: Record<string, string> }> } };
      };
    };
    const scopes = new Set(
      Object.values(openapi.components.securitySchemes.bearer.flows).flatMap((f) => Object.keys(f.scopes)),
    );
    expect(scopes.size).toBeGreaterThan(10);
    const auth = readFileSync(join(repoRoot, 'docs/auth.md'), 'utf8');
    for (const scope of scopes)
      expect(auth, `docs/auth.md does not mention \`${scope}\``).toContain(`\`${scope}\``);
  });
});

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const text = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
    const paths = [
      ...text.matchAll(/`((?:sdk|runtime|platform|manifest-schema|test-support|test)\/[^`\s]*)`/g),
    ].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThan(20);
    // Names given relative to the folder named before them (`sandbox.ts` after …/agent/) are not checked.
    for (const path of paths) expect(existsSync(join(repoRoot, path)), path).toBe(true);
  });
});
