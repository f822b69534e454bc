/**
 * The real `jose` for test files. It is ES modules only, which Jest's own CommonJS loader cannot read; Node's
 * require can (as it does for the app), so the package is loaded through it.
 */
const nodeRequire = process.getBuiltinModule('node:module').createRequire(__filename);

export = nodeRequire('jose') as typeof import('jose');
