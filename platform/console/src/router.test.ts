import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.js';

describe('matchRoute', () => {
  it.each([
    ['/', { name: 'catalog' }],
    ['/catalog', { name: 'catalog' }],
    ['/allocations', { name: 'allocations' }],
    ['/allocations/', { name: 'allocations' }],
    [
      '/allocations/0b9c1c1e-1111-4222-8333-444455556666',
      { name: 'allocation', id: '0b9c1c1e-1111-4222-8333-444455556666' },
    ],
    ['/apps/dash%20board', { name: 'app', app: 'dash board' }],
    ['/projects', { name: 'projects' }],
    ['/allocations/a/b', { name: 'not-found', path: '/allocations/a/b' }],
    ['/apps/%E0%A4%A', { name: 'not-found', path: '/apps/%E0%A4%A' }],
  ])('%s', (path, want) => {
    expect(matchRoute(path)).toEqual(want);
  });
});
