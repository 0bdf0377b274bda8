// Builds the oidc-provider instance from the JSON config that the pytest fixture writes.
//
// The config file (see tests/interop/_oidc.py, `ProviderSetup.config()`) looks like:
//   {
//     "account": {"sub": "alice", "claims": {...}},          // the one end-user
//     "clients": [<client metadata>, ...],                    // static clients, verbatim
//     "accessTokenTtl": {"<client_id>": <seconds>, ...},      // per-client overrides
//     "scopes": ["api:read", "api:write"],                   // non-OIDC scopes
//     "jwtBearer": {"clientId": "...", "serviceAccounts": [...]},
//     "dpop": {"nonceSecret": "<32 bytes, base64url>",        // DPoP-Nonce challenges (RFC 9449)
//              "nonceRequiredFor": ["<client_id>", ...]},     // clients that must use nonces
//     "resourceServers": {"<resource indicator>": {"scope": "api:read api:write"}, ...},
//     "deviceFlow": {"interval": 1},                          // our polling policy, or null
//     "adminToken": "...",                                    // guards the test-only admin route
//     "interactive": {"password": "..."}                      // HTML login/consent pages
//                                                             // (absent: automatic ones)
//   }
// Every key pair is generated fresh by the tests; only public keys reach this file.
// The provider's own signing keys are generated here (see `signingKeys`) and never leave the
// process; server.mjs can rotate them while running (a new Provider with the same clients).
import * as crypto from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

import { deviceFlowPages, installDevicePollingPolicy } from './device_flow.mjs';
import { installInteraction } from './interaction.mjs';
import { installJwtBearerGrant, jwtBearerPrincipal } from './jwt_bearer.mjs';
import { installTokenExchangeGrant, tokenExchangeClaims } from './token_exchange.mjs';

const DEFAULT_ACCESS_TOKEN_TTL = 60 * 60;
const DEFAULT_CLIENT_CREDENTIALS_TTL = 10 * 60;

// Errors worth a line on stderr; the fixture shows stderr when something goes wrong.
const ERROR_EVENTS = [
  'authorization.error',
  'backchannel_authentication.error',
  'code_verification.error',
  'device_authorization.error',
  'discovery.error',
  'end_session.error',
  'end_session_confirm.error',
  'grant.error',
  'introspection.error',
  'jwks.error',
  'pushed_authorization_request.error',
  'revocation.error',
  'userinfo.error',
];

// A fresh set of the provider's signing keys, one per alg, with kids `op-<alg>-<generation>`.
// The first key of an alg in the provider's JWKS is the one it signs with.
export function signingKeys(generation = 1) {
  const keys = [];
  const add = (type, options, alg) => {
    const { privateKey } = crypto.generateKeyPairSync(type, options);
    const kid = `op-${alg.toLowerCase()}-${generation}`;
    keys.push({ ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid });
  };
  add('rsa', { modulusLength: 2048 }, 'RS256'); // default for RS256 ID tokens and UserInfo
  add('rsa', { modulusLength: 2048 }, 'PS256');
  add('ec', { namedCurve: 'P-256' }, 'ES256');
  add('ed25519', {}, 'EdDSA');
  return keys;
}

// RP-initiated logout without a browser: the confirmation page carries `logout=yes` in its
// form and submits itself, so a plain HTTP client posts the form it finds on the page (the
// same shape oidc-provider uses when there is no session to end).
async function logoutSource(ctx, form) {
  const confirmed = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  ctx.body = `<!DOCTYPE html>
<html><head><title>Logout</title></head>
<body>${confirmed}
<script>document.forms[0].submit()</script></body></html>`;
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = '<!DOCTYPE html><html><head><title>Signed out</title></head><body>signed out</body></html>';
}

function accountFinder(account) {
  return async function findAccount(_ctx, sub) {
    if (sub !== account.sub) {
      return undefined;
    }
    return {
      accountId: account.sub,
      // oidc-provider filters these by the granted scopes/claims.
      async claims() {
        return { ...account.claims, sub: account.sub };
      },
    };
  };
}

