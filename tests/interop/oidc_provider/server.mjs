// Test-only OpenID provider for authwire's interop tests.
//
//   node server.mjs --port PORT --config /path/to/config.json
//
// Listens on 127.0.0.1:PORT with issuer http://127.0.0.1:PORT, prints
// "listening http://127.0.0.1:PORT" on stdout once ready, logs errors on stderr and exits
// cleanly on SIGTERM/SIGINT. All state (tokens, sessions, grants) lives in memory.
//
// Test-only admin route, for signing-key rotation:
//   POST /__admin__/rotate-keys   with   Authorization: Bearer <config.adminToken>
// makes a new signing key per alg (kids op-<alg>-<generation>), publishes them first in the
// JWKS (the provider signs with them from now on) and keeps the previous keys after them, so
// tokens signed before stay verifiable. It answers {"generation": n, "kids": {alg: kid}}.
// oidc-provider fixes its keys at construction, so the rotation builds a new Provider with
// the same configuration, cookie keys and storage adapter, and swaps it in: sessions, grants
// and tokens survive it.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

// oidc-provider's own in-memory adapter, created once and shared by every Provider built here
// (the package has no export for it; the version is pinned in package.json).
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

import { buildProvider, signingKeys } from './provider.mjs';

const HOST = '127.0.0.1';
const ROTATE_PATH = '/__admin__/rotate-keys';

function fail(message, status = 2) {
  console.error(message);
  process.exit(status);
}

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    config: { type: 'string' },
  },
  strict: true,
});

const port = Number.parseInt(args.port ?? '', 10);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  fail('usage: node server.mjs --port PORT --config CONFIG_JSON');
}
if (!args.config) {
  fail('usage: node server.mjs --port PORT --config CONFIG_JSON');
}

const config = JSON.parse(fs.readFileSync(args.config, 'utf8'));
const issuer = `http://${HOST}:${port}`;
const state = {
  generation: 1,
  keys: signingKeys(1),
  cookieKeys: [crypto.randomBytes(32).toString('base64url')],
  adapter: createMemoryAdapter(),
};

// oidc-provider validates static clients lazily; validate them all now so that a bad
// registration fails the start-up (with the reason on stderr) instead of a later test.
async function checkClients(provider) {
  for (const { client_id: clientId } of config.clients ?? []) {
    try {
      if (!(await provider.Client.find(clientId))) {
        throw new Error('not found after registration');
      }
    } catch (err) {
      return `invalid static client ${JSON.stringify(clientId)}: ${err.error_description ?? err.message}`;
    }
  }
  return undefined;
}

let provider = buildProvider(issuer, config, state);
const startupProblem = await checkClients(provider);
if (startupProblem) {
  fail(startupProblem);
}
let handle = provider.callback();

function isAdmin(req) {
  const expected = Buffer.from(`Bearer ${config.adminToken ?? ''}`);
  const given = Buffer.from(req.headers.authorization ?? '');
  return Boolean(config.adminToken) && given.length === expected.length
    && crypto.timingSafeEqual(given, expected);
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function rotateKeys(req, res) {
  if (req.method !== 'POST') {
    answer(res, 405, { error: 'method_not_allowed' });
    return;
  }
  if (!isAdmin(req)) {
    answer(res, 401, { error: 'unauthorized' });
    return;
  }
  const generation = state.generation + 1;
  const fresh = signingKeys(generation);
  const next = { ...state, generation, keys: [...fresh, ...state.keys] };
  const rebuilt = buildProvider(issuer, config, next);
  const problem = await checkClients(rebuilt);
  if (problem) {
    answer(res, 500, { error: 'server_error', error_description: problem });
    return;
  }
  Object.assign(state, next);
  provider = rebuilt;
  handle = provider.callback();
  console.error(`signing keys rotated to generation ${generation}`);
  answer(res, 200, { generation, kids: Object.fromEntries(fresh.map((k) => [k.alg, k.kid])) });
}

const server = http.createServer((req, res) => {
  if (req.url === ROTATE_PATH) {
    rotateKeys(req, res).catch((err) => {
      console.error(`rotate-keys: ${err.stack ?? err}`);
      answer(res, 500, { error: 'server_error' });
    });
    return;
  }
  handle(req, res);
});

server.on('error', (err) => {
  console.error(`server error: ${err.stack ?? err}`);
  process.exit(1);
});

server.listen(port, HOST, () => {
  process.stdout.write(`listening ${issuer}\n`);
});

let stopping = false;
function stop(signal) {
  if (stopping) {
    return;
  }
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  // Never hang on shutdown.
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
