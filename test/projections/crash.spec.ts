import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readCheckpoints } from '../../src/projections/checkpoints';
import { READ_MODEL_NAMES } from '../../src/projections/read-models';
import { rebuild } from '../../src/projections/rebuild';
import type { PostgresEventStore } from '../../src/event-store/postgres-event-store';
import { appendJourneys } from '../bench/journeys-in-store';
import { allRows, openReadModelDatabase, type ReadModelDatabase } from './read-model-database';

jest.setTimeout(240_000);

let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

/** `projections run` in its own process, as in production. */
function startRunner(batchSize: number): ChildProcess {
  const child = spawn(process.execPath, [join(__dirname, 'run-projections.js'), db.url, String(batchSize)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function lowestCheckpoint(): Promise<number> {
  const checkpoints = await readCheckpoints(db.dataSource.manager, READ_MODEL_NAMES);
  return Math.min(...checkpoints.map((checkpoint) => checkpoint.position));
}

async function waitForCheckpoint(atLeast: number): Promise<number> {
  for (;;) {
    const position = await lowestCheckpoint();
    if (position >= atLeast) return position;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

async function readModels() {
  return {
    currentStatus: await allRows(db.dataSource, 'current_status', 'person_id'),
    outcomeTimeline: await allRows(db.dataSource, 'outcome_timeline', 'person_id, event_id, seq'),
    cohortFacts: await allRows(db.dataSource, 'cohort_facts', 'event_id'),
  };
}

test('a runner killed (SIGKILL) in the middle of a large catch-up, then restarted, ends with the read models of a clean rebuild', async () => {
  const { events } = await appendJourneys(db.store as PostgresEventStore, { persons: 2000, eventsPerPerson: 20, seed: 7 });
  const head = await db.store.headPosition();
  expect(head).toBe(events);

  // Killed twice at different points of the catch-up: small batches give many transactions to land inside.
  for (const fraction of [0.2, 0.55]) {
    const runner = startRunner(150);
    await waitForCheckpoint(Math.floor(head * fraction));
    runner.kill('SIGKILL');
    expect(await exited(runner)).toBe('SIGKILL');
    const reached = await lowestCheckpoint();
    expect(reached).toBeLessThan(head);
  }

  const runner = startRunner(150);
  await waitForCheckpoint(head);
  runner.kill('SIGTERM');
  await exited(runner);
  const afterCrashes = await readModels();
  expect(afterCrashes.currentStatus).toHaveLength(2000);

  const summary = await rebuild(db.store, db.dataSource, { batchSize: 1000 });
  expect(summary.position).toBe(head);
  const rebuilt = await readModels();
  expect(afterCrashes.currentStatus).toEqual(rebuilt.currentStatus);
  expect(afterCrashes.outcomeTimeline).toEqual(rebuilt.outcomeTimeline);
  expect(afterCrashes.cohortFacts).toEqual(rebuilt.cohortFacts);
});
