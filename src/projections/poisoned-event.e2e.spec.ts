import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../event-store/postgres-event-store';
import { startTestApp, type TestApp } from '../../test/support/app';

/**
 * A sharing consent whose organisationId holds U+0000, already in the log (written before validation refused such
 * values): PostgreSQL refuses it in the status read model. It once stopped the runner for every organisation.
 */
describe('an event a read model cannot apply stops nobody else', () => {
  let t: TestApp;
  let store: PostgresEventStore;
  let caseworker: string;

  beforeAll(async () => {
    t = await startTestApp();
    store = new PostgresEventStore(t.eventLogUrl, { poolSize: 2 });
    caseworker = await t.token('caseworker');
  });
  afterAll(async () => {
    await store.close();
    await t.close();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'x-access-purpose': 'case_management' });
  const register = async () => {
    const answer = await t.http().post('/persons').set(as(caseworker)).send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    expect(answer.status).toBe(201);
    return answer.body as { personId: string; position: number };
  };

  test('later writes are read with minPosition (200, not 503); the parked event is counted in /metrics', async () => {
    const anna = await register();
    await store.append(
      `journey-${anna.personId}`,
      [
        {
          eventId: randomUUID(),
          type: 'ConsentGranted',
          schemaVersion: 1,
          occurredAt: '2024-02-11',
          data: { scope: 'sharing', organisationId: 'org-b\u0000' },
          metadata: { actor: 'user-caseworker', organisationId: 'org-a', correlationId: randomUUID(), causationId: null },
        },
      ],
      0,
    );

    const ben = await register();
    const status = await t.http().get(`/persons/${ben.personId}/status`).query({ minPosition: ben.position }).set(as(caseworker));
    expect(status.status).toBe(200);
    expect(status.body.position).toBeGreaterThanOrEqual(ben.position);
    const manager = await t.token('programme_manager');
    expect((await t.http().get('/caseload').query({ minPosition: ben.position }).set(as(manager))).status).toBe(200);
    expect((await t.http().get(`/persons/${anna.personId}/timeline`).query({ minPosition: ben.position }).set(as(caseworker))).status).toBe(200);

    const metrics = await t
      .http()
      .get('/metrics')
      .set('authorization', `Bearer ${await t.token('admin')}`);
    expect(metrics.text).toContain('journey_projection_parked_events{projection="current_status"} 1');
    expect(metrics.text).toContain('journey_projection_parked_events{projection="outcome_timeline"} 0');
  });
});
