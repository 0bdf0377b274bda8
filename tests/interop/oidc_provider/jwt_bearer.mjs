// The JWT-bearer authorization grant, urn:ietf:params:oauth:grant-type:jwt-bearer
// (RFC 7523 section 2.1).
//
// THIS HANDLER IS OURS, written for authwire's interop tests: oidc-provider has no built-in
// jwt-bearer grant, it only offers `provider.registerGrantType()` to plug one in. It is a
// deliberately small, test-only server policy:
//   - the `assertion` is a JWT signed by a configured service account, found by its `iss`,
//     with one of RS256, PS256, ES256, EdDSA/Ed25519 (checked against that account's JWKS);
//   - `aud` must be (or contain) the token endpoint URL or the issuer identifier;
//   - `exp` is required and must be in the future; it must be at most 1 h after `iat` (or
//     after now when there is no `iat`), and `iat` must not be in the future;
//   - a `jti`, when present, must not have been seen before (oidc-provider's replay store);
//   - the scope is the `scope` request parameter, else the assertion's `scope` claim (Google
//     style), and must be within the service account's allowed scopes;
//   - the answer is an access token (a ClientCredentials token, opaque) with token_type
//     Bearer, expires_in and scope. Introspection reports the assertion's `sub` (else `iss`)
//     as the token's `sub`.
//
// Client authentication: oidc-provider authenticates a client on every token request, custom
// grants included. To also accept the Google style request (the assertion alone, no client
// authentication at all) a small middleware names a dedicated public client
// (`token_endpoint_auth_method: none`, allowed only this grant) on such requests: when a form
// POST to the token endpoint has grant_type=jwt-bearer and carries no client identification
// (no Authorization header, client_id, client_secret or client_assertion), it adds
// `client_id=<jwtBearer.clientId>` to the body. Requests that do authenticate a client are
// left alone, so a confidential client allowed this grant uses its own authentication.
// The middleware hands the body to oidc-provider as an "already parsed" body, which
// oidc-provider supports (it logs a one-time warning about it on stderr).
import * as querystring from 'node:querystring';

import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { errors } from 'oidc-provider';

export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];
const MAX_LIFETIME = 60 * 60;
const CLOCK_TOLERANCE = 5;
const BODY_LIMIT = 56 * 1024;
const PRINCIPAL = Symbol('jwt-bearer principal');

function invalidGrant(description, cause) {
  const err = new errors.InvalidGrant(cause ? { cause } : undefined);
  err.error_description = description;
  return err;
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT) {
      throw new errors.InvalidRequest('request body too large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function installAnonymousClientMiddleware(provider, clientId) {
  const tokenPath = new URL(provider.urlFor('token')).pathname;
  provider.use(async (ctx, next) => {
    if (
      ctx.method === 'POST'
      && ctx.path === tokenPath
      && ctx.headers.authorization === undefined
      && ctx.is('application/x-www-form-urlencoded')
    ) {
      let body = await readBody(ctx.req);
      const params = querystring.parse(body);
      if (
        params.grant_type === GRANT_TYPE
        && params.client_id === undefined
        && params.client_secret === undefined
        && params.client_assertion === undefined
      ) {
        body = `${body}${body ? '&' : ''}${querystring.stringify({ client_id: clientId })}`;
      }
      ctx.request.body = body;
    }
    await next();
  });
}

function scopeOf(value) {
  if (Array.isArray(value)) {
    return value.join(' ');
  }
  return typeof value === 'string' ? value : undefined;
}

export function installJwtBearerGrant(provider, config) {
  if (!config) {
    return;
  }

  const accounts = new Map(
    config.serviceAccounts.map((account) => [
      account.issuer,
      {
        keys: createLocalJWKSet(account.jwks),
        scopes: new Set((account.scope ?? '').split(' ').filter(Boolean)),
      },
    ]),
  );

  const tokenEndpoint = provider.urlFor('token');
  const audiences = [tokenEndpoint, provider.issuer];

  async function jwtBearerHandler(ctx) {
    const { assertion } = ctx.oidc.params;
    if (!assertion) {
      throw new errors.InvalidRequest("missing required parameter 'assertion'");
    }

    let unverified;
    try {
      unverified = decodeJwt(assertion);
    } catch (cause) {
      throw invalidGrant('assertion is not a well-formed JWT', cause);
    }
    const account = accounts.get(unverified.iss);
    if (!account) {
      throw invalidGrant('assertion iss is not a known service account');
    }

    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, account.keys, {
        algorithms: ALGORITHMS,
        audience: audiences,
        issuer: unverified.iss,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE,
      }));
    } catch (cause) {
      if (cause instanceof joseErrors.JOSEError) {
        throw invalidGrant(`assertion rejected: ${cause.message}`, cause);
      }
      throw cause;
    }

    const now = Math.floor(Date.now() / 1000);
    if (payload.iat !== undefined) {
      if (typeof payload.iat !== 'number' || payload.iat > now + CLOCK_TOLERANCE) {
        throw invalidGrant('assertion iat is in the future');
      }
      if (payload.exp - payload.iat > MAX_LIFETIME) {
        throw invalidGrant('assertion exp is more than 1 hour after its iat');
      }
    } else if (payload.exp - now > MAX_LIFETIME) {
      throw invalidGrant('assertion exp is more than 1 hour in the future');
    }

    if (payload.jti !== undefined) {
      const unique = await provider.ReplayDetection.unique(
        `${GRANT_TYPE}:${payload.iss}`,
        String(payload.jti),
        payload.exp + CLOCK_TOLERANCE,
      );
      if (!unique) {
        throw invalidGrant('assertion jti has already been used');
      }
    }

    const requested = ctx.oidc.params.scope ?? scopeOf(payload.scope);
    const scopes = [...new Set((requested ?? '').split(' ').filter(Boolean))];
    for (const scope of scopes) {
      if (!account.scopes.has(scope)) {
        throw new errors.InvalidScope('requested scope is not allowed for this service account', scope);
      }
    }

    const token = new provider.ClientCredentials({
      client: ctx.oidc.client,
      scope: scopes.join(' ') || undefined,
    });
    ctx[PRINCIPAL] = payload.sub ?? payload.iss;
    ctx.oidc.entity('ClientCredentials', token);
    const value = await token.save();

    ctx.body = {
      access_token: value,
      token_type: token.tokenType,
      expires_in: token.expiration,
      scope: token.scope || undefined,
    };
  }

  provider.registerGrantType(GRANT_TYPE, jwtBearerHandler, ['assertion', 'scope']);
  installAnonymousClientMiddleware(provider, config.clientId);
}

// For `extraTokenClaims`: the principal of a token being issued by this grant, if any.
export function jwtBearerPrincipal(ctx) {
  return ctx?.[PRINCIPAL];
}
