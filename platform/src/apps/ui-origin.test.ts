/** Instance origins: which hosts are an app instance's, and which are the platform's. */
import { describe, expect, it } from 'vitest';
import { appsDomain, instanceOfHost, instanceOrigin, isAppsHost, platformOrigin } from './ui-origin.js';

const ID = '0190a5b1-0000-7000-8000-000000000001';

describe('instance origins', () => {
  it.each([
    ['http://127.0.0.1:8080', 'apps.localhost', `http://${ID}.apps.localhost:8080`],
    ['http://localhost:3000/', 'apps.localhost', `http://${ID}.apps.localhost:3000`],
    ['http://[::1]:8080', 'apps.localhost', `http://${ID}.apps.localhost:8080`],
    ['https://gpuaas.example.com', 'apps.gpuaas.example.com', `https://${ID}.apps.gpuaas.example.com`],
    [
      'https://gpuaas.example.com:8443',
      'apps.gpuaas.example.com',
      `https://${ID}.apps.gpuaas.example.com:8443`,
    ],
  ])('names the origin of an instance of %s', (platform, domain, origin) => {
    expect(appsDomain(platform)).toBe(domain);
    expect(instanceOrigin(platform, ID)).toBe(origin);
  });

  it.each([
    ['the instance host', `${ID}.apps.gpuaas.example.com`, ID, true],
    ['the instance host with a port, any case', `${ID.toUpperCase()}.APPS.gpuaas.example.com:8443`, ID, true],
    ['the platform itself', 'gpuaas.example.com', undefined, false],
    ['the bare apps domain', 'apps.gpuaas.example.com', undefined, true],
    ['a label that is no allocation id', 'evil.apps.gpuaas.example.com', undefined, true],
    ['two labels', `x.${ID}.apps.gpuaas.example.com`, undefined, true],
    ['another platform', `${ID}.apps.other.example.com`, undefined, false],
    ['a look-alike suffix', `${ID}.apps.gpuaas.example.com.evil.example`, undefined, false],
    ['no host', undefined, undefined, false],
  ] as const)('reads %s', (_name, host, instance, underApps) => {
    expect(instanceOfHost(host, 'https://gpuaas.example.com')).toBe(instance);
    expect(isAppsHost(host, 'https://gpuaas.example.com')).toBe(underApps);
  });

  it('lets only the platform origin frame an instance', () => {
    expect(platformOrigin('https://gpuaas.example.com:8443/base')).toBe('https://gpuaas.example.com:8443');
  });
});
