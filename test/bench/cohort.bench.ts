import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { MerkleLogBuilder } from '../../src/audit/merkle-log';
import { MERKLE_LOG_BUILDER_OPTIONS } from '../../src/audit/merkle-log-following';
import { createDataSource } from '../../src/database/data-source';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { rebuild } from '../../src/projections/rebuild';
import type { CohortReportTimes } from './cohort-report-process';
import { appendJourneys } from './journeys-in-store';

/** Persons whose case opened in one year (of the five the generated journeys span), by the organisation asking. */
const DEFINITION = {
  entry: { type: 'CaseOpened', from: '2021-01-01', to: '2021-12-31' },
  measures: [{ kind: 'statusAtOffsets', offsetsMonths: [6, 12, 24] }],
};

/**
 * A cohort report (statusAtOffsets at 6, 12 and 24 months, over the persons whose case opened in one year) on a
 * log of 50,000 persons × 20 events (× scale), with the Merkle log and cohort_facts built first (the latter by a
 * rebuild, the fastest way): the whole log, then as known at the moment half of it had been recorded. Each in
 * seconds, as the CLI computes it (checkpoint signed on demand included), in a process of its own whose peak
 * resident memory is the reports' own.
 */
export async function benchCohort(databaseUrl: string, scale: number) {
  const pool = new Pool({ connectionString: databaseUrl, max: 8 });
  const store = new PostgresEventStore(pool);
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  try {
    const persons = Math.max(100, Math.round(50_000 * scale));
    let started = performance.now();
    const { events } = await appendJourneys(store, { persons, eventsPerPerson: 20, seed: 11 });
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`  cohort: ${events} events appended in ${seconds()} s\n`);
    started = performance.now();
    const builder = new MerkleLogBuilder(pool, store, MERKLE_LOG_BUILDER_OPTIONS);
    await builder.start();
    await builder.waitFor(await store.headPosition());
    await builder.stop();
    process.stderr.write(`  cohort: Merkle log built in ${seconds()} s\n`);
    const rebuilt = await rebuild(store, dataSource, { name: 'cohort_facts' });
    process.stderr.write(`  cohort: cohort_facts rebuilt in ${rebuilt.seconds.toFixed(1)} s (${rebuilt.rows.cohort_facts} rows)\n`);

    let halfway = '';
    for await (const event of store.readAll({ after: Math.floor(events / 2), maxCount: 1 })) halfway = event.recordedAt;
    // The third: every case the organisation opened, whatever the year, to see how far the work grows with the cohort.
    const everyone = { ...DEFINITION, entry: { ...DEFINITION.entry, from: '1900-01-01', to: '2099-12-31' } };
    const times = await reportsInTheirOwnProcess(databaseUrl, [DEFINITION, { ...DEFINITION, asKnownAt: halfway }, everyone]);
    process.stderr.write(`  cohort: cohorts of ${times.cohortSizes.join(', ')} persons (the second as known at ${halfway}, the third every entry)\n`);
    return {
      cohortReportSeconds: times.seconds[0]!,
      cohortReportAsKnownAtSeconds: times.seconds[1]!,
      cohortReportEveryEntrySeconds: times.seconds[2]!,
      cohortReportPeakRssMiB: times.peakRssMiB,
    };
  } finally {
    await store.close();
    await dataSource.destroy();
    await pool.end();
  }
}

async function reportsInTheirOwnProcess(databaseUrl: string, definitions: readonly object[]): Promise<CohortReportTimes> {
  const child = fork(join(__dirname, 'cohort-report-process.js'), [databaseUrl, ...definitions.map((definition) => JSON.stringify(definition))]);
  let times: CohortReportTimes | undefined;
  child.on('message', (message) => (times = message as CohortReportTimes));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (!times) throw new Error(`The report process exited with ${code} before it reported`);
  return times;
}
