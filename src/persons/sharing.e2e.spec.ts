import { startTestApp, type TestApp } from '../../test/support/app';

/**
 * An organisation given sharing access once tried to widen it: an override for itself and for a third organisation,
 * a transfer to itself, and access that outlived the consent. The whole sequence, replayed over HTTP.
 */
describe('sharing is the holding organisation\u2019s decision', () => {
  let t: TestApp;
  let personId: string;
  const as = async (org: string, role: 'caseworker' | 'programme_manager' = 'caseworker') => `Bearer ${await t.token(role, org)}`;
  const record = async (org: string, route: string, body: object) =>
    t
      .http()
      .post(`/persons/${personId}/${route}`)
      .set('authorization', await as(org))
      .send({ occurredAt: '2024-03-01', ...body });
  const read = async (org: string) =>
    t
      .http()
      .get(`/persons/${personId}/events`)
      .set('authorization', await as(org))
      .set('x-access-purpose', 'service_delivery');

  beforeAll(async () => {
    t = await startTestApp();
    const registered = await t
      .http()
      .post('/persons')
      .set('authorization', await as('org-a'))
      .send({ gender: 'female', citizenship: 'MD', occurredAt: '2024-02-10' });
    personId = registered.body.personId;
    expect((await record('org-a', 'consents', { scope: 'assistance' })).status).toBe(201);
    expect((await record('org-a', 'consents', { scope: 'sharing', organisationId: 'org-b' })).status).toBe(201);
  });
  afterAll(() => t.close());

  it('lets the organisation it is shared with read the case and record its own work', async () => {
    expect((await read('org-b')).status).toBe(200);
    expect((await record('org-b', 'services', { domain: 'accommodation', serviceType: 'shelter' })).status).toBe(201);
    expect((await record('org-b', 'follow-up-contacts', { mode: 'phone', result: 'reached' })).status).toBe(201);
  });

  it.each([
    ['an override for itself', 'sharing-overrides', { organisationId: 'org-b', basis: 'vital_interest' }],
    ['an override for a third organisation', 'sharing-overrides', { organisationId: 'org-c', basis: 'vital_interest' }],
    ['a transfer to itself', 'case-transfers', { toOrganisationId: 'org-b' }],
    ['a consent for a third organisation', 'consents', { scope: 'sharing', organisationId: 'org-c' }],
    ['a withdrawal', 'consent-withdrawals', { scope: 'assistance' }],
    ['a referral', 'referrals', { referralId: 'R-1', toOrganisationId: 'org-b' }],
    ['a case reopening', 'case-reopenings', { reason: 'asked to' }],
  ])('refuses %s from the organisation it is shared with (422, rule named)', async (_, route, body) => {
    const answer = await record('org-b', route, body);
    expect(answer.status).toBe(422);
    expect(answer.body.rule).toBe('holding_organisation_only');
  });

  it('refuses an override naming the organisation that records it', async () => {
    const answer = await record('org-a', 'sharing-overrides', { organisationId: 'org-a', basis: 'legal_obligation' });
    expect(answer.status).toBe(422);
    expect(answer.body.rule).toBe('override_names_own_organisation');
  });

  it('ends the other organisation\u2019s access at once when the holder withdraws the sharing consent', async () => {
    expect((await record('org-a', 'consent-withdrawals', { scope: 'sharing', organisationId: 'org-b' })).status).toBe(201);
    expect((await read('org-b')).status).toBe(404);
    expect((await record('org-b', 'services', { domain: 'accommodation', serviceType: 'shelter' })).status).toBe(404);
    expect(
      (
        await t
          .http()
          .get(`/persons/${personId}/status`)
          .set('authorization', await as('org-b'))
          .set('x-access-purpose', 'service_delivery')
      ).status,
    ).toBe(404);
    expect((await read('org-c')).status).toBe(404);
    const events = (await read('org-a')).body as { type: string; data: { organisationId?: string } }[];
    expect(events.filter((event) => event.type === 'SharingOverrideRecorded' || event.type === 'CaseTransferred')).toEqual([]);
  });
});
