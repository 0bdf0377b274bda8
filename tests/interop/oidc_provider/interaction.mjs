// Automatic login and consent, so that a plain HTTP client that follows redirects from the
// authorization URL ends at the client's redirect_uri with a code, without a browser.
//
// GET /interaction/:uid answers each prompt in turn and redirects (303) back to the provider:
//   - "login":   logs in the one configured account;
//   - "consent": grants every missing scope, claim and resource scope the request asked for.
// A typical walk: /auth -> /interaction/A (login) -> /auth/A -> /interaction/B (consent)
//   -> /auth/B -> redirect_uri?code=...&state=...&iss=...
import { errors } from 'oidc-provider';

const INTERACTION_PATH = /^\/interaction\/([^/]+)$/;

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

export function installAutoInteraction(provider, account) {
  provider.use(async (ctx, next) => {
    const match = INTERACTION_PATH.exec(ctx.path);
    if (!match || ctx.method !== 'GET') {
      await next();
      return;
    }

    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== match[1]) {
      throw new errors.InvalidRequest('interaction uid does not match the interaction cookie');
    }

    let result;
    switch (details.prompt.name) {
      case 'login':
        result = { login: { accountId: account.sub } };
        break;
      case 'consent':
        result = await consent(provider, details);
        break;
      default:
        throw new errors.InvalidRequest(`unsupported prompt: ${details.prompt.name}`);
    }

    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: true,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  });
}
