import type { Command } from 'commander';
import { interactive, JSON_OPTION, progressBars, type OutputOptions } from '../terminal/output';
import type { DataSource } from 'typeorm';
import type { EventStore } from '../event-store/event-store';
import { ProjectionRunner } from './projection-runner';
import { projectionStatus } from './projection-status';
import { rebuild, type RebuildSummary } from './rebuild';
import { retryParked } from './retry-parked';
import { READ_MODEL_NAMES } from './read-models';

/** What the projection commands run on; `close` ends them (store, data source, pools, embedded server). */
export interface ProjectionDependencies {
  store: EventStore;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * `projections rebuild [NAME]`, `projections status`, `projections run` (a standalone runner until SIGINT /
 * SIGTERM) and `projections retry` (parked events). `connect` opens a migrated database.
 */
export function registerProjectionCommands(program: Command, connect: () => Promise<ProjectionDependencies>): void {
  const projections = program.command('projections').description('Read models built from the event log');

  projections
    .command('rebuild')
    .argument('[name]', `one of ${READ_MODEL_NAMES.join(', ')}; all when absent`)
    .description('Rebuild read models from the whole log into fresh tables, then swap them in')
    .option(...JSON_OPTION)
    .action(async (name: string | undefined, options: OutputOptions) => {
      const dependencies = await connect();
      const bars = progressBars(options, ' {phase} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta}s');
      const started = Date.now();
      let summary: RebuildSummary;
      try {
        summary = await rebuild(dependencies.store, dependencies.dataSource, {
          name,
          onProgress(events, head) {
            const speed = Math.round(events / Math.max(0.001, (Date.now() - started) / 1000));
            bars.update('rebuild', events, head, { speed });
          },
        });
      } finally {
        bars.stop();
        await dependencies.close();
      }
      if (!interactive(options)) {
        console.log(JSON.stringify(summary));
        return;
      }
      console.log(
        `Rebuilt ${summary.projections.join(', ')} from ${summary.events} events up to position ${summary.position} ` +
          `in ${summary.seconds.toFixed(1)} s (${summary.eventsPerSec} events/s); rows: ` +
          Object.entries(summary.rows)
            .map(([table, count]) => `${table} ${count}`)
            .join(', ') +
          (summary.parked > 0 ? `; ${summary.parked} event(s) parked (see projections status)` : ''),
      );
    });

  projections
    .command('status')
    .description("Each projection's checkpoint and its lag behind the log's head")
    .action(async () => {
      const dependencies = await connect();
      try {
        console.table(
          (await projectionStatus(dependencies.store, dependencies.dataSource)).map((status) => ({
            projection: status.name,
            position: status.position,
            head: status.head,
            lag: status.lag,
            parked: status.parked,
            updated: status.updatedAt.toISOString(),
          })),
        );
      } finally {
        await dependencies.close();
      }
    });

  projections
    .command('retry')
    .description('Apply the parked events again (after a fix); lists those still parked')
    .action(async () => {
      const dependencies = await connect();
      try {
        const { applied, stillParked } = await retryParked(dependencies.store, dependencies.dataSource);
        console.log(`Applied ${applied} parked event(s); ${stillParked.length} still parked`);
        if (stillParked.length > 0) {
          console.table(
            stillParked.map((parked) => ({
              projection: parked.projection,
              position: parked.position,
              error: parked.errorClass,
              parked: parked.parkedAt.toISOString(),
            })),
          );
        }
      } finally {
        await dependencies.close();
      }
    });

  projections
    .command('run')
    .description('Keep the read models up to date with the log until stopped (SIGINT / SIGTERM)')
    .option('--batch-size <events>', 'most events per transaction', (value) => Number.parseInt(value, 10), 1000)
    .action(async (options: { batchSize: number }) => {
      const dependencies = await connect();
      const runner = new ProjectionRunner(dependencies.store, dependencies.dataSource, undefined, {
        batchSize: options.batchSize,
        onError: (error) => console.error(`projection runner failed (${error instanceof Error ? error.message : 'unknown'}); resuming from checkpoint`),
        onParked: ({ projection, position, errorClass }) => console.error(`${projection}: parked the event at position ${position} (${errorClass})`),
      });
      runner.start();
      console.log('projections: following the log');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await runner.stop();
      await dependencies.close();
    });
}
