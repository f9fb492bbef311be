/**
 * Test harness: a platform on an ephemeral port over a fresh store (SQLite folder or PostgreSQL
 * database), with its log lines captured and helpers to mint tokens. Used only by tests.
 */
import { createTestStore } from '@gpuaas/test-support';
import type { TestDialect, TestStore } from '@gpuaas/test-support';
import type { PlatformOptions } from '../config.js';
import { ensureUser } from '../identity/store.js';
import type { UserRow } from '../identity/store.js';
import { createPlatform } from '../platform.js';
import type { Platform } from '../platform.js';

export interface TestPlatform {
  platform: Platform;
  url: string;
  store: TestStore;
  /** Parsed log lines written so far. */
  logs: Record<string, unknown>[];
  /** fetch() against the platform; `token` adds the bearer header, `json` sends a JSON body. */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Creates the user when missing and returns it with a fresh access token. */
  login(email: string, options?: { operator?: boolean }): Promise<{ user: UserRow; token: string }>;
  close(): Promise<void>;
}

export interface StartOptions extends PlatformOptions {
  /** Reuse a store (several instances on one database); it is then not dropped on close. */
  store?: TestStore;
}

export async function startTestPlatform(
  dialect: TestDialect,
  options: StartOptions = {},
): Promise<TestPlatform> {
  const { store: shared, ...platformOptions } = options;
  const store = shared ?? (await createTestStore(dialect));
  const logs: Record<string, unknown>[] = [];
  const platform = await createPlatform({
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    defaultMetrics: false,
    // Tests that want the in-process node agent ask for it.
    localNode: false,
    ...platformOptions,
    log: {
      level: 'info',
      destination: {
        write(line: string) {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
      ...platformOptions.log,
    },
  });
  const { url } = await platform.listen({ port: 0 });
  return {
    platform,
    url,
    store,
    logs,
    request(path, init = {}) {
      const { token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      let body = rest.body;
      if (json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(json);
      }
      return fetch(`${url}${path}`, { ...rest, headers, body: body ?? null });
    },
    async login(email, loginOptions = {}) {
      const user = await ensureUser(platform.db, email, loginOptions);
      const { token } = await platform.issueAccessToken({ sub: user.id, operator: user.operator === 1 });
      return { user, token };
    },
    async close() {
      await platform.close({ graceMs: 1000 });
      if (shared === undefined) await store.drop();
    },
  };
}
