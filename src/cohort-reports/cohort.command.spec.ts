import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliProgram } from '../cli/main';
import { createTestDatabases, type TestDatabases } from '../../test/support/database';
import { KVINNOFORUM_COHORT, kvinnoforumLines } from '../../test/support/kvinnoforum';

/** The CLI alone: nothing but the database, no server following the log; the command catches up what it needs. */
describe('npm run cli -- cohort', () => {
  let database: TestDatabases;
  let folder: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    database = await createTestDatabases();
    folder = await mkdtemp(join(tmpdir(), 'journey-ledger-cohort-'));
    Object.assign(process.env, { ...database.env, JOURNEY_DATA_DIR: folder, LOG_LEVEL: 'error' });
    writeFileSync(join(folder, 'journeys.ndjson'), `${kvinnoforumLines('org-a').join('\n')}\n`);
    await cli('import', join(folder, 'journeys.ndjson'));
    writeFileSync(
      join(folder, 'definition.json'),
      JSON.stringify({
        entry: { type: 'CaseOpened', where: { programme: 'reintegration' }, from: '2002-01-01', to: '2002-12-31' },
        measures: [{ kind: 'statusAtOffsets', offsetsMonths: [12], by: 'citizenship' }],
      }),
    );
  });
  afterAll(async () => {
    process.env = saved;
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  /** Runs the CLI in this process; what it prints, and its exit code. */
  async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
    const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
    process.exitCode = undefined;
    try {
      await cliProgram().parseAsync(['node', 'cli', ...args]);
    } finally {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { out: out.join('\n'), err: err.join('\n'), code };
  }

  test('computes the report alone (Merkle log and cohort_facts caught up by the command), by group', async () => {
    const { out, code } = await cli('cohort', join(folder, 'definition.json'), '--organisation', 'org-a', '--out', join(folder, 'report.json'));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ out: join(folder, 'report.json'), cohortSize: KVINNOFORUM_COHORT });
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8'));
    expect(report.measures.map((table: { group: object }) => table.group)).toEqual([{ citizenship: 'MD' }, { citizenship: 'RO' }, { citizenship: 'UA' }]);
    expect(report.measures.reduce((sum: number, table: { groupSize: number }) => sum + table.groupSize, 0)).toBe(KVINNOFORUM_COHORT);
  });

  test('--verify recomputes a report from its own definition: it matches, and a changed figure does not', async () => {
    const file = join(folder, 'report.json');
    const verified = await cli('cohort', '--verify', file);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ verified: true });

    const report = JSON.parse(readFileSync(file, 'utf8'));
    report.measures[0].rows[0].n += 1;
    writeFileSync(join(folder, 'altered.json'), JSON.stringify(report));
    const altered = await cli('cohort', '--verify', join(folder, 'altered.json'));
    expect(altered.code).toBe(3);
    expect(JSON.parse(altered.out)).toMatchObject({ verified: false });
    expect(altered.err).toMatch(/does not match/);
  });

  test('--format csv writes the CSV and its codebook beside it; a bad definition names its field and writes nothing', async () => {
    const csv = join(folder, 'report.csv');
    const { code } = await cli('cohort', join(folder, 'definition.json'), '--organisation', 'org-a', '--format', 'csv', '--out', csv);
    expect(code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('measure,offset_months,group_by,group,group_size,row,statistic,value,suppressed');
    expect(readFileSync(`${csv}.codebook.md`, 'utf8')).toContain('## Suppression');

    writeFileSync(join(folder, 'bad.json'), JSON.stringify({ entry: { type: 'CaseOpened', from: '2002-01-01', to: '2001-01-01' }, measures: [] }));
    const bad = await cli('cohort', join(folder, 'bad.json'), '--organisation', 'org-a', '--out', join(folder, 'bad-report.json'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/entry\.to: .*must not be before from/);
    expect(bad.err).toMatch(/measures: /);
    expect(existsSync(join(folder, 'bad-report.json'))).toBe(false);
  });
});
