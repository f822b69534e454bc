import { nameBasedUuid } from '../journey/event-id';
import { openCheckpoint } from '../integrity/checkpoint';
import { parseVerifierKey } from '../integrity/signed-note';
import { startTestApp, type TestApp } from '../../test/support/app';

/**
 * A small study held by two organisations: org-a's 30 persons entered reintegration in 2024, with their status
 * 11 months later (14 private business, 12 state-owned business, 4 students); org-b's 20 persons entered too.
 */
const STATUSES_A = [...Array(14).fill('private_business'), ...Array(12).fill('state_owned_business'), ...Array(4).fill('student')] as string[];

const personOf = (org: string, index: number) => nameBasedUuid('cohort-e2e', org, String(index));
const statusEventOf = (org: string, index: number) => nameBasedUuid('cohort-e2e-status', org, String(index));

function journeyLines(org: string, index: number, status: string, citizenship: string): string[] {
  const personId = personOf(org, index);
  const month = String((index % 12) + 1).padStart(2, '0');
  const line = (type: string, occurredAt: string, data: Record<string, unknown>, eventId?: string) =>
    JSON.stringify({ ...(eventId ? { eventId } : {}), personId, type, occurredAt, organisationId: org, data });
  return [
    line('PersonRegistered', `2023-${month}-01`, { gender: 'female', birthYear: 1990, citizenship }),
    line('CaseOpened', `2024-${month}-05`, { programme: 'reintegration' }),
    line('EmploymentStatusRecorded', `2025-${month}-01`, { status }, statusEventOf(org, index)),
  ];
}

const DEFINITION = {
  entry: { type: 'CaseOpened', where: { programme: 'reintegration' }, from: '2024-01', to: '2024-12-31' },
  measures: [{ kind: 'statusAtOffsets', offsetsMonths: [12] }],
};

