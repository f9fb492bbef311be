import { describe, expect, it } from 'vitest';
import { chooseApiVersion, compareVersions, servedVersions, SUPPORTED_SLURM_APIS } from './api-version.js';

/** An OpenAPI document as slurmrestd serves it, with these paths. */
const doc = (...paths: string[]) => ({
  openapi: '3.0.2',
  // 22.05 says 0.0.36 here whatever it serves: detection must not trust it.
  info: { title: 'Slurm Rest API', version: '0.0.36' },
  paths: Object.fromEntries(paths.map((p) => [p, {}])),
});

const slurm2205 = doc(
  '/openapi/v3',
  '/slurm/v0.0.36/jobs',
  '/slurm/v0.0.36/job/submit',
  '/slurm/v0.0.37/jobs',
  '/slurm/v0.0.37/job/{job_id}',
  '/slurm/v0.0.38/diag',
  '/slurm/v0.0.38/jobs',
  '/slurm/v0.0.38/job/submit',
);

describe('slurmrestd API version detection', () => {
  it('lists the served versions newest first, numerically (v0.0.100 after v0.0.39)', () => {
    expect(servedVersions(slurm2205)).toEqual(['v0.0.38', 'v0.0.37', 'v0.0.36']);
    expect(
      servedVersions(doc('/slurm/v0.0.39/jobs', '/slurm/v0.0.100/jobs', '/slurmdb/v0.0.38/jobs')),
    ).toEqual(['v0.0.100', 'v0.0.39']);
    expect(compareVersions('v0.0.9', 'v0.0.10')).toBeLessThan(0);
    expect(compareVersions('v1.0.0', 'v0.9.9')).toBeGreaterThan(0);
  });

  const cases: [string, { given: unknown; want: { ok: boolean; version?: string; message?: RegExp } }][] = [
    ['Slurm 22.05 with all its plugins', { given: slurm2205, want: { ok: true, version: 'v0.0.38' } }],
    ['only v0.0.38 loaded', { given: doc('/slurm/v0.0.38/jobs'), want: { ok: true, version: 'v0.0.38' } }],
    [
      'only older versions (22.05 started with -s openapi/v0.0.37)',
      {
        given: doc('/slurm/v0.0.36/jobs', '/slurm/v0.0.37/jobs'),
        want: {
          ok: false,
          message: /serves v0\.0\.37, v0\.0\.36; this backend supports v0\.0\.38 \(Slurm 22\.05\)$/,
        },
      },
    ],
    [
      'a newer Slurm (23.11 serves v0.0.39 and v0.0.40)',
      {
        given: doc('/slurm/v0.0.39/jobs', '/slurm/v0.0.40/jobs', '/slurmdb/v0.0.40/jobs'),
        want: {
          ok: false,
          message: /serves v0\.0\.40, v0\.0\.39; this backend supports v0\.0\.38.*newer than the backend/,
        },
      },
    ],
    [
      'no slurm paths at all (only slurmdbd plugins)',
      {
        given: doc('/openapi/v3', '/slurmdb/v0.0.38/jobs'),
        want: { ok: false, message: /lists no \/slurm\/vX\.Y\.Z\/ paths/ },
      },
    ],
    [
      'not an OpenAPI document',
      { given: 'Authentication failure', want: { ok: false, message: /lists no/ } },
    ],
    ['paths is not an object', { given: { paths: null }, want: { ok: false, message: /lists no/ } }],
  ];
  it.each(cases)('%s', (_name, { given, want }) => {
    const choice = chooseApiVersion(given);
    expect(choice.ok).toBe(want.ok);
    if (choice.ok) expect(choice.version).toBe(want.version);
    else expect(choice.message).toMatch(want.message!);
  });

  it('supports what the backend is written against, and says so', () => {
    expect(SUPPORTED_SLURM_APIS).toEqual(['v0.0.38']);
  });
});
