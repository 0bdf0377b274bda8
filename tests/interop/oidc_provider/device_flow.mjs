// The device authorization grant (RFC 8628): the pages the user sees, and our polling policy.
//
// Pages. oidc-provider renders the user-code pages itself and lets the configuration supply
// their HTML around its forms. Ours are plain and carry the submit buttons INSIDE the form
// (oidc-provider's defaults put them outside, tied with `form="..."`), so a plain HTTP client
// that posts the first form of a page, plus the button it chooses, acts like a browser. Every
// page says where the user is in `<body data-outcome="...">`:
//   - "enter-code":  the user-code form (xsrf hidden input, `user_code` text input, Continue);
//   - "error":       the same form after a failure, with `data-error` = the failure
//                    (AbortedError, NotFoundError, ExpiredError, AlreadyUsedError,
//                    NoCodeError, or an OAuth error code) and the message in the page;
//   - "confirm":     the confirmation form (xsrf, user_code, confirm=yes) with two buttons,
//                    Continue (`name="confirm" value="yes"`) and Abort (`name="abort"
//                    value="yes"`; the device then gets access_denied);
//   - "success":     the end of the flow (the device's next poll gets the tokens).
// Opening `verification_uri_complete` answers oidc-provider's own self-submitting form (title
// "Submitting Callback") that posts the code with the xsrf token.
//
// Polling policy, OURS (oidc-provider 9 sends no `interval` and never answers `slow_down`;
// RFC 8628 then has clients wait 5 s between polls). With `deviceFlow.interval` set in the
// config:
//   - the device authorization response carries `interval` (seconds);
//   - a poll of the same device_code that comes less than `interval` seconds after its
//     previous poll, while the request is still pending, is answered `slow_down` (400)
//     instead of `authorization_pending`. Only the base interval is enforced (not the 5 s
//     increase RFC 8628 section 3.5 asks the client to add), and a poll that would get the
//     tokens or a final error is never held back.
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const TOLERANCE_MS = 50; // a client that sleeps exactly `interval` must not be told to slow down
const MAX_TRACKED = 10_000;

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function htmlSafe(value) {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

function page(title, outcome, body, attributes = '') {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body data-outcome="${outcome}"${attributes}>
${body}
</body></html>`;
}

function withButtons(form, buttons) {
  return form.replace('</form>', `${buttons}\n</form>`);
}

async function userCodeInputSource(ctx, form, out, err) {
  const button = '<button type="submit">Continue</button>';
  if (!err) {
    ctx.body = page('Enter device code', 'enter-code', `<p>Enter the code displayed on your device</p>
${withButtons(form, button)}`);
    return;
  }
  // oidc-provider's "re-render" errors (wrong, expired or used code, abort) answer 200.
  const error = err.statusCode === 200 ? err.name : out?.error ?? 'server_error';
  const message = htmlSafe(out?.error_description ?? err.message ?? String(err));
  ctx.body = page('Device code error', 'error', `<p class="error">${message}</p>
${withButtons(form, button)}`, ` data-error="${htmlSafe(error)}"`);
}

async function userCodeConfirmSource(ctx, form, client, _deviceInfo, userCode) {
  const buttons = `<button type="submit" name="confirm" value="yes">Continue</button>
<button type="submit" name="abort" value="yes">Abort</button>`;
  ctx.body = page('Confirm device', 'confirm', `<p>${htmlSafe(client.clientName ?? client.clientId)} asks
for access; the code on your device should read <code>${htmlSafe(userCode)}</code>.</p>
${withButtons(form, buttons)}`);
}

async function successSource(ctx) {
  ctx.body = page('Device sign-in success', 'success', `<p>${htmlSafe(ctx.oidc.client.clientId)} is
signed in; you can close this page.</p>`);
}

export const deviceFlowPages = { userCodeInputSource, userCodeConfirmSource, successSource };

export function installDevicePollingPolicy(provider, config) {
  const interval = config?.interval;
  if (!Number.isInteger(interval) || interval < 1) {
    return;
  }
  const deviceAuthorizationPath = new URL(provider.urlFor('device_authorization')).pathname;
  const tokenPath = new URL(provider.urlFor('token')).pathname;
  const lastPoll = new Map(); // device_code -> ms of its previous poll

  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST') {
      return;
    }
    if (ctx.path === deviceAuthorizationPath && ctx.status === 200 && ctx.body?.device_code) {
      ctx.body = { ...ctx.body, interval };
      return;
    }
    if (ctx.path !== tokenPath || ctx.status !== 400 || ctx.body?.error !== 'authorization_pending') {
      return;
    }
    const { grant_type: grantType, device_code: deviceCode } = ctx.oidc?.params ?? {};
    if (grantType !== DEVICE_CODE_GRANT || typeof deviceCode !== 'string') {
      return;
    }
    const now = Date.now();
    const previous = lastPoll.get(deviceCode);
    lastPoll.delete(deviceCode); // re-insert: the map stays in least-recently-polled order
    lastPoll.set(deviceCode, now);
    if (lastPoll.size > MAX_TRACKED) {
      lastPoll.delete(lastPoll.keys().next().value);
    }
    if (previous !== undefined && now - previous < interval * 1000 - TOLERANCE_MS) {
      ctx.body = {
        error: 'slow_down',
        error_description: `polled again within the ${interval} s interval; back off by 5 s`,
      };
    }
  });
}