describe('cohort reports (POST /cohort-reports)', () => {
  let t: TestApp;
  let evaluator: string;
  const report = (token: string, definition: unknown = DEFINITION, accept = 'application/json') =>
    t
      .http()
      .post('/cohort-reports')
      .set({ authorization: `Bearer ${token}`, accept })
      .send(definition as object);
  const importLines = async (org: string, lines: string[]) => {
    const answer = await t
      .http()
      .post('/imports')
      .set({ authorization: `Bearer ${await t.token('programme_manager', org)}`, 'content-type': 'application/x-ndjson' })
      .send(`${lines.join('\n')}\n`);
    expect(answer.status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp();
    evaluator = await t.token('evaluator', 'org-a');
    await importLines(
      'org-a',
      STATUSES_A.flatMap((status, index) => journeyLines('org-a', index, status, index < 5 ? 'UA' : 'MD')),
    );
    await importLines('org-b', Array.from({ length: 20 }, (_, index) => journeyLines('org-b', index, 'student', 'MD')).flat());
  });
  afterAll(() => t.close());

  test('counts the persons the asking organisation held at entry; a count under k is suppressed, and the next smallest with it', async () => {
    const answer = await report(evaluator);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ organisationId: 'org-a', cohortSize: 30 });
    expect(answer.body.measures).toEqual([
      {
        kind: 'statusAtOffsets',
        offsetMonths: 12,
        rows: [
          { category: 'private_business', n: 14, percent: 46.7 },
          { category: 'state_owned_business', suppressed: true },
          { category: 'student', suppressed: true },
        ],
      },
    ]);
    const other = await report(await t.token('programme_manager', 'org-b'));
    expect(other.body).toMatchObject({ organisationId: 'org-b', cohortSize: 20 });
    expect(other.body.measures[0].rows).toEqual([{ category: 'student', n: 20, percent: 100 }]);
  });

  test('a cohort smaller than k is refused: 422 cohort_below_k, without its size', async () => {
    const answer = await report(evaluator, { ...DEFINITION, filters: { citizenship: ['UA'] } });
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.rule).toBe('cohort_below_k');
    expect(JSON.stringify(answer.body)).not.toMatch(/\b5\b/);
  });

  test('a bad definition is a 400 naming every bad field, and nothing is computed', async () => {
    const answer = await report(evaluator, {
      entry: { type: 'PersonalDataRecorded', from: '2024-13', to: '2024-01-01' },
      filters: { ageBand: ['18-24'] },
      measures: [
        { kind: 'statusAtOffsets', offsetsMonths: [], months: 3 },
        { kind: 'domainTrajectories', offsetsMonths: [0], achieved: { housing: { indicator: 'x', equals: 1 } } },
      ],
      k: 5,
      treeSize: 0,
      surprise: true,
    });
    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    for (const field of [
      'entry.type',
      'entry.from',
      'filters.ageBand',
      'measures.0.offsetsMonths',
      'measures.0.months',
      'measures.1.achieved',
      'k',
      'treeSize',
      'surprise',
    ]) {
      expect(fields).toContain(field);
    }
    const beyond = await report(evaluator, { ...DEFINITION, treeSize: 10_000_000 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors).toEqual([{ field: 'treeSize', reason: expect.stringMatching(/beyond the log/) }]);
  });

  test('only evaluators and programme managers may ask; an evaluator reads no person', async () => {
    expect((await report(await t.token('caseworker', 'org-a'))).status).toBe(403);
    expect((await report(await t.token('auditor', 'org-a'))).status).toBe(403);
    expect((await t.http().post('/cohort-reports').send(DEFINITION)).status).toBe(401);
    const status = await t
      .http()
      .get(`/persons/${personOf('org-a', 0)}/status`)
      .set({ authorization: `Bearer ${evaluator}`, 'x-access-purpose': 'evaluation' });
    expect(status.status).toBe(403);
  });

  test('CSV on request, one line per figure, suppressed figures kept with an empty value; the codebook beside it', async () => {
    const csv = await report(evaluator, DEFINITION, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('measure,offset_months,group_by,group,group_size,row,statistic,value,suppressed');
    expect(lines).toContain('statusAtOffsets,12,,,30,private_business,n,14,false');
    expect(lines).toContain('statusAtOffsets,12,,,30,private_business,percent,46.7,false');
    expect(lines).toContain('statusAtOffsets,12,,,30,student,n,,true');
    const codebook = await report(evaluator, DEFINITION, 'text/markdown');
    expect(codebook.headers['content-type']).toMatch(/^text\/markdown/);
    for (const column of lines[0]!.split(',')) expect(codebook.text).toContain(`| ${column} |`);
    expect(codebook.text).toContain('k = 11');
    expect(codebook.text).toContain('"programme": "reintegration"');
  });

  test('every report is written to the access log, with who asked and over which leaves', async () => {
    const answer = await report(evaluator);
    const log = await t
      .http()
      .get('/audit/access-log')
      .set('authorization', `Bearer ${await t.token('auditor', 'org-a')}`);
    expect(log.status).toBe(200);
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({ actor: 'user-evaluator', resource: '/cohort-reports', range: { from: 0, to: answer.body.checkpoint.treeSize } }),
    );
  });

  test('reproducible: the same definition at the same treeSize is byte-identical after more events, corrections included; asKnownAt sees the past', async () => {
    const first = await report(evaluator);
    const { treeSize } = first.body.checkpoint;
    await new Promise((resolve) => setTimeout(resolve, 5)); // what follows is recorded strictly later

    // More history: a new person enters, one student's status is corrected, one is entered in error.
    await importLines('org-a', journeyLines('org-a', 100, 'private_business', 'MD'));
    await importLines('org-a', [
      JSON.stringify({
        personId: personOf('org-a', 26),
        type: 'EventCorrected',
        occurredAt: '2025-12-01',
        organisationId: 'org-a',
        data: { targetEventId: statusEventOf('org-a', 26), reason: 'status recorded for the wrong month', correctedData: { status: 'private_business' } },
      }),
      JSON.stringify({
        personId: personOf('org-a', 27),
        type: 'EnteredInError',
        occurredAt: '2025-12-01',
        organisationId: 'org-a',
        data: { targetEventId: statusEventOf('org-a', 27), reason: 'another person' },
      }),
    ]);

    const again = await report(evaluator, first.body.definition);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);

    const now = await report(evaluator);
    expect(now.body.cohortSize).toBe(31);
    expect(now.body.checkpoint.treeSize).toBeGreaterThan(treeSize);
    expect(now.body.measures[0].rows).toContainEqual({ category: 'private_business', n: 16, percent: 51.6 });

    const asKnown = await report(evaluator, { ...DEFINITION, asKnownAt: first.body.asKnownAt });
    expect(asKnown.body.checkpoint.treeSize).toBe(now.body.checkpoint.treeSize);
    expect(asKnown.body.cohortSize).toBe(first.body.cohortSize);
    expect(asKnown.body.measures).toEqual(first.body.measures);

    // The checkpoint is signed for exactly that tree, served by the audit API, and checks with the public key.
    const note = first.body.checkpoint.note as string;
    const publicKey = (await t.http().get('/audit/public-key')).text.trim();
    const checkpoint = openCheckpoint(note, parseVerifierKey(publicKey));
    expect(checkpoint.size).toBe(treeSize);
    expect(checkpoint.rootHash.toString('base64')).toBe(first.body.checkpoint.rootHash);
    const served = await t
      .http()
      .get(`/audit/checkpoints?size=${treeSize}`)
      .set('authorization', `Bearer ${await t.token('auditor', 'org-a')}`);
    expect(served.text).toBe(note);
  });
});
