import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { CheckpointSigner } from '../../src/audit/checkpoint-signer';
import { MerkleLog } from '../../src/audit/merkle-log';
import { parseCohortDefinition } from '../../src/cohort-reports/cohort-definition.dto';
import { CohortFactsQuery } from '../../src/cohort-reports/cohort-facts.query';
import { CohortReports } from '../../src/cohort-reports/cohort-reports';
import { standaloneSources } from '../../src/cohort-reports/cohort-sources';
import { createDataSource } from '../../src/database/data-source';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { createNoteSigner } from '../../src/integrity/signed-note';

/**
 * The cohort bench's reports, in a process of their own (see cohort.bench.ts), so that its peak memory is the
 * reports' and not the making of the log. `node cohort-report-process.js DATABASE_URL DEFINITION_JSON...`: one
 * report per definition, as the CLI computes it; sends back the seconds of each, the cohort sizes and the peak RSS.
 */
export interface CohortReportTimes {
  seconds: number[];
  cohortSizes: number[];
  peakRssMiB: number;
}

const ORIGIN = 'journey-ledger.bench/log';

async function main(): Promise<void> {
  const [url, ...definitions] = process.argv.slice(2);
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = new PostgresEventStore(pool);
  const dataSource = createDataSource(url!);
  await dataSource.initialize();
  try {
    const log = new MerkleLog(pool);
    const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signer = new CheckpointSigner(pool, log, createNoteSigner(key, ORIGIN), ORIGIN);
    const sources = standaloneSources(pool, store, dataSource, () => undefined);
    const reports = new CohortReports(store, log, signer, new CohortFactsQuery(dataSource), sources);
    const times: CohortReportTimes = { seconds: [], cohortSizes: [], peakRssMiB: 0 };
    for (const json of definitions) {
      const definition = parseCohortDefinition(JSON.parse(json));
      if (Array.isArray(definition)) throw new Error(`The bench's definition is invalid: ${JSON.stringify(definition)}`);
      const started = performance.now();
      const report = await reports.report(definition, { actor: 'bench', organisationId: 'org-a' });
      times.seconds.push((performance.now() - started) / 1000);
      times.cohortSizes.push(report.cohortSize);
    }
    times.peakRssMiB = process.resourceUsage().maxRSS / 1024;
    process.send!(times);
  } finally {
    await dataSource.destroy();
    await store.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
