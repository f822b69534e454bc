import { startTestApp, type TestApp } from '../../test/support/app';
import { KVINNOFORUM_AT_12_MONTHS, KVINNOFORUM_COHORT, kvinnoforumLines } from '../../test/support/kvinnoforum';

describe('the source study, reproduced: Kvinnoforum (2003), 332 persons assisted in 2002, employment 12 months later', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const manager = await t.token('programme_manager', 'org-a');
    const imported = await t
      .http()
      .post('/imports')
      .set({ authorization: `Bearer ${manager}`, 'content-type': 'application/x-ndjson' })
      .send(`${kvinnoforumLines('org-a').join('\n')}\n`);
    expect(imported.status).toBe(200);
  });
  afterAll(() => t.close());

  test('28% in private business, 11% in state-owned business, 9% students, 15% still receiving assistance', async () => {
    const evaluator = await t.token('evaluator', 'org-a');
    const answer = await t
      .http()
      .post('/cohort-reports')
      .set('authorization', `Bearer ${evaluator}`)
      .send({
        entry: { type: 'CaseOpened', where: { programme: 'reintegration' }, from: '2002-01-01', to: '2002-12-31' },
        measures: [{ kind: 'statusAtOffsets', offsetsMonths: [12] }],
      });
    expect(answer.status).toBe(200);
    expect(answer.body.cohortSize).toBe(KVINNOFORUM_COHORT);
    expect(KVINNOFORUM_COHORT).toBe(332);
    const [table] = answer.body.measures;
    expect(table).toMatchObject({ kind: 'statusAtOffsets', offsetMonths: 12 });
    const byCategory = Object.fromEntries(table.rows.map((row: { category: string }) => [row.category, row]));
    // The earlier status (unemployed at 2 months) and the later one (self-employed at 14 months) do not count.
    expect(Object.keys(byCategory).sort()).toEqual(Object.keys(KVINNOFORUM_AT_12_MONTHS).sort());
    for (const [category, n] of Object.entries(KVINNOFORUM_AT_12_MONTHS)) expect(byCategory[category].n).toBe(n);
    expect(Math.round(byCategory.private_business.percent)).toBe(28);
    expect(Math.round(byCategory.state_owned_business.percent)).toBe(11);
    expect(Math.round(byCategory.student.percent)).toBe(9);
    expect(Math.round(byCategory.still_receiving_assistance.percent)).toBe(15);
    expect(byCategory.private_business.percent).toBe(28.0);
    expect(byCategory.state_owned_business.percent).toBe(11.1);
  });
});
