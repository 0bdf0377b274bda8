// The token exchange grant, urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693).
//
// THIS HANDLER IS OURS, written for authwire's interop tests: oidc-provider has no built-in
// token exchange grant, it only offers `provider.registerGrantType()` to plug one in. It is a
// deliberately small, test-only server policy modelled on RFC 8693 sections 2.1 and 2.2:
//   - the client authenticates as usual and must be allowed this grant;
//   - `subject_token` and `subject_token_type` are required; `actor_token_type` is required
//     when `actor_token` is given and forbidden without it (invalid_request otherwise);
//   - the only token type accepted (subject, actor, `requested_token_type`) is
//     urn:ietf:params:oauth:token-type:access_token (invalid_request otherwise);
//   - subject and actor tokens must be opaque access tokens issued by this provider and still
//     valid (not expired, not revoked): AccessToken (authorization code, refresh, device code)
//     or ClientCredentials (client credentials, jwt-bearer, this grant) models. JWT-format
//     access tokens (issued for a resource indicator) are not accepted. Otherwise
//     invalid_grant with an error_description naming the token;
//   - the principal of a token is its end-user (`accountId`) for AccessToken, else the `sub`
//     it carries (jwt-bearer and exchanged tokens), else its client id;
//   - `scope`, when given, must be within the subject token's scope (invalid_scope); it
//     defaults to the subject token's scope;
//   - `audience` (any string) and `resource` (one of the configured resource indicators,
//     else invalid_target) name the target; at most one target value in all (invalid_target),
//     which becomes the issued token's `aud`;
//   - the answer is an opaque access token (a ClientCredentials token of the exchanging
//     client) with issued_token_type ...:access_token, token_type Bearer, expires_in (never
//     past the subject token's expiry) and scope. Introspection shows `sub` = the subject's
//     principal, `act` = {"sub": actor's principal} when an actor token was given (nesting the
//     subject token's own `act`, RFC 8693 section 4.1) and `aud` = the target when given.
import { errors } from 'oidc-provider';

export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

const PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'audience',
  'resource',
  'requested_token_type',
  'scope',
];
const MULTI_VALUED = ['audience', 'resource'];
const CLAIMS = Symbol('token-exchange claims');

function withDescription(error, description) {
  error.error_description = description;
  return error;
}

const invalidRequest = (description) => withDescription(new errors.InvalidRequest(), description);
const invalidGrant = (description) => withDescription(new errors.InvalidGrant(), description);
const invalidTarget = (description) => withDescription(new errors.InvalidTarget(), description);

function values(param) {
  if (param === undefined) {
    return [];
  }
  return Array.isArray(param) ? param : [param];
}

async function findAccessToken(provider, value) {
  for (const model of [provider.AccessToken, provider.ClientCredentials]) {
    try {
      const token = await model.find(value);
      if (token?.isValid) {
        return token;
      }
    } catch {
      // not a value this model can hold: try the next one
    }
  }
  return undefined;
}

function principalOf(token) {
  return token.accountId ?? token.extra?.sub ?? token.clientId;
}

// `resources` is the set of resource indicators the provider accepts.
export function installTokenExchangeGrant(provider, resources) {
  async function tokenExchangeHandler(ctx) {
    const { params, client } = ctx.oidc;
    const now = Math.floor(Date.now() / 1000);

    for (const name of ['subject_token', 'subject_token_type']) {
      if (!params[name]) {
        throw invalidRequest(`missing required parameter '${name}'`);
      }
    }
    if (params.actor_token && !params.actor_token_type) {
      throw invalidRequest("'actor_token_type' is required when 'actor_token' is given");
    }
    if (!params.actor_token && params.actor_token_type) {
      throw invalidRequest("'actor_token_type' must not be given without 'actor_token'");
    }
    for (const name of ['subject_token_type', 'actor_token_type', 'requested_token_type']) {
      if (params[name] !== undefined && params[name] !== ACCESS_TOKEN_TYPE) {
        throw invalidRequest(`unsupported ${name}: only ${ACCESS_TOKEN_TYPE} is supported`);
      }
    }

    const subject = await findAccessToken(provider, params.subject_token);
    if (!subject) {
      throw invalidGrant('subject_token is not an active access token issued by this server');
    }
    let actor;
    if (params.actor_token) {
      actor = await findAccessToken(provider, params.actor_token);
      if (!actor) {
        throw invalidGrant('actor_token is not an active access token issued by this server');
      }
    }

    const audiences = values(params.audience);
    const targets = values(params.resource);
    for (const resource of targets) {
      if (!resources.has(resource)) {
        throw invalidTarget(`unknown resource ${JSON.stringify(resource)}`);
      }
    }
    if (audiences.length + targets.length > 1) {
      throw invalidTarget('this server issues a token for a single audience or resource');
    }
    const [aud] = [...audiences, ...targets];

    const allowed = subject.scopes;
    const requested = params.scope ? params.scope.split(' ').filter(Boolean) : [...allowed];
    for (const scope of requested) {
      if (!allowed.has(scope)) {
        throw new errors.InvalidScope('requested scope exceeds the subject token\'s scope', scope);
      }
    }

    const claims = { sub: principalOf(subject) };
    if (actor) {
      claims.act = { sub: principalOf(actor) };
      if (subject.extra?.act) {
        claims.act.act = subject.extra.act;
      }
    } else if (subject.extra?.act) {
      claims.act = subject.extra.act;
    }

    const token = new provider.ClientCredentials({
      client,
      scope: requested.join(' ') || undefined,
    });
    if (aud !== undefined) {
      token.setAudience(aud);
    }
    token.expiresIn = Math.max(1, Math.min(token.expiration, subject.exp - now));
    ctx[CLAIMS] = claims;
    ctx.oidc.entity('ClientCredentials', token);
    const value = await token.save();

    ctx.body = {
      access_token: value,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope: token.scope || undefined,
    };
  }

  provider.registerGrantType(GRANT_TYPE, tokenExchangeHandler, PARAMETERS, MULTI_VALUED);
}

// For `extraTokenClaims`: `sub` and `act` of a token being issued by this grant, if any.
export function tokenExchangeClaims(ctx) {
  return ctx?.[CLAIMS];
}
