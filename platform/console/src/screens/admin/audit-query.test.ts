import { readFile } from 'node:fs/promises';
import { openapiDocument } from '@gpuaas/platform-contract';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTIONS,
  actorIdOf,
  actorLabelOf,
  auditFilterFrom,
  auditPathOf,
  auditQueryOf,
  exportFileName,
  isoFromLocalInput,
  localInputFromIso,
} from './audit-query.js';
import type { AuditFilter } from './audit-query.js';

describe('the audit search in the URL', () => {
  it.each<[string, { given: string; want: AuditFilter }]>([
    ['nothing', { given: '', want: {} }],
    ['blank values', { given: 'actor=&action=%20%20&target=', want: {} }],
    [
      'every filter',
      {
        given:
          'project=p1&actor=u1&action=member.add&target=t1&since=2025-01-01T00%3A00%3A00.000Z&until=2025-02-01T00%3A00%3A00.000Z&cursor=c1',
        want: {
          project: 'p1',
          actor: 'u1',
          action: 'member.add',
          target: 't1',
          since: '2025-01-01T00:00:00.000Z',
          until: '2025-02-01T00:00:00.000Z',
          cursor: 'c1',
        },
      },
    ],
    ['unknown keys ignored', { given: 'page=3&action=project.create', want: { action: 'project.create' } }],
  ])('reads %s', (_name, { given, want }) => {
    expect(auditFilterFrom(new URLSearchParams(given))).toEqual(want);
  });

  it('writes a path that reads back the same, in a stable order', () => {
    const filter: AuditFilter = { until: '2025-02-01T00:00:00.000Z', action: 'member.update', project: 'p1' };
    const path = auditPathOf(filter);
    expect(path).toBe('/audit?project=p1&action=member.update&until=2025-02-01T00%3A00%3A00.000Z');
    expect(auditFilterFrom(new URL(path, 'http://x').searchParams)).toEqual(filter);
    expect(auditPathOf({})).toBe('/audit');
  });

  it('maps the filter to the API query', () => {
    expect(auditQueryOf({ project: 'p1', actor: 'u1', cursor: 'c' })).toEqual({
      project_id: 'p1',
      actor: 'u1',
      cursor: 'c',
    });
    expect(auditQueryOf({})).toEqual({});
  });
});

describe('times of the datetime-local inputs', () => {
  it('reads the local time as the user means it and writes it back', () => {
    expect(isoFromLocalInput('2025-03-04T05:06')).toBe(new Date(2025, 2, 4, 5, 6).toISOString());
    expect(isoFromLocalInput('2025-03-04T05:06:07')).toBe(new Date(2025, 2, 4, 5, 6, 7).toISOString());
    for (const local of ['2025-03-04T05:06', '2024-12-31T23:59:30']) {
      expect(localInputFromIso(isoFromLocalInput(local))).toBe(local);
    }
  });

  it.each(['', 'yesterday', '2025-13-40T99:99', '2025-03-04'])('refuses %j', (value) => {
    expect(isoFromLocalInput(value)).toBeUndefined();
  });

  it('shows nothing for a missing or broken time', () => {
    expect(localInputFromIso(undefined)).toBe('');
    expect(localInputFromIso('not a time')).toBe('');
  });
});

describe('actors by email or name', () => {
  const known = [
    { id: 'u-alice', label: 'alice@example.com' },
    { id: 'sa-1', label: 'ci-bot' },
  ];
  it.each([
    ['ALICE@example.com', 'u-alice'],
    [' ci-bot ', 'sa-1'],
    ['some-other-id', 'some-other-id'],
    ['  ', undefined],
  ])('%j → %j', (input, want) => {
    expect(actorIdOf(input, known)).toBe(want);
  });

  it('labels known ids and leaves others as they are', () => {
    expect(actorLabelOf('u-alice', known)).toBe('alice@example.com');
    expect(actorLabelOf('u-x', known)).toBe('u-x');
    expect(actorLabelOf(null, known)).toBe('');
  });
});

describe('suggested actions', () => {
  it('include every action openapi.yaml records (x-audit)', async () => {
    const document = await readFile(openapiDocument, 'utf8');
    const declared = new Set([...document.matchAll(/x-audit: \{ action: ([a-z_.]+)/g)].map((m) => m[1]));
    expect(declared.size).toBeGreaterThan(20);
    for (const action of declared) expect(AUDIT_ACTIONS).toContain(action);
    expect([...AUDIT_ACTIONS].sort()).toEqual(AUDIT_ACTIONS);
  });
});

describe('export file names', () => {
  it('say the project and the day', () => {
    const now = new Date('2025-06-07T08:09:10Z');
    expect(exportFileName({ project: '0123456789abcdef' }, 'csv', now)).toBe('audit-01234567-2025-06-07.csv');
    expect(exportFileName({}, 'jsonl', now)).toBe('audit-all-2025-06-07.jsonl');
  });
});
