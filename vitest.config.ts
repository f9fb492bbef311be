import { defineConfig } from 'vitest/config';

// Tests import sibling packages through their TypeScript sources (the `gpuaas-source` export
// condition), so a test run never depends on a stale dist/ of another workspace.
export default defineConfig({
  resolve: { conditions: ['gpuaas-source'] },
  ssr: { resolve: { conditions: ['gpuaas-source'] } },
  test: {
    include: [
      '{manifest-schema,sdk,sdk/cli,runtime,platform,platform/contract,platform/node-agent,platform/console,test-support}/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The whole suite shares two cores with PostgreSQL, a registry and sandboxes: a polled
    // condition gets ten seconds, not vitest's default one.
    expect: { poll: { timeout: 10_000, interval: 25 } },
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default is cores - 1): most of the suite's
    // time is spent waiting on child processes, sandboxes and databases, not on its own CPU.
    // GPUAAS_TEST_WORKERS overrides it (1 runs the files one by one).
    maxWorkers: Number(process.env.GPUAAS_TEST_WORKERS ?? 2),
  },
});
