// The crash test's child process: `node test/projections/run-projections.js DATABASE_URL BATCH_SIZE` runs
// `projections run` from the TypeScript sources, compiled on load by @swc/core (as jest does), no build needed.
require('../support/register-typescript');

const { Command } = require('commander');
const { registerProjectionCommands } = require('../../src/projections/projections.cli');
const { openProjectionDependencies } = require('../../src/projections/projection-dependencies');

const [databaseUrl, batchSize] = process.argv.slice(2);
const program = new Command();
registerProjectionCommands(program, () => openProjectionDependencies(databaseUrl, { eventLogUrl: databaseUrl, poolSize: 4 }));
program.parseAsync(['node', 'cli', 'projections', 'run', '--batch-size', batchSize]).catch((error) => {
  console.error(error);
  process.exit(1);
});
