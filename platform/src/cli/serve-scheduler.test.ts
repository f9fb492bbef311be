import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileScheduler } from '../config-scheduler.js';
import type { SchedulerOptions } from '../config-scheduler.js';
import { PlatformError } from '../errors.js';
import { schedulerOptions } from './serve-scheduler.js';
import type { SchedulerFlags } from './serve-scheduler.js';

const flags = (more: Partial<SchedulerFlags>): SchedulerFlags => ({
  scheduler: 'slurm',
  slurmrestdUrl: 'http://127.0.0.1:6820',
  slurmGresType: [],
  ...more,
});

describe('serve --scheduler', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'serve-scheduler-'));
    await writeFile(join(dir, 'token'), 'eyJ.file.token\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is the in-process scheduler unless asked', async () => {
    expect(await schedulerOptions({ scheduler: 'in-process', slurmGresType: [] }, {})).toEqual({
      kind: 'in-process',
    });
  });

  it('reads Slurm options from flags, the token from a file or SLURM_JWT', async () => {
    expect(
      await schedulerOptions(
        flags({
          slurmTokenFile: join(dir, 'token'),
          slurmPartition: 'gpu',
          slurmAccounts: 'none',
          slurmGresType: ['h100-80gb=h100', 'NVIDIA A10=a10'],
        }),
        {},
      ),
    ).toEqual({
      kind: 'slurm',
      url: 'http://127.0.0.1:6820',
      token: 'eyJ.file.token',
      partition: 'gpu',
      accounts: 'none',
      gresTypes: { 'h100-80gb': 'h100', 'NVIDIA A10': 'a10' },
    });
    expect(
      await schedulerOptions(flags({ slurmrestdUrl: undefined }), {
        SLURMRESTD_URL: 'http://h:1',
        SLURM_JWT: 'env.token',
      }),
    ).toMatchObject({ url: 'http://h:1', token: 'env.token' });
  });

  const refused: [string, { given: Partial<SchedulerFlags>; env?: NodeJS.ProcessEnv; want: RegExp }][] = [
    [
      'an unknown scheduler',
      { given: { scheduler: 'kueue' }, want: /--scheduler must be in-process or slurm \(got "kueue"\)/ },
    ],
    [
      'no URL',
      { given: { slurmrestdUrl: undefined }, env: { SLURM_JWT: 't' }, want: /needs --slurmrestd-url/ },
    ],
    [
      'no token',
      { given: {}, env: {}, want: /needs a token: --slurm-token-file FILE or env SLURM_JWT.*scontrol token/ },
    ],
    [
      'a token file that is not there',
      { given: { slurmTokenFile: '/nonexistent/token' }, want: /--slurm-token-file: ENOENT/ },
    ],
    [
      'bad accounts',
      {
        given: { slurmAccounts: 'all' },
        env: { SLURM_JWT: 't' },
        want: /--slurm-accounts must be project or none/,
      },
    ],
    [
      'a GRES type without =',
      {
        given: { slurmGresType: ['h100'] },
        env: { SLURM_JWT: 't' },
        want: /--slurm-gres-type wants MODEL=TYPE/,
      },
    ],
  ];
  it.each(refused)('refuses %s with CONFIG_INVALID', async (_name, { given, env = {}, want }) => {
    const error = await schedulerOptions(flags(given), env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(want);
  });
});

describe('compute.scheduler', () => {
  const compiled: [string, { given: SchedulerOptions | undefined; errors: RegExp[] }][] = [
    ['absent: in-process', { given: undefined, errors: [] }],
    [
      'slurm with defaults',
      { given: { kind: 'slurm', url: 'http://127.0.0.1:6820', token: 't' }, errors: [] },
    ],
    [
      'a URL that is not http',
      {
        given: { kind: 'slurm', url: 'unix:/run/slurmrestd.sock', token: 't' },
        errors: [/url must be slurmrestd's http\(s\) URL/],
      },
    ],
    [
      'an empty token',
      { given: { kind: 'slurm', url: 'http://h:1', token: ' ' }, errors: [/token must be a JWT/] },
    ],
    [
      'a GRES type with a space',
      {
        given: { kind: 'slurm', url: 'http://h:1', token: 't', gresTypes: { x: 'h 100' } },
        errors: [/gresTypes\["x"\] "h 100" is not a GRES type name/],
      },
    ],
    [
      'an unknown kind',
      {
        given: { kind: 'kueue' } as unknown as SchedulerOptions,
        errors: [/kind must be in-process or slurm/],
      },
    ],
  ];
  it.each(compiled)('%s', (_name, { given, errors: want }) => {
    const errors: string[] = [];
    const config = compileScheduler(given, errors);
    expect(errors).toHaveLength(want.length);
    want.forEach((re, i) => expect(errors[i]).toMatch(re));
    if (given?.kind === 'slurm' && want.length === 0) {
      expect(config).toEqual({
        kind: 'slurm',
        url: given.url,
        token: 't',
        user: 'root',
        partition: undefined,
        accounts: 'project',
        gresTypes: {},
      });
    }
  });
});
