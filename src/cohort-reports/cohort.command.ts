import canonicalize from 'canonicalize';
import { type Command, Option } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CohortBelowKError } from '../../projections/cohort/compute-report';
import type { CohortReport } from '../../projections/cohort/report';
import { loadCheckpointKey } from '../audit/checkpoint-key';
import { JSON_OPTION, progressBars, type OutputOptions } from '../terminal/output';
import { CheckpointSigner } from '../audit/checkpoint-signer';
import { MerkleLog } from '../audit/merkle-log';
import { loadConfiguration } from '../config/configuration';
import { createDataSource } from '../database/data-source';
import { openDatabase } from '../database/open-database';
import { resilientPool } from '../database/pool';
import { openEventStore } from '../event-store/open-event-store';
import { cohortCodebook, cohortCsv } from './cohort-csv';
import { parseCohortDefinition, type CohortDefinitionDto } from './cohort-definition.dto';
import { CohortFactsQuery } from './cohort-facts.query';
import { CohortReports, TreeSizeBeyondLogError } from './cohort-reports';
import { standaloneSources } from './cohort-sources';

interface CohortOptions extends OutputOptions {
  format: 'json' | 'csv';
  out?: string;
  verify?: string;
  organisation?: string;
  actor: string;
}

/** A user's mistake: said plainly, exit code 2, no stack. */
class CohortCommandError extends Error {}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) throw new CohortCommandError(`No such file: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CohortCommandError(`${what} ${file} is not valid JSON`);
  }
}

function definitionFrom(json: unknown, file: string): CohortDefinitionDto {
  const parsed = parseCohortDefinition(json);
  if (!Array.isArray(parsed)) return parsed;
  throw new CohortCommandError(`${file}: ${parsed.map((error) => `${error.field}: ${error.reason}`).join('; ')}`);
}

/**
 * `cohort DEFINITION.json [--format json|csv] [--out FILE] [--verify REPORT.json]`: the same report as
 * POST /cohort-reports, computed on the database directly (beside a running server or alone); with --verify, the
 * report's own definition is run again and the result compared with it, byte for byte in canonical form.
 */
export function registerCohortCommand(program: Command): void {
  program
    .command('cohort')
    .description('a cohort report (as POST /cohort-reports), or --verify that a report recomputes exactly')
    .argument('[definition]', 'cohort definition, JSON (not needed with --verify)')
    .addOption(new Option('--format <format>', 'json, or csv with a codebook beside it').choices(['json', 'csv']).default('json'))
    .option('--out <file>', 'write the report here (and, for csv, FILE.codebook.md beside it) instead of standard output')
    .option('--verify <report>', 'recompute this report from its own definition and say whether it matches')
    .option('--organisation <id>', 'the organisation whose persons (held at entry) the report is over; with --verify, the report names it')
    .option('--actor <id>', 'pseudonymous id written to the access log as the reader', 'cli-cohort')
    .option(...JSON_OPTION)
    .action(async (definitionFile: string | undefined, options: CohortOptions) => {
      try {
        await runCohortCommand(definitionFile, options);
      } catch (error) {
        if (!(error instanceof CohortCommandError)) throw error;
        console.error(error.message);
        process.exitCode = 2;
      }
    });
}

async function runCohortCommand(definitionFile: string | undefined, options: CohortOptions): Promise<void> {
  const given = options.verify === undefined ? undefined : (readJson(options.verify, 'Report') as CohortReport);
  if (given === undefined && definitionFile === undefined) throw new CohortCommandError('Give a definition file, or --verify REPORT.json');
  if (options.format === 'csv' && options.out === undefined && given === undefined) {
    throw new CohortCommandError('--format csv needs --out FILE: the codebook is written beside it');
  }
  const definition = given ? definitionFrom(given.definition, options.verify!) : definitionFrom(readJson(definitionFile!, 'Definition'), definitionFile!);
  const organisationId = given?.organisationId ?? options.organisation;
  if (typeof organisationId !== 'string' || organisationId.length === 0) throw new CohortCommandError('--organisation is required');

  const config = loadConfiguration();
  const database = await openDatabase(config);
  const pool = resilientPool(database.url, 4);
  const store = openEventStore({ eventStoreDb: config.EVENTSTORE_CONNECTION_STRING, eventLogUrl: database.eventLogUrl, poolSize: 4 });
  const dataSource = createDataSource(database.url);
  const bars = progressBars(options);
  try {
    await dataSource.initialize();
    const log = new MerkleLog(pool);
    const signer = new CheckpointSigner(pool, log, await loadCheckpointKey(config), config.JOURNEY_CHECKPOINT_ORIGIN);
    const reports = new CohortReports(store, log, signer, new CohortFactsQuery(dataSource), standaloneSources(pool, store, dataSource, bars.update));
    const report = await reports.report(definition, { actor: options.actor, organisationId }).catch((error: unknown) => {
      if (error instanceof TreeSizeBeyondLogError) throw new CohortCommandError(`treeSize ${error.message}`);
      if (error instanceof CohortBelowKError)
        throw new CohortCommandError('The cohort is smaller than k: a report over it could expose individuals (cohort_below_k)');
      throw error;
    });
    bars.stop();
    if (given) {
      // Canonical (RFC 8785) on both sides: a report saved pretty-printed or re-indented still matches.
      const matches = canonicalize(report) === canonicalize(given);
      console.log(JSON.stringify({ verified: matches, treeSize: report.checkpoint.treeSize, rootHash: report.checkpoint.rootHash }));
      if (!matches) {
        console.error(`${options.verify} does not match the report recomputed from its definition over the same tree`);
        process.exitCode = 3;
      }
      return;
    }
    const body = options.format === 'csv' ? cohortCsv(report) : `${JSON.stringify(report, null, 2)}\n`;
    if (options.out === undefined) {
      process.stdout.write(body);
      return;
    }
    writeFileSync(options.out, body);
    if (options.format === 'csv') writeFileSync(`${options.out}.codebook.md`, cohortCodebook(report));
    console.log(JSON.stringify({ out: options.out, cohortSize: report.cohortSize, treeSize: report.checkpoint.treeSize }));
  } finally {
    bars.stop();
    await dataSource.destroy().catch(() => undefined);
    await store.close();
    await pool.end();
    await database.stop();
  }
}
