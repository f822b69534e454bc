import { getMetadataStorage } from 'class-validator';
import { JOURNEY_EVENT_TYPES, type JourneyEventType } from '../src/journey/domain/events';
import { mapFreeText } from '../src/journey/domain/free-text';
import { upcast } from '../src/journey/domain/upcasters';
import { EVENT_DATA } from '../src/journey/event-data/registry';
import { givenStream } from '../test/support/projection-given';
import { VALID } from '../test/support/valid-fact-data';
import type { CohortFact } from './cohort/fact';
import { COHORT_ENTRY_TYPES, cohortFacts } from './cohort-facts';
import { effectiveHistory, isCorrection } from './corrections';
import type { ProjectedEvent } from './projection';

/** The rows of a stream, folded as the runner folds them: events upcast, corrections recomputed from the history through them. */
function project(events: readonly ProjectedEvent[]): CohortFact[] {
  return events.flatMap((event, index) =>
    isCorrection(event)
      ? cohortFacts.recompute(event.streamId.slice('journey-'.length), effectiveHistory(events.slice(0, index + 1)).map(upcast), event).rows
      : cohortFacts.apply(upcast(event), undefined).rows,
  );
}

const dataOf = (rows: readonly CohortFact[]) => rows.map(({ type, data }) => ({ type, data }));

