import { Client } from 'pg';
import { startTestApp, type TestApp } from '../../test/support/app';
import { eventLogApart, tablesOf } from '../../test/support/database';

/**
 * Where the app keeps its event log: in the read models' database by default, in one of its own with EVENT_STORE_URL
 * (the suite's run with the log apart). Either way the events land in the event log's database and nowhere else.
 */
describe('the event log where the configuration places it', () => {
  let t: TestApp;

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  async function eventsIn(url: string, streamId: string): Promise<number> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM events WHERE stream_id = $1', [streamId])).rows[0].n);
    } finally {
      await client.end();
    }
  }

  test('a registered person is an event in the event log’s database; read models stay in theirs', async () => {
    const caseworker = await t.token('caseworker');
    const answer = await t
      .http()
      .post('/persons')
      .set({ authorization: `Bearer ${caseworker}` })
      .send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(answer.status).toBe(201);
    expect(await eventsIn(t.eventLogUrl, `journey-${answer.body.personId as string}`)).toBe(1);

    const readModels = await tablesOf(t.databaseUrl);
    expect(readModels).toEqual(expect.arrayContaining(['current_status', 'merkle_log_head', 'cohort_facts']));
    if (eventLogApart()) {
      expect(t.eventLogUrl).not.toBe(t.databaseUrl);
      expect(readModels).not.toContain('events');
      expect(readModels).not.toContain('event_log_head');
      expect((await tablesOf(t.eventLogUrl)).filter((table) => table !== 'schema_migrations').sort()).toEqual(['event_log_head', 'events']);
    } else {
      expect(t.eventLogUrl).toBe(t.databaseUrl);
      expect(readModels).toEqual(expect.arrayContaining(['events', 'event_log_head']));
    }
  });
});
