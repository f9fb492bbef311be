import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './index.js';

// Databases in the field record these names: changing, reordering or dropping one breaks them.
const SHIPPED = [
  '0001_initial',
  '0002_auth_credentials',
  '0003_compute',
  '0004_usage',
  '0005_usage_scoped_ids',
];

describe('the migration list', () => {
  const names = MIGRATIONS.map((m) => m.name);

  it('keeps every shipped name, in its place, and only appends', () => {
    expect(names.slice(0, SHIPPED.length)).toEqual(SHIPPED);
  });

  it('has unique names numbered 0001, 0002, … in list order, which is also the order Kysely runs them', () => {
    expect(new Set(names).size).toBe(names.length);
    names.forEach((name, i) => expect(name.slice(0, 5)).toBe(`${String(i + 1).padStart(4, '0')}_`));
    expect([...names].sort()).toEqual(names);
  });

  it('lists every migration file in this folder, each under its own name', async () => {
    const files = (await readdir(new URL('.', import.meta.url)))
      .filter((f) => /^\d{4}_.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual(names);
  });
});
