/**
 * Which folder may import which (docs/decisions/folder-rules.md). Specs are left out: they may reach across
 * folders and into test/, which production code may not.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment: 'Folders of src/ and projections/ import each other one way only: a folder on a cycle cannot be read, tested or moved alone.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src|projections)(/|$)' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Nor do files, within a folder or across folders.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-the-domain',
      comment: 'The journey domain is pure TypeScript: no framework, no package, no Node module, no other folder.',
      severity: 'error',
      from: { path: '^src/journey/domain/' },
      to: { pathNot: '^src/journey/domain/' },
    },
    {
      name: 'projections-import-only-the-domain',
      comment: 'Projections are pure functions of the events: they import one another and the journey domain, nothing else.',
      severity: 'error',
      from: { path: '^projections/' },
      to: { pathNot: '^(projections|src/journey/domain)/' },
    },
    {
      name: 'integrity-imports-no-other-folder',
      comment:
        'The integrity core (canonical bytes, hash chain, Merkle trees, checkpoints, the verifier) is what an auditor reads: the store, the database and the audit routes build on it, not the reverse.',
      severity: 'error',
      from: { path: '^src/integrity/' },
      to: { path: '^(src|projections)/', pathNot: '^src/integrity/' },
    },
    {
      name: 'database-imports-only-configuration',
      comment: 'The database folder (pool, migrations, embedded server) is the bottom layer: what runs on it lives in the folders above.',
      severity: 'error',
      from: { path: '^src/database/' },
      to: { path: '^(src|projections)/', pathNot: '^src/(database|config)/' },
    },
    {
      name: 'adapters-chosen-in-one-place',
      comment:
        'Every caller holds the event-store port; only open-event-store.ts picks an adapter, so no command can write to one log while the app reads another (docs/decisions/event-store-port.md).',
      severity: 'error',
      from: { path: '^(src|projections)/', pathNot: '^src/event-store/(open-event-store|postgres-|eventstoredb-)' },
      to: { path: '^src/event-store/(postgres|eventstoredb)-' },
    },
    {
      name: 'composition-root-imported-by-no-folder',
      comment: 'The files at the root of src/ (app, app.module, main, logging) put the folders together; no folder imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/' },
      to: { path: '^src/[^/]+$' },
    },
    {
      name: 'production-code-imports-no-test-code',
      comment: 'Test helpers live in test/; only specs import them.',
      severity: 'error',
      from: { path: '^(src|projections)/' },
      to: { path: '^test/' },
    },
    {
      name: 'production-code-needs-no-dev-dependency',
      comment: 'A production install leaves devDependencies out; types alone (erased at build) may come from them.',
      severity: 'error',
      from: { path: '^(src|projections)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'packages-are-declared',
      comment: 'Every package imported is in package.json, not merely installed as some dependency of another.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a folder that needs another's types depends on it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
  },
};
