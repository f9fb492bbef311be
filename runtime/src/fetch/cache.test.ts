import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, unlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheLayout, clearArtifactCache, removeTree, withBuildLock, type CacheLayout } from './cache.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
let cache: CacheLayout;

beforeEach(async () => {
  cache = cacheLayout(await mkdtemp(join(tmpdir(), 'rt-cache-')));
});
afterEach(async () => {
  await removeTree(cache.root);
});

async function lockedBy(pid: number): Promise<void> {
  await mkdir(join(cache.root, 'locks'), { recursive: true });
  await writeFile(cache.lock(DIGEST), `${pid} ${hostname()}\n`);
}

describe('withBuildLock', () => {
  it('runs the builds of one digest in this process one after the other, in order', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const build = (n: number) =>
      withBuildLock(cache, DIGEST, async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(n);
        running--;
        if (n === 2) throw new Error('build 2 fails');
        return n;
      });
    const results = await Promise.allSettled([build(1), build(2), build(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual([1, 2, 3]);
    expect(most).toBe(1);
    expect(existsSync(cache.lock(DIGEST))).toBe(false);
  });

  it('waits while a live process of this host holds the lock file', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await lockedBy(holder.pid as number);
      let released = false;
      const build = withBuildLock(cache, DIGEST, () => Promise.resolve(released));
      // The holder finishes a moment later; the build must not have run before.
      await new Promise((resolve) => setTimeout(resolve, 150));
      released = true;
      await unlink(cache.lock(DIGEST));
      expect(await build).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('breaks the lock of a process that died and removes its half-built folders', async () => {
    const dead = spawn('true', { stdio: 'ignore' });
    await once(dead, 'exit');
    await lockedBy(dead.pid as number);
    const stale = join(cache.tmp, `${'ab'.repeat(32)}.${dead.pid}.1`);
    await mkdir(join(stale, 'tree'), { recursive: true });
    const other = join(cache.tmp, `${'cd'.repeat(32)}.${dead.pid}.1`);
    await mkdir(other, { recursive: true });

    expect(await withBuildLock(cache, DIGEST, () => Promise.resolve('built'))).toBe('built');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(other)).toBe(true); // another digest's build is not this lock's business
  });
});

describe('clearArtifactCache', () => {
  it('removes a cache whose trees are read-only', async () => {
    const tree = join(cache.root, 'trees/sha256/x/sub');
    await mkdir(tree, { recursive: true, mode: 0o555 });
    await clearArtifactCache(cache.root);
    expect(existsSync(cache.root)).toBe(false);
  });
});