// Resource indicators (RFC 8707): every client may ask for any configured resource; the access
// token it gets for one is a JWT (signed RS256 by the provider) whose `aud` is the resource.
function resourceServerInfo(resourceServers) {
  return async function getResourceServerInfo(_ctx, indicator) {
    const server = resourceServers.get(indicator);
    if (!server) {
      throw new errors.InvalidTarget(`unknown resource indicator ${JSON.stringify(indicator)}`);
    }
    return {
      scope: server.scope,
      audience: indicator,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  };
}

// DPoP nonces (RFC 9449 section 8) are required only of the clients listed in the config.
// At the token and PAR endpoints oidc-provider knows the client when it checks the proof; at
// UserInfo it checks the proof before it looks the access token up, so a middleware looks up
// the client of a `DPoP` access token first.
const TOKEN_CLIENT = Symbol('client of the presented DPoP access token');

function requireNonceOf(nonceClients) {
  return (ctx) => nonceClients.has(ctx.oidc.client?.clientId ?? ctx[TOKEN_CLIENT]);
}

function installUserinfoTokenLookup(provider) {
  const userinfoPath = new URL(provider.urlFor('userinfo')).pathname;
  provider.use(async (ctx, next) => {
    const [scheme, value] = (ctx.get('authorization') || '').split(' ');
    if (ctx.path === userinfoPath && scheme?.toLowerCase() === 'dpop' && value) {
      const token = await provider.AccessToken.find(value).catch(() => undefined);
      ctx[TOKEN_CLIENT] = token?.clientId;
    }
    await next();
  });
}

// `state` is what survives a key rotation: the signing keys (newest first), the cookie keys
// and the storage adapter, so that sessions, grants and tokens outlive the rebuilt Provider.
export function buildProvider(issuer, config, state) {
  const accessTokenTtl = new Map(Object.entries(config.accessTokenTtl ?? {}));
  const ttlFor = (fallback) => (_ctx, _token, client) => accessTokenTtl.get(client?.clientId) ?? fallback;

  const resourceServers = new Map(Object.entries(config.resourceServers ?? {}));
  const nonceClients = new Set(config.dpop?.nonceRequiredFor ?? []);

  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: state.keys },
    adapter: state.adapter,
    findAccount: accountFinder(config.account),
    cookies: { keys: state.cookieKeys },

    scopes: ['openid', 'offline_access', ...(config.scopes ?? [])],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },

    // Refresh tokens for every client allowed the refresh_token grant (no offline_access or
    // prompt=consent needed), always rotated on use, and not tied to the browser session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: async () => false,

    // Tokens from the jwt-bearer grant carry the assertion's principal, tokens from the token
    // exchange grant their subject (and actor); introspection shows them.
    extraTokenClaims: async (ctx) => {
      const sub = jwtBearerPrincipal(ctx);
      return sub === undefined ? tokenExchangeClaims(ctx) : { sub };
    },

    ttl: {
      AccessToken: ttlFor(DEFAULT_ACCESS_TOKEN_TTL),
      ClientCredentials: ttlFor(DEFAULT_CLIENT_CREDENTIALS_TTL),
      AuthorizationCode: 60,
      DeviceCode: 10 * 60,
      IdToken: 60 * 60,
      RefreshToken: 24 * 60 * 60,
      Interaction: 10 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },

    // PKCE: oidc-provider 9 only implements S256 and requires it for `none` clients.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },

    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },

    // PAR and DPoP are on by default in oidc-provider 9; they stay on. Device flow, JAR and
    // resource indicators are on for issue 8; what each client must do is set by its metadata
    // (require_pushed_authorization_requests, require_signed_request_object,
    // dpop_bound_access_tokens), DPoP nonces by `dpop.nonceRequiredFor` in the config.
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true }, // for clients registered with userinfo_signed_response_alg
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: {
        enabled: true,
        nonceSecret: config.dpop?.nonceSecret
          ? Buffer.from(config.dpop.nonceSecret, 'base64url')
          : undefined,
        requireNonce: requireNonceOf(nonceClients),
      },
      deviceFlow: { enabled: true, ...deviceFlowPages },
      requestObjects: { enabled: true, requireSignedRequestObject: false },
      resourceIndicators: {
        enabled: true,
        getResourceServerInfo: resourceServerInfo(resourceServers),
      },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
  });

  provider.on('server_error', (_ctx, err) => {
    console.error(`server_error: ${err?.stack ?? err}`);
  });
  for (const event of ERROR_EVENTS) {
    provider.on(event, (ctx, err) => {
      if (err?.error === 'authorization_pending') {
        return; // every device poll before the user is done: not worth a line
      }
      const description = err?.error_description ?? '';
      const detail = err?.error_detail && !description.includes(err.error_detail)
        ? ` (${err.error_detail})`
        : '';
      console.error(
        `${event}: ${ctx?.method ?? ''} ${ctx?.path ?? ''} ${err?.error ?? err?.message}: ${description}${detail}`,
      );
    });
  }

  installUserinfoTokenLookup(provider);
  installInteraction(provider, config.account, config.interactive);
  installJwtBearerGrant(provider, config.jwtBearer);
  installTokenExchangeGrant(provider, new Set(resourceServers.keys()));
  installDevicePollingPolicy(provider, config.deviceFlow);
  return provider;
}
