import fc from 'fast-check';
import { givenStream } from '../test/support/projection-given';
import { effectiveHistory } from './corrections';
import { currentStatus, type CurrentStatusRow } from './current-status';
import type { ProjectedEvent } from './projection';

/** Folds events the way the runner does: ordinary events applied, corrections recomputed from the history. */
function project(events: readonly ProjectedEvent[]): CurrentStatusRow | undefined {
  let row: CurrentStatusRow | undefined;
  events.forEach((event, index) => {
    const change =
      event.type === 'EnteredInError' || event.type === 'EventCorrected'
        ? currentStatus.recompute(event.streamId.slice(8), effectiveHistory(events.slice(0, index + 1)), event)
        : currentStatus.apply(event, row);
    row = change.rows[0];
  });
  return row;
}

function registered() {
  const stream = givenStream();
  stream.add('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2021-03-02');
  return stream;
}

describe('current_status', () => {
  test('a registered person is identified, with nothing else known', () => {
    const stream = registered();
    expect(project(stream.events)).toMatchObject({
      personId: stream.personId,
      organisationId: 'org-a',
      phase: 'identified',
      caseOpen: false,
      activeConsents: [],
      lastContactAt: '2021-03-02',
      contactLost: false,
      reTrafficked: false,
      revision: 0,
      position: 1,
    });
  });

  test('the journey through recovery, return and re/integration moves the phase, closure ends it', () => {
    const stream = registered();
    stream.add('ConsentGranted', { scope: 'assistance' }, '2021-03-02');
    stream.add('CaseOpened', { programme: 'recovery' }, '2021-03-03');
    expect(project(stream.events)).toMatchObject({ phase: 'in_recovery', caseOpen: true, programme: 'recovery' });
    stream.add('ReturnCompleted', { destinationCountry: 'MD' }, '2021-06');
    expect(project(stream.events)).toMatchObject({ phase: 'returned', returned: true });
    stream.add('CaseOpened', { programme: 'reintegration' }, '2021-07-01');
    expect(project(stream.events)).toMatchObject({ phase: 'in_reintegration' });
    stream.add('CaseClosed', { reason: 'goals_met' }, '2023-01-10');
    expect(project(stream.events)).toMatchObject({ phase: 'closed', caseOpen: false, closureReason: 'goals_met' });
    stream.add('CaseReopened', { reason: 'new needs' }, '2023-05-01');
    expect(project(stream.events)).toMatchObject({ phase: 'in_reintegration', caseOpen: true, closureReason: null });
  });

  test('consents are granted and withdrawn per scope, sharing per organisation', () => {
    const stream = registered();
    stream.add('ConsentGranted', { scope: 'sharing', organisationId: 'org-b' }, '2021-03-02');
    stream.add('ConsentGranted', { scope: 'assistance' }, '2021-03-02');
    stream.add('ConsentGranted', { scope: 'sharing', organisationId: 'org-c' }, '2021-03-03');
    stream.add('ConsentWithdrawn', { scope: 'sharing', organisationId: 'org-b' }, '2021-04-01');
    expect(project(stream.events)?.activeConsents).toEqual([{ scope: 'assistance' }, { scope: 'sharing', organisationId: 'org-c' }]);
  });

  test('employment and outcomes keep the latest by occurredAt, even when older news is recorded later', () => {
    const stream = registered();
    stream.add('EmploymentStatusRecorded', { status: 'self_employed', employed: true }, '2023-02');
    stream.add('EmploymentStatusRecorded', { status: 'unemployed', employed: false }, '2022-05-01');
    stream.add('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'yes' }, '2022-01-01');
    stream.add('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'no' }, '2021-06-01');
    stream.add('OutcomeAssessed', { domain: 'mental_health', indicator: 'phq9', value: 7 }, '2022-02-01');
    const row = project(stream.events);
    expect(row).toMatchObject({ employmentStatus: 'self_employed', employed: true, employmentStatusAt: '2023-02' });
    expect(row?.latestOutcomes).toEqual({
      accommodation: { indicator: 'safe_housing', value: 'yes', occurredAt: '2022-01-01' },
      mental_health: { indicator: 'phq9', value: 7, occurredAt: '2022-02-01' },
    });
    expect(row?.lastContactAt).toBe('2023-02');
  });

  test('services are counted by domain; contact lost and re-trafficking are flagged', () => {
    const stream = registered();
    stream.add('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2021-03-05');
    stream.add('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2021-04-05');
    stream.add('ServiceDelivered', { domain: 'mental_health', serviceType: 'counselling' }, '2021-04-06');
    stream.add('FollowUpContactAttempted', { mode: 'phone', result: 'no_answer' }, '2021-09-01');
    stream.add('ContactLost', {}, '2021-09-02');
    stream.add('ReTraffickingReported', {}, '2022-01');
    const row = project(stream.events);
    expect(row).toMatchObject({
      servicesByDomain: { accommodation: 2, mental_health: 1 },
      lastContactAt: '2021-04-06',
      contactLost: true,
      reTrafficked: true,
      phase: 'in_recovery',
      revision: 6,
      position: 7,
    });
    stream.add('FollowUpContactAttempted', { mode: 'in_person', result: 'reached' }, '2022-03-01');
    stream.add('ContactReestablished', {}, '2022-03-01');
    expect(project(stream.events)).toMatchObject({ contactLost: false, lastContactAt: '2022-03-01' });
  });

  test('an event entered in error counts for nothing; the row still reflects the correction position', () => {
    const stream = registered();
    const mistaken = stream.add('ReTraffickingReported', {}, '2022-01');
    stream.add('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2022-02-01');
    const correction = stream.add('EnteredInError', { targetEventId: mistaken.eventId, reason: 'wrong person' }, '2022-02-02');
    expect(project(stream.events)).toMatchObject({
      reTrafficked: false,
      servicesByDomain: { accommodation: 1 },
      revision: correction.streamRevision,
      position: correction.position,
    });
  });

  test('a corrected event counts with its corrected data; correcting the correction away restores the original', () => {
    const stream = registered();
    const closed = stream.add('CaseClosed', { reason: 'moved_away' }, '2022-01-01');
    const correction = stream.add('EventCorrected', { targetEventId: closed.eventId, reason: 'typo', correctedData: { reason: 'goals_met' } }, '2022-01-01');
    expect(project(stream.events)?.closureReason).toBe('goals_met');
    stream.add('EnteredInError', { targetEventId: correction.eventId, reason: 'the first was right' }, '2022-01-02');
    expect(project(stream.events)?.closureReason).toBe('moved_away');
  });

  test('a person whose every event was entered in error has no row', () => {
    const stream = registered();
    stream.add('EnteredInError', { targetEventId: stream.events[0].eventId, reason: 'duplicate person' }, '2021-03-02');
    expect(project(stream.events)).toBeUndefined();
  });

  test('property: entering any event in error gives the row of the history without it', () => {
    const facts: [string, Record<string, unknown>][] = [
      ['ConsentGranted', { scope: 'assistance' }],
      ['ConsentWithdrawn', { scope: 'assistance' }],
      ['CaseOpened', { programme: 'recovery' }],
      ['CaseOpened', { programme: 'reintegration' }],
      ['CaseClosed', { reason: 'lost_contact' }],
      ['CaseReopened', { reason: 'back' }],
      ['ReturnCompleted', { destinationCountry: 'AL' }],
      ['ServiceDelivered', { domain: 'physical_health', serviceType: 'medical_care' }],
      ['EmploymentStatusRecorded', { status: 'student', employed: false }],
      ['OutcomeAssessed', { domain: 'legal_status', indicator: 'documents', value: true }],
      ['ContactLost', {}],
      ['ContactReestablished', {}],
      ['ReTraffickingReported', {}],
    ];
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2022-03-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...facts), day), { minLength: 1, maxLength: 15 }), fc.nat(), (steps, pick) => {
        const withMistake = registered();
        const without = givenStream(withMistake.personId);
        without.add('PersonRegistered', { gender: 'female', citizenship: 'MD' }, '2021-03-02');
        const mistakeAt = pick % steps.length;
        let target = '';
        steps.forEach(([[type, data], occurredAt], index) => {
          const event = withMistake.add(type, data, occurredAt);
          if (index === mistakeAt) target = event.eventId;
          else without.add(type, data, occurredAt);
        });
        withMistake.add('EnteredInError', { targetEventId: target, reason: 'mistake' }, '2022-04-01');
        const { revision: _r, position: _p, ...corrected } = project(withMistake.events)!;
        const { revision: _r2, position: _p2, ...expected } = project(without.events)!;
        expect(corrected).toEqual(expected);
      }),
    );
  });
});
