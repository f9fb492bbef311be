/** A version's manifest the review tests compare others against (prices, meters, GPU, scopes). */
export const v1 = {
  name: 'echo',
  version: '0.1.0',
  run: { entrypoint: ['python3', 'server.py'], env: { PORT: '8000' } },
  resources: { minimum: { gpus: { count: 1, minMemoryGiB: 8 }, cpu: 1 } },
  meters: [
    { name: 'tokens', unit: 'token' },
    { name: 'requests', unit: 'request' },
  ],
  billing: {
    currency: 'USD',
    hourlyPrice: '0.20',
    metered: [
      { meter: 'tokens', pricePerUnit: '0.000001' },
      { meter: 'requests', pricePerUnit: { micros: 100 } },
    ],
  },
  permissions: { scopes: ['usage:write'] },
};
