/**
 * A machine of its own on the network, for tests of remote nodes: a network namespace joined to
 * this one by a veth pair (host end `hostIp`, node end `nodeIp`, a /30 of 10.231.0.0/16 chosen at
 * random so that parallel runs do not meet). Processes started with `wrap` live in it: they reach
 * this machine only through the veth, and `cut()` takes the node's end down — its routes go, so
 * each connection either way fails as on a lost network — until `restore()`. Needs root and `ip`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface NetworkNamespace {
  name: string;
  hostIp: string;
  nodeIp: string;
  /** `ip netns exec NAME command…`: the argv that runs `command` inside. */
  wrap(command: readonly string[]): string[];
  cut(): Promise<void>;
  restore(): Promise<void>;
  destroy(): Promise<void>;
}

/** Whether this machine lets us make one (root, `ip`, network namespaces); the reason if not. */
export async function netnsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    await exec('unshare', ['--net', 'ip', 'link', 'show', 'lo']);
    return undefined;
  } catch (error) {
    return `network namespaces are not available: ${(error as Error).message}`;
  }
}

export async function createNetworkNamespace(): Promise<NetworkNamespace> {
  const tag = randomBytes(3).toString('hex');
  const name = `gpuaas-${tag}`;
  const hostDev = `gh${tag}`;
  const nodeDev = `gn${tag}`;
  const third = randomBytes(1)[0]!;
  const fourth = (randomBytes(1)[0]! & 0xfc) % 252;
  const hostIp = `10.231.${third}.${fourth + 1}`;
  const nodeIp = `10.231.${third}.${fourth + 2}`;
  const ip = (...args: string[]) => exec('ip', args);
  const inside = (...args: string[]) => exec('ip', ['netns', 'exec', name, 'ip', ...args]);
  await ip('netns', 'add', name);
  try {
    await ip('link', 'add', hostDev, 'type', 'veth', 'peer', 'name', nodeDev);
    await ip('link', 'set', nodeDev, 'netns', name);
    await ip('addr', 'add', `${hostIp}/30`, 'dev', hostDev);
    await ip('link', 'set', hostDev, 'up');
    await inside('addr', 'add', `${nodeIp}/30`, 'dev', nodeDev);
    await inside('link', 'set', nodeDev, 'up');
    await inside('link', 'set', 'lo', 'up');
  } catch (error) {
    await ip('link', 'del', hostDev).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
    throw error;
  }
  return {
    name,
    hostIp,
    nodeIp,
    wrap: (command) => ['netns', 'exec', name, ...command],
    cut: async () => void (await inside('link', 'set', nodeDev, 'down')),
    restore: async () => void (await inside('link', 'set', nodeDev, 'up')),
    destroy: async () => {
      // Deleting either end of a veth deletes both; the namespace goes with its last process.
      await ip('link', 'del', hostDev).catch(() => undefined);
      await ip('netns', 'del', name).catch(() => undefined);
    },
  };
}
