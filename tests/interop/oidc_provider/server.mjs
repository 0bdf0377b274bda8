// Test-only OpenID provider for authwire's interop tests.
//
//   node server.mjs --port PORT --config /path/to/config.json
//
// Listens on 127.0.0.1:PORT with issuer http://127.0.0.1:PORT, prints
// "listening http://127.0.0.1:PORT" on stdout once ready, logs errors on stderr and exits
// cleanly on SIGTERM/SIGINT. All state (tokens, sessions, grants) lives in memory.
import * as fs from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import { buildProvider } from './provider.mjs';

const HOST = '127.0.0.1';

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
const provider = buildProvider(issuer, config);

// oidc-provider validates static clients lazily; validate them all now so that a bad
// registration fails the start-up (with the reason on stderr) instead of a later test.
for (const { client_id: clientId } of config.clients ?? []) {
  try {
    if (!(await provider.Client.find(clientId))) {
      throw new Error('not found after registration');
    }
  } catch (err) {
    fail(`invalid static client ${JSON.stringify(clientId)}: ${err.error_description ?? err.message}`);
  }
}

const server = http.createServer(provider.callback());

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
