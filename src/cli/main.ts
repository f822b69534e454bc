import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { availableParallelism } from 'node:os';
import { registerImportCommand } from '../imports/import.command';
import { registerTokenCommand } from '../auth/token.command';
import { registerVerifyCommand } from '../audit/verify.command';
import { registerCohortCommand } from '../cohort-reports/cohort.command';
import { ConfigurationError, loadConfiguration, loadDotEnv } from '../config/configuration';
import { readInThreads } from '../integrity/line-readers';
import { openProjectionDependencies } from '../projections/projection-dependencies';
import { registerProjectionCommands } from '../projections/projections.cli';
import { openDatabase } from '../database/open-database';

/** One CLI entry point (`npm run cli -- <command>`); each feature registers its own commands. */
export function cliProgram(): Command {
  const program = new Command('journey-ledger')
    .description('journey-ledger command line: import, tokens, projections, verification, cohort reports')
    .exitOverride();
  registerImportCommand(program);
  registerTokenCommand(program);
  registerVerifyCommand(program, readInThreads(availableParallelism()));
  registerCohortCommand(program);
  registerProjectionCommands(program, async () => {
    const config = loadConfiguration();
    const database = await openDatabase(config);
    const eventLog = { eventStoreDb: config.EVENTSTORE_CONNECTION_STRING, eventLogUrl: database.eventLogUrl, poolSize: 4 };
    const dependencies = await openProjectionDependencies(database.url, eventLog);
    return {
      ...dependencies,
      async close() {
        await dependencies.close();
        await database.stop();
      },
    };
  });
  return program;
}

if (require.main === module) {
  loadDotEnv();
  cliProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      if (error instanceof CommanderError) process.exit(error.exitCode);
      console.error(error instanceof ConfigurationError || error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