describe('cohort_facts', () => {
  test('one row per event: when it happened, when it was recorded, where in the log, by whom', () => {
    const stream = givenStream(undefined, 'org-b');
    const opened = stream.add('CaseOpened', { programme: 'reintegration' }, '2024-05');
    expect(cohortFacts.apply(opened, undefined)).toEqual({
      kind: 'upsert',
      rows: [
        {
          personId: stream.personId,
          eventId: opened.eventId,
          type: 'CaseOpened',
          occurredAt: '2024-05',
          recordedAt: opened.recordedAt,
          position: opened.position,
          organisationId: 'org-b',
          data: { programme: 'reintegration' },
        },
      ],
    });
    expect(cohortFacts.keyOf(cohortFacts.apply(opened, undefined).rows[0]!)).toBe(opened.eventId);
  });

  test('keeps the fields cohort studies use, and nothing of free text or of who the person is', () => {
    const stream = givenStream();
    stream.add('PersonRegistered', { gender: 'female', birthYear: 1990, citizenship: 'MD', pseudonymCode: 'P-17' }, '2024-01-10');
    stream.add('CaseTransferred', { toOrganisationId: 'org-c', reason: 'moved to Chișinău with her sister' }, '2024-02-01');
    stream.add('AssistanceDeclined', { scope: 'assistance', reason: 'her husband forbade it' }, '2024-03-01');
    stream.add(
      'ReintegrationPlanAgreed',
      {
        goals: [
          { domain: 'employment_economic', goal: 'work at the bakery on Str. Puskin' },
          { domain: 'accommodation', goal: 'a flat' },
        ],
      },
      '2024-03-02',
    );
    stream.add(
      'RSSAdministered',
      { round: 2, items: { q1: 3 }, scores: { economic: 0.4, social: 0.6, psychosocial: 0.5, composite: 0.5 }, scoringVersion: 'iom-2019' },
      '2024-04-01',
    );
    stream.add('EmploymentStatusRecorded', { status: 'self_employed' }, '2024-05', 1);
    stream.add('CaseReopened', { reason: 'she asked again' }, '2024-06-01');
    expect(dataOf(project(stream.events))).toEqual([
      { type: 'PersonRegistered', data: { gender: 'female', birthYear: 1990, citizenship: 'MD' } },
      { type: 'CaseTransferred', data: { toOrganisationId: 'org-c' } },
      { type: 'AssistanceDeclined', data: { scope: 'assistance' } },
      { type: 'ReintegrationPlanAgreed', data: { goals: [{ domain: 'employment_economic' }, { domain: 'accommodation' }] } },
      { type: 'RSSAdministered', data: { round: 2, scores: { economic: 0.4, social: 0.6, psychosocial: 0.5, composite: 0.5 }, scoringVersion: 'iom-2019' } },
      // Upcast: version 1 said only the status; whether the person is employed follows from it.
      { type: 'EmploymentStatusRecorded', data: { status: 'self_employed', employed: true } },
      { type: 'CaseReopened', data: {} },
    ]);
  });

  test('personal data, its erasure, consents and sharing give no row; nor do streams other than journeys', () => {
    const stream = givenStream();
    stream.add('PersonalDataRecorded', VALID.PersonalDataRecorded, '2024-01-01');
    stream.add('ConsentGranted', { scope: 'sharing', organisationId: 'org-b' }, '2024-01-02');
    stream.add('ConsentWithdrawn', { scope: 'sharing', organisationId: 'org-b' }, '2024-01-03');
    stream.add('SharingOverrideRecorded', { organisationId: 'org-c', basis: 'vital_interest' }, '2024-01-04');
    stream.add('PersonalDataErased', { basis: 'person_request' }, '2024-01-05');
    expect(project(stream.events)).toEqual([]);
    const elsewhere = { ...givenStream().add('CaseOpened', { programme: 'return' }, '2024-01-01'), streamId: 'organisation-org-a' };
    expect(cohortFacts.apply(elsewhere, undefined).rows).toEqual([]);
    expect(cohortFacts.apply({ ...elsewhere, streamId: stream.events[0]!.streamId, type: 'SomethingUnknown' }, undefined).rows).toEqual([]);
  });

  test('a person can enter a cohort on any fact that gives a row, but a correction', () => {
    expect(COHORT_ENTRY_TYPES).toEqual(expect.arrayContaining(['PersonRegistered', 'CaseOpened', 'ReturnCompleted', 'EmploymentStatusRecorded']));
    for (const type of [
      'PersonalDataRecorded',
      'PersonalDataErased',
      'ConsentGranted',
      'ConsentWithdrawn',
      'SharingOverrideRecorded',
      'EnteredInError',
      'EventCorrected',
    ]) {
      expect(COHORT_ENTRY_TYPES).not.toContain(type);
    }
    expect(COHORT_ENTRY_TYPES).toHaveLength(JOURNEY_EVENT_TYPES.length - 7);
  });

  test('corrections are rows of their own; the corrected data is kept as its target type keeps it', () => {
    const stream = givenStream();
    const transfer = stream.add('CaseTransferred', { toOrganisationId: 'org-b', reason: 'typo in the organisation' }, '2024-02-01');
    const closed = stream.add('CaseClosed', { reason: 'moved_away' }, '2024-03-01');
    const corrected = stream.add(
      'EventCorrected',
      { targetEventId: transfer.eventId, reason: 'wrong organisation', correctedData: { toOrganisationId: 'org-c', reason: 'moved to the city' } },
      '2024-03-02',
    );
    const voided = stream.add('EnteredInError', { targetEventId: closed.eventId, reason: 'another person' }, '2024-03-03');
    const rows = project(stream.events);
    expect(dataOf(rows)).toEqual([
      { type: 'CaseTransferred', data: { toOrganisationId: 'org-b' } },
      { type: 'CaseClosed', data: { reason: 'moved_away' } },
      { type: 'EventCorrected', data: { targetEventId: transfer.eventId, correctedData: { toOrganisationId: 'org-c' } } },
      { type: 'EnteredInError', data: { targetEventId: closed.eventId } },
    ]);
    expect(rows[2]).toMatchObject({ eventId: corrected.eventId, recordedAt: corrected.recordedAt, position: corrected.position });
    expect(rows[3]).toMatchObject({ eventId: voided.eventId, position: voided.position });
    // What the reports do with them: the corrections of projections/corrections.ts, unchanged, over the rows.
    expect(dataOf(effectiveHistory(rows))).toEqual([{ type: 'CaseTransferred', data: { toOrganisationId: 'org-c' } }]);
  });

  test('a correction of a corrected event carries its own corrected data; one of an upcast type, the upcast data', () => {
    const stream = givenStream();
    const status = stream.add('EmploymentStatusRecorded', { status: 'student' }, '2024-02', 1);
    stream.add('EventCorrected', { targetEventId: status.eventId, reason: 'r', correctedData: { status: 'unemployed' } }, '2024-03-01');
    stream.add('EventCorrected', { targetEventId: status.eventId, reason: 'r', correctedData: { status: 'private_business' } }, '2024-04-01');
    expect(dataOf(project(stream.events)).slice(1)).toEqual([
      { type: 'EventCorrected', data: { targetEventId: status.eventId, correctedData: { status: 'unemployed', employed: false } } },
      { type: 'EventCorrected', data: { targetEventId: status.eventId, correctedData: { status: 'private_business', employed: true } } },
    ]);
  });

  test('a correction of an event already entered in error corrects nothing; one of a fact kept out gives no row', () => {
    const stream = givenStream();
    const lost = stream.add('CaseClosed', { reason: 'lost_contact' }, '2024-02-01');
    const consent = stream.add('ConsentGranted', { scope: 'follow_up' }, '2024-02-02');
    stream.add('EnteredInError', { targetEventId: lost.eventId, reason: 'r' }, '2024-03-01');
    stream.add('EventCorrected', { targetEventId: lost.eventId, reason: 'r', correctedData: { reason: 'goals_met' } }, '2024-03-02');
    stream.add('EventCorrected', { targetEventId: consent.eventId, reason: 'r', correctedData: { scope: 'research' } }, '2024-03-03');
    expect(dataOf(project(stream.events))).toEqual([
      { type: 'CaseClosed', data: { reason: 'lost_contact' } },
      { type: 'EnteredInError', data: { targetEventId: lost.eventId } },
      { type: 'EventCorrected', data: {} },
    ]);
  });
});

