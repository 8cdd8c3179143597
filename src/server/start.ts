/**
 * `netlens-lsp`'s first stage (dist/server.js). Over stdio it reads the client's `initialize`, answers it at once,
 * and only then loads the server (main.ts, bundled apart as dist/server-main.js) and hands it the connection: what
 * was read, then the rest of stdin. An editor waits for that answer before it sends anything else, and loading the
 * server is most of a start; the answer depends only on what the client declared (capabilities.ts), so the server's
 * own answer, computed by the same function, is the same and is not sent again. The extension starts it over stdio
 * too (src/extension/client.ts). Other transports (`--node-ipc`, `--socket`, `--pipe`) start the server at once.
 */
import { startStdio } from './early';

type Server = typeof import('./main');

/** The server proper: a `require` the bundler resolves to dist/server-main.js (scripts/build.mjs). */
function server(): Server {
  return require('./main') as Server;
}

if (process.argv.includes('--stdio')) startStdio(() => server().serveStdio);
else server().main();
