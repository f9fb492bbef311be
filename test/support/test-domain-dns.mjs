// A hosts-file entry for a test's platform domain, loaded into a Node process with
// `NODE_OPTIONS=--import=<this file>`: GPUAAS_TEST_DOMAIN and every name under it resolve to
// loopback, as a deployment's DNS (its record and the wildcard `*.apps.` one) resolves them to the
// platform. Every connection Node makes by name (net, http, fetch) asks `dns.lookup`; other names
// are resolved as usual. Chromium gets the same from `--host-resolver-rules`.
import dns from 'node:dns';

const domain = process.env.GPUAAS_TEST_DOMAIN?.toLowerCase();
const LOOPBACK = { address: '127.0.0.1', family: 4 };

function ours(hostname) {
  const name = String(hostname).toLowerCase();
  return domain !== undefined && domain !== '' && (name === domain || name.endsWith(`.${domain}`));
}

if (domain !== undefined && domain !== '') {
  const lookup = dns.lookup;
  dns.lookup = function testDomainLookup(hostname, options, callback) {
    const done = typeof options === 'function' ? options : callback;
    if (!ours(hostname)) return lookup.call(this, hostname, options, callback);
    const all = typeof options === 'object' && options !== null && options.all === true;
    process.nextTick(() => (all ? done(null, [LOOPBACK]) : done(null, LOOPBACK.address, LOOPBACK.family)));
    return {};
  };
  const lookupAsync = dns.promises.lookup;
  dns.promises.lookup = function testDomainLookup(hostname, options) {
    if (!ours(hostname)) return lookupAsync.call(this, hostname, options);
    const all = typeof options === 'object' && options !== null && options.all === true;
    return Promise.resolve(all ? [LOOPBACK] : LOOPBACK);
  };
}
