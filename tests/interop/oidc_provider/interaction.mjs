// The login and consent interactions, in one of two modes chosen by the config file:
//
// Automatic (the default: no "interactive" member), so that a plain HTTP client that follows
// redirects from the authorization URL ends at the client's redirect_uri with a code, without
// a browser. GET /interaction/:uid answers each prompt in turn and redirects (303) back:
//   - "login":   logs in the one configured account;
//   - "consent": grants every missing scope, claim and resource scope the request asked for.
// A typical walk: /auth -> /interaction/A (login) -> /auth/A -> /interaction/B (consent)
//   -> /auth/B -> redirect_uri?code=...&state=...&iss=...
//
// Interactive ("interactive": {"password": "..."}; the browser tests in tests/integrations
// switch it on), so that a real browser signs in by filling HTML forms:
//   - GET  /interaction/:uid          the login form (username, password) or the consent form
//                                     (the scopes asked for; Allow / Deny);
//   - POST /interaction/:uid/login    checks the account's sub and the password; a wrong pair
//                                     shows the form again with "Wrong username or password";
//   - POST /interaction/:uid/confirm  grants what the consent form showed;
//   - POST /interaction/:uid/abort    denies: the client gets access_denied.
// Each page says where the user is in <body data-page="login|consent">, and the forms' fields
// have stable names (username, password; the buttons "allow" and "deny"), for the tests.
import { errors } from 'oidc-provider';

const INTERACTION_PATH = /^\/interaction\/([^/]+)$/;
const INTERACTION_ACTION = /^\/interaction\/([^/]+)\/(login|confirm|abort)$/;
const MAX_FORM_BYTES = 16 * 1024;

async function consent(provider, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
  if (missingOIDCScope) {
    grant.addOIDCScope(missingOIDCScope.join(' '));
  }
  if (missingOIDCClaims) {
    grant.addOIDCClaims(missingOIDCClaims);
  }
  if (missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return { consent: { grantId: await grant.save() } };
}

async function finish(provider, ctx, result) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: true,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

async function details(provider, ctx, uid) {
  const found = await provider.interactionDetails(ctx.req, ctx.res);
  if (found.uid !== uid) {
    throw new errors.InvalidRequest('interaction uid does not match the interaction cookie');
  }
  return found;
}

function installAutomatic(provider, account) {
  provider.use(async (ctx, next) => {
    const match = INTERACTION_PATH.exec(ctx.path);
    if (!match || ctx.method !== 'GET') {
      await next();
      return;
    }
    const found = await details(provider, ctx, match[1]);
    switch (found.prompt.name) {
      case 'login':
        await finish(provider, ctx, { login: { accountId: account.sub } });
        break;
      case 'consent':
        await finish(provider, ctx, await consent(provider, found));
        break;
      default:
        throw new errors.InvalidRequest(`unsupported prompt: ${found.prompt.name}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// interactive pages

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(ctx, name, title, body) {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body data-page="${name}"><h1>${escape(title)}</h1>
${body}
</body></html>`;
}

function loginPage(ctx, uid, client, problem) {
  const error = problem ? `<p role="alert" id="error">${escape(problem)}</p>` : '';
  page(ctx, 'login', `Sign in to continue to ${client}`, `${error}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label>Username <input name="username" id="username" required></label>
  <label>Password <input name="password" id="password" type="password" required></label>
  <button type="submit" name="login" id="login" value="1">Sign in</button>
</form>`);
}

function consentPage(ctx, uid, client, found) {
  const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = found.prompt.details;
  const asked = [
    ...missingOIDCScope,
    ...missingOIDCClaims.map((claim) => `claim ${claim}`),
    ...Object.entries(missingResourceScopes).map(([r, s]) => `${s.join(' ')} at ${r}`),
  ];
  const items = asked.map((item) => `<li>${escape(item)}</li>`).join('');
  page(ctx, 'consent', `${client} asks for access`, `<ul id="scopes">${items}</ul>
<form method="post" action="/interaction/${escape(uid)}/confirm">
  <button type="submit" name="allow" id="allow" value="1">Allow</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort">
  <button type="submit" name="deny" id="deny" value="1">Deny</button>
</form>`);
}

async function readForm(ctx) {
  const type = (ctx.get('content-type') || '').split(';')[0].trim();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new errors.InvalidRequest('the interaction forms post application/x-www-form-urlencoded');
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) {
      throw new errors.InvalidRequest('form too large');
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function samePassword(given, expected) {
  // a test-only provider; still, no early exit on the first differing character
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i += 1) {
    diff |= (a[i] ?? 0) ^ b[i];
  }
  return diff === 0;
}

function installInteractive(provider, account, { password }) {
  if (typeof password !== 'string' || password.length < 8) {
    throw new Error('config.interactive.password must be a string of 8 characters or more');
  }
  provider.use(async (ctx, next) => {
    const show = INTERACTION_PATH.exec(ctx.path);
    const act = INTERACTION_ACTION.exec(ctx.path);
    if (show && ctx.method === 'GET') {
      const found = await details(provider, ctx, show[1]);
      const client = found.params.client_id;
      if (found.prompt.name === 'login') {
        loginPage(ctx, found.uid, client);
      } else if (found.prompt.name === 'consent') {
        consentPage(ctx, found.uid, client, found);
      } else {
        throw new errors.InvalidRequest(`unsupported prompt: ${found.prompt.name}`);
      }
      return;
    }
    if (!act || ctx.method !== 'POST') {
      await next();
      return;
    }
    const found = await details(provider, ctx, act[1]);
    const form = await readForm(ctx);
    switch (act[2]) {
      case 'login': {
        if (found.prompt.name !== 'login') {
          throw new errors.InvalidRequest('this interaction is not asking for a login');
        }
        if (form.get('username') !== account.sub || !samePassword(form.get('password'), password)) {
          loginPage(ctx, found.uid, found.params.client_id, 'Wrong username or password');
          return;
        }
        await finish(provider, ctx, { login: { accountId: account.sub } });
        return;
      }
      case 'confirm':
        if (found.prompt.name !== 'consent') {
          throw new errors.InvalidRequest('this interaction is not asking for consent');
        }
        await finish(provider, ctx, await consent(provider, found));
        return;
      default:
        await finish(provider, ctx, {
          error: 'access_denied',
          error_description: 'the user denied the request',
        });
    }
  });
}

// `interactive` is the config file's "interactive" member: absent or null for the automatic
// interactions, {"password": "..."} for the HTML pages.
export function installInteraction(provider, account, interactive) {
  if (interactive) {
    installInteractive(provider, account, interactive);
  } else {
    installAutomatic(provider, account);
  }
}
