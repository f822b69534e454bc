import { randomUUID } from 'node:crypto';
import { startReadApi, type ReadApi } from '../../../test/projections/read-api';
import { fact } from '../../../test/projections/read-model-database';

let api: ReadApi;
beforeAll(async () => (api = await startReadApi()));
afterAll(() => api.close());

test('GET /persons/:personId/timeline: points in date order, filtered by domain and date range, corrections honoured', async () => {
  const personId = randomUUID();
  const stream = `journey-${personId}`;
  const mistaken = fact('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'no' }, '2021-02-01');
  await api.db.store.append(
    stream,
    [
      fact('PersonRegistered', { gender: 'female', citizenship: 'NG' }, '2020-01-01'),
      fact('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'yes' }, '2023-06'),
      fact('EmploymentStatusRecorded', { status: 'student' }, '2021-09-01'),
      mistaken,
      fact('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'no' }, '2020-03-15'),
    ],
    'no_stream',
  );
  const { position } = await api.db.store.append(stream, [fact('EnteredInError', { targetEventId: mistaken.eventId, reason: 'duplicate' }, '2021-02-02')], 4);

  const all = await api.http().get(`/persons/${personId}/timeline`).query({ minPosition: position }).expect(200);
  expect(all.body.position).toBeGreaterThanOrEqual(position);
  expect(
    all.body.points.map((point: { domain: string; indicator: string; occurredAt: string }) => `${point.occurredAt} ${point.domain}.${point.indicator}`),
  ).toEqual(['2020-03-15 accommodation.safe_housing', '2021-09-01 employment.status', '2021-09-01 employment.employed', '2023-06 accommodation.safe_housing']);

  const filtered = await api.http().get(`/persons/${personId}/timeline`).query({ domain: 'accommodation', from: '2021-01', to: '2023-06' }).expect(200);
  expect(filtered.body.points).toEqual([
    expect.objectContaining({ kind: 'outcome', domain: 'accommodation', indicator: 'safe_housing', value: 'yes', occurredAt: '2023-06' }),
  ]);
  const point = filtered.body.points[0];
  expect(Object.keys(point).sort()).toEqual(['domain', 'eventId', 'indicator', 'kind', 'occurredAt', 'position', 'recordedAt', 'seq', 'value']);
});

test('unknown person 404; bad dates 400', async () => {
  await api.http().get(`/persons/${randomUUID()}/timeline`).expect(404);
  const bad = await api.http().get(`/persons/${randomUUID()}/timeline`).query({ from: '2021-13' }).expect(400);
  expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
});
