import { randomUUID } from 'node:crypto';
import { startReadApi, type ReadApi } from '../../../test/projections/read-api';
import { fact } from '../../../test/projections/read-model-database';

let api: ReadApi;
beforeAll(async () => (api = await startReadApi()));
afterAll(() => api.close());

test('GET /persons/:personId/status waits for minPosition (read-your-writes) and states the position it reflects', async () => {
  const personId = randomUUID();
  await api.db.store.append(`journey-${personId}`, [fact('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2022-01-01')], 'no_stream');
  const { position } = await api.db.store.append(
    `journey-${personId}`,
    [fact('ConsentGranted', { scope: 'assistance' }, '2022-01-02'), fact('CaseOpened', { programme: 'recovery' }, '2022-01-03')],
    0,
  );
  const response = await api.http().get(`/persons/${personId}/status`).query({ minPosition: position }).expect(200);
  expect(response.body.position).toBeGreaterThanOrEqual(position);
  expect(response.body.status).toMatchObject({
    personId,
    phase: 'in_recovery',
    caseOpen: true,
    activeConsents: [{ scope: 'assistance' }],
    revision: 2,
    position,
  });
});

test('an unknown person is 404; a malformed id or minPosition is 400', async () => {
  await api.http().get(`/persons/${randomUUID()}/status`).expect(404);
  await api.http().get('/persons/not-a-uuid/status').expect(400);
  const bad = await api.http().get(`/persons/${randomUUID()}/status`).query({ minPosition: 'soon' }).expect(400);
  expect(bad.body.errors.map((error: { field: string }) => error.field)).toContain('minPosition');
  await api.http().get(`/persons/${randomUUID()}/status`).query({ unknown: 1 }).expect(400);
});
