#!/usr/bin/env node
// Plays the user's browser for `gpuaas auth login` in tests (it is set as BROWSER): follows the
// issuer's redirects with a cookie jar, fills the login form with GPUAAS_TEST_EMAIL and
// GPUAAS_TEST_PASSWORD, and stops once the CLI's loopback callback has answered.
const jar = new Map();
const email = process.env.GPUAAS_TEST_EMAIL ?? '';
const password = process.env.GPUAAS_TEST_PASSWORD ?? '';

function remember(response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

async function go(url, init = {}) {
  const headers = new Headers(init.headers);
  if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  remember(response);
  return response;
}

let url = process.argv[2];
let init = {};
for (let step = 0; step < 20; step++) {
  const response = await go(url, init);
  init = {};
  const location = response.headers.get('location');
  if (location !== null) {
    url = new URL(location, url).href;
    continue;
  }
  const body = await response.text();
  if (new URL(url).pathname === '/callback') process.exit(response.ok ? 0 : 1);
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(body);
  if (form === null) {
    process.stderr.write(`login-browser: no form at ${url} (${response.status})\n${body}\n`);
    process.exit(1);
  }
  url = new URL(form[1].replaceAll('&amp;', '&'), url).href;
  init = {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  };
}
process.stderr.write('login-browser: too many steps\n');
process.exit(1);
