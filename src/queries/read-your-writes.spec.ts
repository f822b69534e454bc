import { randomUUID } from 'node:crypto';
import { startReadApi, type ReadApi } from '../../test/projections/read-api';
import { fact } from '../../test/projections/read-model-database';

let api: ReadApi;
// No runner: the read models never reach the position asked for.
beforeAll(async () => (api = await startReadApi({ runner: false, readYourWritesTimeoutMs: 200 })));
afterAll(() => api.close());

test('a read model that does not reach minPosition in time answers 503 with Retry-After', async () => {
  const personId = randomUUID();
  const { position } = await api.db.store.append(
    `journey-${personId}`,
    [fact('PersonRegistered', { gender: 'male', citizenship: 'AL' }, '2022-01-01')],
    'no_stream',
  );
  for (const path of [`/persons/${personId}/status`, `/persons/${personId}/timeline`, '/caseload']) {
    const response = await api.http().get(path).query({ minPosition: position }).expect(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  }
  // without minPosition the answer is immediate, and says which position it reflects
  const caseload = await api.http().get('/caseload').expect(200);
  expect(caseload.body).toEqual({ position: 0, items: [], nextCursor: null });
});
