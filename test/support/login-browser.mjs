#!/usr/bin/env node
// Plays the user's browser for `gpuaas auth login` in tests (set as BROWSER, or run with the
// device flow's verification URL): follows redirects with a cookie jar and submits each page's
// form with its own inputs, filling `email` and `password` from GPUAAS_TEST_EMAIL and
// GPUAAS_TEST_PASSWORD. Ends when the CLI's loopback callback answered, or on a page without a
// form (the device flow's success page); exits non-zero on anything else.
const jar = new Map();
const fill = { email: process.env.GPUAAS_TEST_EMAIL ?? '', password: process.env.GPUAAS_TEST_PASSWORD ?? '' };

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

const unescape = (s) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");
const attr = (tag, name) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag);
  return m === null ? undefined : unescape(m[1]);
};

let url = process.argv[2];
let init = {};
for (let step = 0; step < 30; step++) {
  const response = await go(url, init);
  init = {};
  const location = response.headers.get('location');
  if (location !== null) {
    url = new URL(location, url).href;
    continue;
  }
  const body = await response.text();
  if (new URL(url).pathname === '/callback') process.exit(response.ok ? 0 : 1);
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/i.exec(body);
  if (form === null) {
    if (response.ok) process.exit(0);
    process.stderr.write(`login-browser: ${response.status} at ${url}\n${body}\n`);
    process.exit(1);
  }
  const fields = new URLSearchParams();
  for (const [tag] of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(tag, 'name');
    if (name !== undefined) fields.set(name, fill[name] ?? attr(tag, 'value') ?? '');
  }
  url = new URL(attr(form[0].slice(0, form[0].indexOf('>') + 1), 'action') ?? url, url).href;
  init = {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  };
}
process.stderr.write('login-browser: too many steps\n');
process.exit(1);
