import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { fact, openReadModelDatabase, type ReadModelDatabase } from '../../test/projections/read-model-database';
import { postgresProjectionDependencies } from './postgres-dependencies';
import { registerProjectionCommands } from './projections.cli';

let db: ReadModelDatabase;
beforeAll(async () => (db = await openReadModelDatabase()));
afterAll(() => db.close());

async function cli(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerProjectionCommands(program, () => postgresProjectionDependencies(db.url));
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
    expect.objectContaining({ projection: 'current_status', position: 0, head: position, lag: position }),
    expect.objectContaining({ projection: 'outcome_timeline', position: 0, head: position, lag: position }),
  ]);

  expect(await cli('projections', 'rebuild', 'current_status')).toMatch(
    new RegExp(`^Rebuilt current_status from ${position} events up to position ${position} .*rows: current_status 1$`),
  );
  const after = JSON.parse(await cli('projections', 'status'));
  expect(after.map((row: { lag: number }) => row.lag)).toEqual([0, position]);
});
