import { givenStream } from '../test/support/projection-given';
import { effectiveHistory } from './corrections';
import { outcomeTimeline, type TimelinePoint } from './outcome-timeline';
import type { ProjectedEvent } from './projection';

/** The person's points after these events, folded the way the runner does. */
function project(events: readonly ProjectedEvent[]): Omit<TimelinePoint, 'personId' | 'eventId' | 'recordedAt' | 'position'>[] {
  let points: TimelinePoint[] = [];
  events.forEach((event, index) => {
    if (event.type === 'EnteredInError' || event.type === 'EventCorrected') {
      points = [...outcomeTimeline.recompute(event.streamId.slice(8), effectiveHistory(events.slice(0, index + 1)), event).rows];
    } else {
      points = [...points, ...outcomeTimeline.apply(event, undefined).rows];
    }
  });
  return points.map(({ personId: _p, eventId: _e, recordedAt: _r, position: _q, ...point }) => point);
}

describe('outcome_timeline', () => {
  test('outcomes, RSS scores, services and statuses become dated points', () => {
    const stream = givenStream();
    stream.add('PersonRegistered', { gender: 'male', citizenship: 'VN' }, '2020-01-10');
    stream.add('ServiceDelivered', { domain: 'accommodation', serviceType: 'shelter' }, '2020-01-11');
    stream.add('EmploymentStatusRecorded', { status: 'in_training', employed: false }, '2020-09');
    stream.add('OutcomeAssessed', { domain: 'mental_health', indicator: 'phq9', value: 12 }, '2021-01-05');
    stream.add(
      'RSSAdministered',
      {
        round: 1,
        items: { q1: 3 },
        scores: { economic: 0.4, social: 0.6, psychosocial: 0.5, composite: 0.5 },
        scoringVersion: 'iom-2019',
      },
      '2021-07-01',
    );
    stream.add('CaseClosed', { reason: 'goals_met' }, '2025-01-01');
    expect(project(stream.events)).toEqual([
      { seq: 0, kind: 'service', domain: 'accommodation', indicator: 'shelter', value: true, occurredAt: '2020-01-11' },
      { seq: 0, kind: 'status', domain: 'employment', indicator: 'status', value: 'in_training', occurredAt: '2020-09' },
      { seq: 1, kind: 'status', domain: 'employment', indicator: 'employed', value: false, occurredAt: '2020-09' },
      { seq: 0, kind: 'outcome', domain: 'mental_health', indicator: 'phq9', value: 12, occurredAt: '2021-01-05' },
      { seq: 0, kind: 'outcome', domain: 'rss', indicator: 'economic', value: 0.4, occurredAt: '2021-07-01' },
      { seq: 1, kind: 'outcome', domain: 'rss', indicator: 'social', value: 0.6, occurredAt: '2021-07-01' },
      { seq: 2, kind: 'outcome', domain: 'rss', indicator: 'psychosocial', value: 0.5, occurredAt: '2021-07-01' },
      { seq: 3, kind: 'outcome', domain: 'rss', indicator: 'composite', value: 0.5, occurredAt: '2021-07-01' },
      { seq: 0, kind: 'status', domain: 'case', indicator: 'closed', value: 'goals_met', occurredAt: '2025-01-01' },
    ]);
  });

  test('a point keeps when it happened and when the system learned it', () => {
    const stream = givenStream();
    const assessed = stream.add('OutcomeAssessed', { domain: 'legal_status', indicator: 'has_documents', value: true }, '2019-05');
    const [point] = outcomeTimeline.apply(assessed, undefined).rows;
    expect(point).toMatchObject({
      personId: stream.personId,
      eventId: assessed.eventId,
      occurredAt: '2019-05',
      recordedAt: assessed.recordedAt,
      position: assessed.position,
    });
  });

  test('corrections: a point entered in error disappears, a corrected point shows its corrected value', () => {
    const stream = givenStream();
    const wrong = stream.add('OutcomeAssessed', { domain: 'accommodation', indicator: 'safe_housing', value: 'no' }, '2021-01-01');
    const mistaken = stream.add('ReTraffickingReported', {}, '2021-02-01');
    stream.add(
      'EventCorrected',
      { targetEventId: wrong.eventId, reason: 'misread', correctedData: { domain: 'accommodation', indicator: 'safe_housing', value: 'yes' } },
      '2021-03-01',
    );
    stream.add('EnteredInError', { targetEventId: mistaken.eventId, reason: 'other person' }, '2021-03-01');
    expect(project(stream.events)).toEqual([
      { seq: 0, kind: 'outcome', domain: 'accommodation', indicator: 'safe_housing', value: 'yes', occurredAt: '2021-01-01' },
    ]);
  });

  test('events of other streams are ignored', () => {
    const stream = givenStream();
    const event = { ...stream.add('OutcomeAssessed', { domain: 'accommodation', indicator: 'x', value: 1 }, '2021-01-01'), streamId: 'organisation-org-a' };
    expect(outcomeTimeline.apply(event, undefined).rows).toEqual([]);
  });
});
