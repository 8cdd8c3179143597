/** The version of NetLens (package.json's): what `netlens --version` prints and the language server's serverInfo says. */
export const NETLENS_VERSION = '0.1.0';
