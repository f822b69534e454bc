import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import { createDataSource, migrate } from '../../src/database/data-source';
import { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { CHECKPOINT_CHANNEL } from '../../src/projections/checkpoints';
import { ProjectionRunner } from '../../src/projections/projection-runner';
import { rebuild } from '../../src/projections/rebuild';
import { appendJourneys } from './journeys-in-store';

/** Appends per second of the steady write load under which the catch-up lag is measured. */
const STEADY_APPENDS_PER_SEC = 200;

/**
 * Rebuild of both read models from a generated log of 50,000 persons × 20 events (× scale), in events per
 * second; then the runner's lag (append committed → read model reflects it) under a steady write load, p95 in ms.
 */
export async function benchRebuild(opts: { databaseUrl: string; scale: number }): Promise<{ rebuildEventsPerSec: number; catchUpLagMsP95: number }> {
  await migrate(opts.databaseUrl);
  const pool = new Pool({ connectionString: opts.databaseUrl, max: 8 });
  const store = new PostgresEventStore(pool);
  const dataSource = createDataSource(opts.databaseUrl);
  await dataSource.initialize();
  try {
    const persons = Math.max(100, Math.round(50_000 * opts.scale));
    const generated = await appendJourneys(store, { persons, eventsPerPerson: 20, seed: 42 });
    const summary = await rebuild(store, dataSource);
    process.stderr.write(`rebuild: ${summary.events} events in ${summary.seconds.toFixed(1)} s\n`);
    const catchUpLagMsP95 = await lagUnderSteadyLoad(store, dataSource, generated.personIds, Math.max(3, 10 * Math.min(1, opts.scale)), opts.databaseUrl);
    return { rebuildEventsPerSec: summary.eventsPerSec, catchUpLagMsP95 };
  } finally {
    await store.close();
    await dataSource.destroy();
    await pool.end();
  }
}

async function lagUnderSteadyLoad(
  store: PostgresEventStore,
  dataSource: ReturnType<typeof createDataSource>,
  personIds: readonly string[],
  seconds: number,
  databaseUrl: string,
): Promise<number> {
  const listener = new Client({ connectionString: databaseUrl });
  await listener.connect();
  await listener.query(`LISTEN ${CHECKPOINT_CHANNEL}`);
  const waiting: { position: number; committedAt: number }[] = [];
  const lags: number[] = [];
  listener.on('notification', ({ payload }) => {
    const [name, position] = (payload ?? '').split(':');
    if (name !== 'current_status') return;
    const now = performance.now();
    for (let index = waiting.length - 1; index >= 0; index -= 1) {
      if (waiting[index]!.position <= Number(position)) lags.push(now - waiting.splice(index, 1)[0]!.committedAt);
    }
  });
  const runner = new ProjectionRunner(store, dataSource);
  runner.start();
  try {
    const appends: Promise<void>[] = [];
    const start = performance.now();
    const total = Math.round(seconds * STEADY_APPENDS_PER_SEC);
    for (let index = 0; index < total; index += 1) {
      const due = start + (index * 1000) / STEADY_APPENDS_PER_SEC;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const personId = personIds[index % personIds.length]!;
      appends.push(
        store
          .append(
            `journey-${personId}`,
            [
              {
                eventId: randomUUID(),
                type: 'ServiceDelivered',
                schemaVersion: 1,
                occurredAt: '2025-01-15',
                data: { domain: 'mental_health', serviceType: 'counselling' },
                metadata: { actor: 'bench', organisationId: 'org-a', correlationId: randomUUID(), causationId: null },
              },
            ],
            'any',
          )
          .then(({ position }) => void waiting.push({ position, committedAt: performance.now() })),
      );
    }
    await Promise.all(appends);
    const deadline = performance.now() + 10_000;
    while (waiting.length > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (waiting.length > 0) throw new Error(`${waiting.length} appends were not projected within 10 s`);
  } finally {
    await runner.stop();
    await listener.end();
  }
  lags.sort((a, b) => a - b);
  return lags[Math.min(lags.length - 1, Math.floor(lags.length * 0.95))]!;
}
