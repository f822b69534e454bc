import { type Command } from 'commander';
import { existsSync } from 'node:fs';
import { JSON_OPTION, progressBars, type OutputOptions } from '../terminal/output';
import { loadConfiguration } from '../config/configuration';
import { resilientPool } from '../database/pool';
import { openEventStore } from '../event-store/open-event-store';
import { ImportRejected } from '../application/errors';
import { PersonalDataSeal } from '../personal-data/personal-data-seal';
import { LocalKeyEncryptionKey } from '../personal-data/key-encryption-key';
import { PersonKeys } from '../personal-data/person-keys';
import { openDatabase } from '../database/open-database';
import { importJourneys, type ImportProgress } from './import-journeys';
import { linesOfFile } from './ndjson';

/** `import FILE.ndjson [--dry-run]`: the bulk import, with a progress bar and a summary. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import journey facts from an NDJSON file (one fact per line); nothing is written if any line is bad')
    .argument('<file>', 'NDJSON file')
    .option('--dry-run', 'check every line against the rules, write nothing')
    .option('--actor <id>', 'pseudonymous id recorded as the actor of the imported events', 'cli-import')
    .option(...JSON_OPTION)
    .action(async (file: string, options: { dryRun?: boolean; actor: string } & OutputOptions) => {
      if (!existsSync(file)) throw new Error(`No such file: ${file}`);
      const config = loadConfiguration();
      const database = await openDatabase(config);
      const pool = resilientPool(database.url, 4);
      const store = openEventStore({ eventStoreDb: config.EVENTSTORE_CONNECTION_STRING, eventLogUrl: database.eventLogUrl, poolSize: 4 });
      const sealer = new PersonalDataSeal(new PersonKeys(pool, await LocalKeyEncryptionKey.load(config)));
      const started = process.hrtime.bigint();
      const bars = progressBars(options);
      const onProgress = (progress: ImportProgress) => {
        if (progress.total === 0) return; // reading: the total is unknown until the end
        bars.update(progress.phase, progress.done, progress.total);
      };
      try {
        const summary = await importJourneys(linesOfFile(file), store, { dryRun: Boolean(options.dryRun), actor: options.actor, sealer, onProgress });
        bars.stop();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        console.log(JSON.stringify({ ...summary, seconds: Number(seconds.toFixed(2)) }));
      } catch (error) {
        bars.stop();
        if (!(error instanceof ImportRejected)) throw error;
        for (const bad of error.errors) console.error(`line ${bad.line}: ${bad.field}: ${bad.reason}`);
        if (error.moreBadLines > 0) console.error(`... and ${error.moreBadLines} more bad line(s), not listed`);
        console.error(`${error.badLines} bad line(s) in ${file}; nothing was written`);
        process.exitCode = 2;
      } finally {
        await store.close();
        await pool.end();
        await database.stop();
      }
    });
}
