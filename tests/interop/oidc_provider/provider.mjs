// Builds the oidc-provider instance from the JSON config that the pytest fixture writes.
//
// The config file (see tests/interop/_oidc.py, `ProviderSetup.config()`) looks like:
//   {
//     "account": {"sub": "alice", "claims": {...}},          // the one end-user
//     "clients": [<client metadata>, ...],                    // static clients, verbatim
//     "accessTokenTtl": {"<client_id>": <seconds>, ...},      // per-client overrides
//     "scopes": ["api:read", "api:write"],                   // non-OIDC scopes
//     "jwtBearer": {"clientId": "...", "serviceAccounts": [...]},
//     "adminToken": "..."                                     // guards the test-only admin route
//   }
// Every key pair is generated fresh by the tests; only public keys reach this file.
// The provider's own signing keys are generated here (see `signingKeys`) and never leave the
// process; server.mjs can rotate them while running (a new Provider with the same clients).
import * as crypto from 'node:crypto';

import Provider from 'oidc-provider';

import { installAutoInteraction } from './interaction.mjs';
import { installJwtBearerGrant, jwtBearerPrincipal } from './jwt_bearer.mjs';

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

// `state` is what survives a key rotation: the signing keys (newest first), the cookie keys
// and the storage adapter, so that sessions, grants and tokens outlive the rebuilt Provider.
export function buildProvider(issuer, config, state) {
  const accessTokenTtl = new Map(Object.entries(config.accessTokenTtl ?? {}));
  const ttlFor = (fallback) => (_ctx, _token, client) => accessTokenTtl.get(client?.clientId) ?? fallback;

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

    // Tokens from the jwt-bearer grant carry the assertion's principal (shown by introspection).
    extraTokenClaims: async (ctx) => {
      const sub = jwtBearerPrincipal(ctx);
      return sub === undefined ? undefined : { sub };
    },

    ttl: {
      AccessToken: ttlFor(DEFAULT_ACCESS_TOKEN_TTL),
      ClientCredentials: ttlFor(DEFAULT_CLIENT_CREDENTIALS_TTL),
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      RefreshToken: 24 * 60 * 60,
      Interaction: 10 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },

    // PKCE: oidc-provider 9 only implements S256 and requires it for `none` clients.
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },

    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },

    // One entry per feature that later issues may switch on (device flow, JAR, resource
    // indicators, ...). PAR and DPoP are on by default in oidc-provider 9; they stay on.
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true }, // for clients registered with userinfo_signed_response_alg
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      deviceFlow: { enabled: false },
      requestObjects: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
  });

  provider.on('server_error', (_ctx, err) => {
    console.error(`server_error: ${err?.stack ?? err}`);
  });
  for (const event of ERROR_EVENTS) {
    provider.on(event, (ctx, err) => {
      const description = err?.error_description ?? '';
      const detail = err?.error_detail && !description.includes(err.error_detail)
        ? ` (${err.error_detail})`
        : '';
      console.error(
        `${event}: ${ctx?.method ?? ''} ${ctx?.path ?? ''} ${err?.error ?? err?.message}: ${description}${detail}`,
      );
    });
  }

  installAutoInteraction(provider, config.account);
  installJwtBearerGrant(provider, config.jwtBearer);
  return provider;
}
