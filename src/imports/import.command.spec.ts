import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProgram } from '../cli/main';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { createTestDatabases, type TestDatabases } from '../../test/support/database';
import { generateJourneyLines } from '../../test/support/generate';

/** `npm run cli -- import FILE [--dry-run]`, run in-process through the real CLI program against DATABASE_URL. */
describe('cli import', () => {
  let database: TestDatabases;
  let folder: string;
  let output: string[];
  let errors: string[];
  const saved = { env: { ...process.env }, log: console.log, error: console.error };

  beforeAll(async () => {
    database = await createTestDatabases();
    folder = await mkdtemp(join(tmpdir(), 'journey-ledger-cli-'));
    Object.assign(process.env, database.env);
  });
  beforeEach(() => {
    output = [];
    errors = [];
    console.log = (line: string) => output.push(String(line));
    console.error = (line: string) => errors.push(String(line));
    process.exitCode = undefined;
  });
  afterEach(() => {
    console.log = saved.log;
    console.error = saved.error;
    process.exitCode = undefined;
  });
  afterAll(async () => {
    process.env = saved.env;
    await rm(folder, { recursive: true, force: true });
    await database.drop();
  });

  const run = (...args: string[]) => cliProgram().parseAsync(['node', 'cli', 'import', ...args]);
  const head = async () => {
    const store = new PostgresEventStore(database.eventLogUrl, { poolSize: 1 });
    const position = await store.headPosition();
    await store.close();
    return position;
  };

  test('imports a file and prints the summary; a dry run and a second run write nothing', async () => {
    const file = join(folder, 'journeys.ndjson');
    await writeFile(file, [...generateJourneyLines({ persons: 40, eventsPerPerson: 10, seed: 21 })].join('\n') + '\n');

    await run(file, '--dry-run');
    expect(JSON.parse(output.at(-1) ?? '')).toMatchObject({ persons: 40, events: 400, written: 0, dryRun: true });
    expect(await head()).toBe(0);

    await run(file);
    expect(JSON.parse(output.at(-1) ?? '')).toMatchObject({ persons: 40, events: 400, written: 400, seconds: expect.any(Number) });
    expect(await head()).toBe(400);

    await run(file);
    expect(JSON.parse(output.at(-1) ?? '')).toMatchObject({ written: 0 });
    expect(await head()).toBe(400);
  });

  test('a bad file prints every bad line, exits non-zero and writes nothing', async () => {
    const file = join(folder, 'bad.ndjson');
    const lines = [...generateJourneyLines({ persons: 3, eventsPerPerson: 5, seed: 22 })];
    lines.splice(2, 0, '{"personId": 1}');
    await writeFile(file, lines.join('\n'));
    const before = await head();
    await run(file);
    expect(process.exitCode).toBe(2);
    expect(errors).toContain('line 3: personId: must be a UUID');
    expect(errors.at(-1)).toMatch(/bad line\(s\) in .*bad\.ndjson; nothing was written/);
    expect(await head()).toBe(before);
  });

  test('a file of many bad lines, one of them overlong, prints the errors of the first and counts the others', async () => {
    const file = join(folder, 'many-bad.ndjson');
    const lines = [`{"personId": "${'x'.repeat(2 * 1024 * 1024)}"}`, ...Array.from({ length: 1500 }, (_, i) => `{"personId": ${i}`)];
    await writeFile(file, lines.join('\n'));
    const before = await head();
    await run(file);
    expect(process.exitCode).toBe(2);
    expect(errors[0]).toBe('line 1: line: longer than 1048576 bytes');
    expect(errors.filter((line) => line.startsWith('line '))).toHaveLength(1000);
    expect(errors).toContain('... and 501 more bad line(s), not listed');
    expect(errors.at(-1)).toMatch(/^1501 bad line\(s\) in .*many-bad\.ndjson; nothing was written$/);
    expect(await head()).toBe(before);
  });

  test('a missing file is a clear error', async () => {
    await expect(run(join(folder, 'nowhere.ndjson'))).rejects.toThrow(/No such file/);
  });
});