describe('no free text ever reaches a row', () => {
  const FREE_TEXT = 'FREE TEXT: Ana Popescu, 0722 123 456';
  const sealedFreeText = { ciphertext: FREE_TEXT, iv: 'AAAA', tag: 'BBBB' };
  /** Every free-text field of the type's sample set to `text`, plus a field no type declares. */
  const withFreeText = (type: JourneyEventType, text: unknown) => ({
    ...mapFreeText(type, VALID[type] as object, () => text),
    undeclared: FREE_TEXT,
  });

  test('the samples fill in every field each fact declares, free text included', () => {
    for (const type of JOURNEY_EVENT_TYPES) {
      const declared = getMetadataStorage()
        .getTargetValidationMetadatas(EVENT_DATA[type], '', true, false)
        .map((rule) => rule.propertyName);
      expect({ type, missing: declared.filter((field) => !(field in VALID[type])) }).toEqual({ type, missing: [] });
    }
    const freeTextPaths: string[] = [];
    for (const type of JOURNEY_EVENT_TYPES) mapFreeText(type, VALID[type] as object, (_, path) => freeTextPaths.push(`${type}.${path}`));
    expect(freeTextPaths.sort()).toEqual([
      'AssistanceDeclined.reason',
      'CaseReopened.reason',
      'CaseTransferred.reason',
      'EnteredInError.reason',
      'EventCorrected.reason',
      'ReintegrationPlanAgreed.goals[0].goal',
    ]);
  });

  test.each([
    ['in plain text (schema version 1)', FREE_TEXT],
    ['sealed (schema version 2)', sealedFreeText],
  ])('of any event type, nor of any correction of it, %s', (_, text) => {
    const stream = givenStream();
    for (const type of JOURNEY_EVENT_TYPES) {
      if (isCorrection({ type })) continue;
      const target = stream.add(type, withFreeText(type, text), '2024-01-01');
      stream.add(
        'EventCorrected',
        { ...withFreeText('EventCorrected', text), targetEventId: target.eventId, correctedData: withFreeText(type, text) },
        '2024-02-01',
      );
      stream.add('EnteredInError', { ...withFreeText('EnteredInError', text), targetEventId: target.eventId }, '2024-03-01');
    }
    const rows = project(stream.events);
    expect(rows.length).toBeGreaterThan(JOURNEY_EVENT_TYPES.length);
    expect(JSON.stringify(rows)).not.toContain('FREE TEXT');
  });
});
