/**
 * The server-rendered pages of the sign-in flow: login form, device-code entry and confirmation,
 * success and error pages. Plain HTML forms with no scripts, so they work in any browser and in a
 * test's HTTP client; every interpolated value is escaped.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** No scripts, no external resources; forms post only to ourselves (and redirect onwards). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · GPUaaS</title>
<style>
body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.75rem 0 .25rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}code{font-size:1.5rem}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}

export interface LoginPageInput {
  action: string;
  clientName: string;
  email?: string | undefined;
  error?: string | undefined;
}

/** The email + password form of an interaction. */
export function loginPage(input: LoginPageInput): string {
  const error =
    input.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(input.error)}</p>`;
  return page(
    'Sign in',
    `<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(input.action)}" autocomplete="on">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(input.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** Device flow: the user-code form (`form` is oidc-provider's form with the code input, already escaped). */
export function userCodePage(form: string, error: string | undefined): string {
  const message =
    error === undefined
      ? '<p>Enter the code shown on your device.</p>'
      : `<p class="error" role="alert">${escapeHtml(error)}</p>`;
  return page(
    'Connect a device',
    `${message}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

/** Device flow: confirm that the code on the page is the one on the device. */
export function confirmCodePage(form: string, clientName: string, userCode: string): string {
  return page(
    'Confirm the device',
    `<p><strong>${escapeHtml(clientName)}</strong> asks to sign in. Check that your device shows:</p>
<p><code>${escapeHtml(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm">Allow</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`,
  );
}

/** Sign-out: confirm ending the platform session (`form` is oidc-provider's, already escaped). */
export function logoutPage(form: string): string {
  return page(
    'Sign out',
    `<p>Sign out of GPUaaS on this browser?</p>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p>`);
}
