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
    ['/apps/gpuaas-demo/dashboard', { name: 'app', app: 'gpuaas-demo/dashboard' }],
    ['/apps/gpuaas-demo%2Fdashboard', { name: 'app', app: 'gpuaas-demo/dashboard' }],
    ['/apps/a/b/c', { name: 'not-found', path: '/apps/a/b/c' }],
    ['/projects', { name: 'projects' }],
    ['/projects/p-1', { name: 'project', id: 'p-1' }],
    ['/instances', { name: 'instances' }],
    ['/instances/i-1', { name: 'instance', id: 'i-1' }],
    ['/usage', { name: 'usage' }],
    ['/billing', { name: 'billing' }],
    ['/audit', { name: 'audit' }],
    ['/operator', { name: 'operator-apps' }],
    ['/operator/apps', { name: 'operator-apps' }],
    ['/operator/apps/versions/v-1', { name: 'operator-app-version', id: 'v-1' }],
    ['/operator/nodes', { name: 'operator-nodes' }],
    ['/operator/quotas', { name: 'operator-quotas' }],
    ['/operator/billing', { name: 'operator-billing' }],
    ['/allocations/a/b', { name: 'not-found', path: '/allocations/a/b' }],
    ['/apps/%E0%A4%A', { name: 'not-found', path: '/apps/%E0%A4%A' }],
  ])('%s', (path, want) => {
    expect(matchRoute(path)).toEqual(want);
  });
});
