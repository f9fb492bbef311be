import { describe, expect, it } from 'vitest';
import { HOP_BY_HOP_HEADERS, endToEndHeaders } from './end-to-end-headers.js';

describe('endToEndHeaders', () => {
  it('drops the fixed hop-by-hop headers and keeps the rest', () => {
    const headers = Object.fromEntries([...HOP_BY_HOP_HEADERS].map((name) => [name, 'x']));
    expect(endToEndHeaders({ ...headers, accept: 'text/html', 'set-cookie': ['a=1', 'b=2'] })).toEqual({
      accept: 'text/html',
      'set-cookie': ['a=1', 'b=2'],
    });
  });

  it('drops what Connection names, whatever its case and spacing', () => {
    expect(
      endToEndHeaders({ connection: ' X-Private ,keep-alive', 'x-private': '1', 'x-public': '2' }),
    ).toEqual({ 'x-public': '2' });
  });

  it('drops what the caller refuses', () => {
    expect(
      endToEndHeaders({ authorization: 'Bearer s', accept: '*/*' }, (n) => n === 'authorization'),
    ).toEqual({
      accept: '*/*',
    });
  });
});
