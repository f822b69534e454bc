import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { openProjectionDependencies } from './projection-dependencies';
import { ProjectionRunner } from './projection-runner';
import { registerProjectionCommands } from './projections.cli';

let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerProjectionCommands(program, () => openProjectionDependencies(db.url, { eventLogUrl: db.url, poolSize: 4 }));
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  const table = jest.spyOn(console, 'table').mockImplementation((rows: unknown) => void printed.push(JSON.stringify(rows)));
  try {
    await program.parseAsync(['node', 'cli', ...args]);
  } finally {
    log.mockRestore();
    table.mockRestore();
  }
  return printed.join('\n');
}

test('projections status shows each checkpoint and its lag; projections rebuild NAME rebuilds that one and says so', async () => {
  const { position } = await db.store.append(
    `journey-${randomUUID()}`,
    [fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2022-01-01'), fact('ContactLost', {}, '2022-06')],
    'no_stream',
  );
  const before = JSON.parse(await cli('projections', 'status'));
  expect(before).toEqual([
    expect.objectContaining({ projection: 'cohort_facts', position: 0, head: position, lag: position }),
    expect.objectContaining({ projection: 'current_status', position: 0, head: position, lag: position }),
    expect.objectContaining({ projection: 'outcome_timeline', position: 0, head: position, lag: position }),
  ]);

  // Not a terminal (as under jest): one JSON summary line and no bars.
  expect(JSON.parse(await cli('projections', 'rebuild', 'current_status'))).toMatchObject({
    projections: ['current_status'],
    events: position,
    position,
    rows: { current_status: 1 },
    parked: 0,
  });
  const after = JSON.parse(await cli('projections', 'status'));
  expect(after.map((row: { lag: number }) => row.lag)).toEqual([position, 0, position]);
});

test('projections status counts the parked events; projections retry applies them again once fixed, and lists what is still parked', async () => {
  const personId = randomUUID();
  const consent = fact('ConsentGranted', { scope: 'sharing', organisationId: 'org-b\u0000' }, '2022-01-02');
  await db.store.append(`journey-${personId}`, [fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2022-01-01')], 'no_stream');
  const { position } = await db.store.append(`journey-${personId}`, [consent], 0);
  await new ProjectionRunner(db.store, db.dataSource).catchUp();

  const status = JSON.parse(await cli('projections', 'status'));
  expect(status.map((row: { projection: string; parked: number; lag: number }) => [row.projection, row.parked, row.lag])).toEqual([
    ['cohort_facts', 0, 0],
    ['current_status', 1, 0],
    ['outcome_timeline', 0, 0],
  ]);
  const stillBroken = (await cli('projections', 'retry')).split('\n');
  expect(stillBroken[0]).toBe('Applied 0 parked event(s); 1 still parked');
  expect(JSON.parse(stillBroken[1]!)).toEqual([{ projection: 'current_status', position, error: 'pg 22P05', parked: expect.any(String) }]);

  const correction = fact(
    'EventCorrected',
    { targetEventId: consent.eventId, reason: 'typo', correctedData: { scope: 'sharing', organisationId: 'org-b' } },
    '2022-01-03',
  );
  await db.store.append(`journey-${personId}`, [correction], 1);
  await new ProjectionRunner(db.store, db.dataSource).catchUp();
  expect(await cli('projections', 'retry')).toBe('Applied 1 parked event(s); 0 still parked');
  expect(JSON.parse(await cli('projections', 'status'))).toContainEqual(expect.objectContaining({ projection: 'current_status', parked: 0 }));
});
