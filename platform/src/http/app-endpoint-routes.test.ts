/** The relay's route: which request targets it takes, and what it makes of them. */
import { describe, expect, it } from 'vitest';
import { matchAppEndpoint } from './app-endpoint-routes.js';

describe('matchAppEndpoint', () => {
  it('matches the relay route with or without a sub-path, keeping the query raw', () => {
    const id = '0190a5b1-0000-7000-8000-000000000001';
    expect(matchAppEndpoint(`/v1/allocations/${id}/app/endpoints/api`)).toMatchObject({
      allocationId: id,
      endpoint: 'api',
      rest: '/',
      search: '',
    });
    expect(matchAppEndpoint(`/v1/allocations/${id}/app/endpoints/api/x/../y?q=%20&r`)).toMatchObject({
      rest: '/y',
      search: '?q=%20&r',
      prefix: `/v1/allocations/${id}/app/endpoints/api`,
    });
    expect(matchAppEndpoint(`/v1/allocations/${id}/app`)).toBeUndefined();
    expect(() => matchAppEndpoint(`/v1/allocations/${id}/app/endpoints/Bad_Name/`)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
