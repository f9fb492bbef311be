/**
 * A stand-in runtime for the upgrade, channel and uninstall tests over the API: it launches,
 * answers `POST /v1/app/upgrade` as the real one does with `wait: true` (200 on the new version,
 * or 409 with the runtime's code when told to fail the next one), uninstalls, and records every
 * body it was sent. The real runtime's upgrade and uninstall are tested in runtime/src/control.
 */
import { createServer } from 'node:http';
import { listenAsLocalRuntime } from './catalog-fixtures.test.util.js';

export interface UpgradeCall {
  reference: string;
  parameters: Record<string, unknown>;
  trust_policy: string;
  registry_auth?: { username: string; password: string };
  platform?: { credentials?: { scopes?: string[] } };
  wait?: boolean;
}

export interface UpgradingRuntime {
  endpoint: string;
  launches: UpgradeCall[];
  upgrades: UpgradeCall[];
  uninstalls(): number;
  /** The runtime's code the next upgrade fails with (the old version keeps running). */
  failNextUpgrade(code: 'UPGRADE_ROLLED_BACK' | 'APP_FAILED'): void;
  close(): Promise<void>;
}

export async function upgradingRuntime(): Promise<UpgradingRuntime> {
  const launches: UpgradeCall[] = [];
  const upgrades: UpgradeCall[] = [];
  let uninstalls = 0;
  let failure: string | undefined;
  let state = 'idle';
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url?.startsWith('/v1/app/logs?') === true) {
        // Echoes the query, so a test sees that `--follow` reached the runtime.
        const query = new URL(req.url, 'http://runtime').searchParams;
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${query.get('stream')} tail=${query.get('tail')} follow=${query.get('follow')}\n`);
        return;
      }
      switch (req.url) {
        case '/v1/app/launch':
          launches.push(JSON.parse(text) as UpgradeCall);
          state = 'ready';
          return reply(202, { state: 'fetching', reason: null });
        case '/v1/app/upgrade': {
          upgrades.push(JSON.parse(text) as UpgradeCall);
          const code = failure;
          failure = undefined;
          if (code === undefined) return reply(200, { state: 'ready', reason: null });
          if (code === 'APP_FAILED') state = 'failed';
          return reply(409, { code, message: `upgrade rolled back: the new version never became ready` });
        }
        case '/v1/app/uninstall':
          uninstalls += 1;
          state = 'idle';
          return reply(200, {
            state,
            reason: null,
            uninstalled: { hook: 'none', removed: ['instances', 'cache'] },
          });
        case '/v1/app/stop':
          state = 'stopped';
          return reply(200, { state, reason: null });
        default:
          return reply(200, { state, reason: null });
      }
    });
  });
  const { endpoint, close } = await listenAsLocalRuntime(server);
  return {
    endpoint,
    launches,
    upgrades,
    uninstalls: () => uninstalls,
    failNextUpgrade: (code) => (failure = code),
    close,
  };
}
