import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../oci/client.js';
import {
  REGISTRY_RETRIES_ENV,
  REGISTRY_RETRY_DELAY_ENV,
  registryClientFor,
  parseArtifactReference,
  pinnedReference,
  repositoryName,
  retryFromEnv,
} from './client.js';
import { mapLimit } from './concurrency.js';

describe('retryFromEnv', () => {
  it('reads whole numbers in range, in any spacing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.constantFrom('', ' ', '  '),
        (retries, delay, pad) => {
          const env = {
            [REGISTRY_RETRIES_ENV]: `${pad}${retries}${pad}`,
            [REGISTRY_RETRY_DELAY_ENV]: `${delay}`,
          };
          expect(retryFromEnv(env)).toEqual({ maxRetries: retries, initialDelayMs: delay });
        },
      ),
    );
  });

  it('refuses anything that is not a whole number in range with USAGE', () => {
    const bad = fc.oneof(
      fc.string().filter((s) => s.trim() !== '' && !/^\s*\d+\s*$/.test(s)),
      fc.integer({ min: 101, max: 1e9 }).map(String),
      fc.integer({ min: -1e6, max: -1 }).map(String),
      fc.double({ min: 0.1, max: 99.9, noInteger: true }).map(String),
    );
    fc.assert(
      fc.property(bad, (value) => {
        expect(() => retryFromEnv({ [REGISTRY_RETRIES_ENV]: value })).toThrow(
          expect.objectContaining({ code: 'USAGE' }),
        );
      }),
    );
  });

  it('is undefined when neither variable is set, and sets only what is given', () => {
    expect(retryFromEnv({})).toBeUndefined();
    expect(retryFromEnv({ [REGISTRY_RETRIES_ENV]: '' })).toBeUndefined();
    expect(retryFromEnv({ [REGISTRY_RETRIES_ENV]: '0' })).toEqual({ maxRetries: 0 });
    expect(retryFromEnv({ [REGISTRY_RETRY_DELAY_ENV]: '10' })).toEqual({ initialDelayMs: 10 });
  });
});

describe('parseArtifactReference', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const cases: [string, { given: string; want: object | string }][] = [
    [
      'tag',
      {
        given: '127.0.0.1:5000/acme/llm:1.0.0',
        want: { registry: '127.0.0.1:5000', repository: 'acme/llm', tag: '1.0.0' },
      },
    ],
    [
      'digest',
      { given: `reg.io/acme/llm@${digest}`, want: { registry: 'reg.io', repository: 'acme/llm', digest } },
    ],
    ['tag and digest', { given: `reg.io/a/b:1@${digest}`, want: { tag: '1', digest } }],
    ['neither', { given: 'reg.io/acme/llm', want: 'REFERENCE_INVALID' }],
    ['bad tag', { given: 'reg.io/acme/llm:-x', want: 'REFERENCE_INVALID' }],
    ['uppercase repository', { given: 'reg.io/Acme/llm:1', want: 'REFERENCE_INVALID' }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    if (typeof want === 'string') {
      expect(() => parseArtifactReference(given)).toThrow(expect.objectContaining({ code: want }));
    } else {
      expect(parseArtifactReference(given)).toMatchObject(want);
    }
  });

  it('names the repository as host/repo and pins with the tag kept', () => {
    const ref = parseArtifactReference('127.0.0.1:5000/acme/llm:1.0.0');
    expect(repositoryName(ref)).toBe('127.0.0.1:5000/acme/llm');
    expect(pinnedReference(ref, digest)).toBe(`127.0.0.1:5000/acme/llm:1.0.0@${digest}`);
  });
});

describe('registryClientFor', () => {
  it('reuses a client only for the registry it serves', () => {
    const client = new RegistryClient({ registry: 'a.example:5000' });
    expect(registryClientFor('a.example:5000', { client })).toBe(client);
    const other = registryClientFor('b.example:5000', { client });
    expect(other).not.toBe(client);
    expect(other.registry).toBe('b.example:5000');
  });
});

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, limit) => {
          let running = 0;
          let peak = 0;
          const out = await mapLimit(delays, limit, async (delay, index) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((resolve) => setTimeout(resolve, delay));
            running--;
            return index * 2;
          });
          expect(out).toEqual(delays.map((_, i) => i * 2));
          expect(peak).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('starts nothing new after a failure and waits for running tasks before rejecting', async () => {
    const started: number[] = [];
    let finished = 0;
    const failure = mapLimit([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error('boom');
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished++;
    });
    await expect(failure).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(finished).toBe(1);
  });
});
