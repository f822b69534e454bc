import 'reflect-metadata';
import { benchAppends } from './appends.bench';
import { openBenchDatabase } from './bench-database';
import { benchCohort } from './cohort.bench';
import { benchImport } from './import.bench';
import { benchIntegrity } from './integrity.bench';
import { benchRawPostgres } from './raw-postgres.bench';
import { benchRebuild } from './rebuild.bench';

/**
 * `npm run bench [-- --only NAME] [--scale F]`: prints a table of figures, then, as its last line, one JSON object
 * of them (the keys evaluators' tools read). Figures depend on the machine: compare ratios and medians across runs.
 */
type Figures = Record<string, number>;
const WORKLOADS: Record<string, (url: string, scale: number) => Promise<Figures>> = {
  raw: benchRawPostgres,
  appends: benchAppends,
  import: benchImport,
  rebuild: (databaseUrl, scale) => benchRebuild({ databaseUrl, scale }),
  integrity: benchIntegrity,
  cohort: benchCohort,
};

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const only = argument('only');
  const scale = Number(argument('scale') ?? '1');
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  if (only && !WORKLOADS[only]) throw new Error(`--only must be one of: ${Object.keys(WORKLOADS).join(', ')}`);
  const database = await openBenchDatabase();
  const figures: Figures = {};
  try {
    for (const [name, run] of Object.entries(WORKLOADS)) {
      if (only && name !== only) continue;
      process.stderr.write(`running ${name} (scale ${scale})...\n`);
      Object.assign(figures, await run(await database.fresh(name), scale));
      global.gc?.();
    }
  } finally {
    await database.stop();
  }
  // Whole units, but for durations in seconds, which are short: to the hundredth.
  const rounded = Object.fromEntries(
    Object.entries(figures).map(([key, value]) => [key, key.endsWith('Seconds') ? Math.round(value * 100) / 100 : Math.round(value)]),
  );
  console.log('figure'.padEnd(32) + 'value');
  for (const [key, value] of Object.entries(rounded)) console.log(key.padEnd(32) + value.toLocaleString('en-US'));
  if (rounded.rawSingleRowTxPerSec && rounded.appendsPerSecSequential) {
    console.log(`appends / raw single-row tx: ${(figures.appendsPerSecSequential / figures.rawSingleRowTxPerSec).toFixed(2)}`);
  }
  if (rounded.rawBulkRowsPerSec && rounded.importEventsPerSec) {
    console.log(`import / raw COPY: ${(figures.importEventsPerSec / figures.rawBulkRowsPerSec).toFixed(2)}`);
  }
  console.log(JSON.stringify(rounded));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
