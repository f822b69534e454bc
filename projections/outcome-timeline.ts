import type { Answer, JourneyEventData } from '../src/journey/domain/events';
import type { EmploymentStatusRecordedV2 } from '../src/journey/domain/upcasters';
import { personIdOf, type ProjectedEvent, type Projection } from './projection';

/**
 * `outcome_timeline`: dated points per person, to draw their journey over 5 or 10 years. A point sits at
 * `occurredAt` (when it happened) and keeps `recordedAt` (when the system learned it), so a timeline can also be
 * drawn "as known at" a date.
 */

export type PointKind = 'outcome' | 'status' | 'service';

export interface TimelinePoint {
  personId: string;
  eventId: string;
  /** Index of the point among those of its event (an RSS round gives four). */
  seq: number;
  kind: PointKind;
  /**
   * The series: an outcome domain code (accommodation, mental_health...), `rss`, or a status: `employment`,
   * `case`, `contact`, `return`, `residence_permit`, `re_trafficking`.
   */
  domain: string;
  indicator: string;
  value: Answer;
  /** `YYYY-MM-DD` or `YYYY-MM`, as recorded. */
  occurredAt: string;
  recordedAt: string;
  position: number;
}

type PointFacts = Pick<TimelinePoint, 'kind' | 'domain' | 'indicator' | 'value'>;

const status = (domain: string, indicator: string, value: Answer): PointFacts => ({ kind: 'status', domain, indicator, value });

/** The points one event puts on the timeline, in the event's own words. */
function pointsOf(event: ProjectedEvent): PointFacts[] {
  const { data } = event;
  switch (event.type) {
    case 'OutcomeAssessed': {
      const { domain, indicator, value } = data as JourneyEventData['OutcomeAssessed'];
      return [{ kind: 'outcome', domain, indicator, value }];
    }
    case 'RSSAdministered': {
      const { scores } = data as JourneyEventData['RSSAdministered'];
      return (['economic', 'social', 'psychosocial', 'composite'] as const).map((dimension) => ({
        kind: 'outcome' as const,
        domain: 'rss',
        indicator: dimension,
        value: scores[dimension],
      }));
    }
    case 'ServiceDelivered': {
      const { domain, serviceType } = data as JourneyEventData['ServiceDelivered'];
      return [{ kind: 'service', domain, indicator: serviceType, value: true }];
    }
    case 'EmploymentStatusRecorded': {
      const { status: employmentStatus, employed } = data as unknown as EmploymentStatusRecordedV2;
      return [status('employment', 'status', employmentStatus), status('employment', 'employed', employed)];
    }
    case 'CaseOpened':
      return [status('case', 'opened', (data as JourneyEventData['CaseOpened']).programme)];
    case 'CaseReopened':
      return [status('case', 'reopened', true)];
    case 'CaseClosed':
      return [status('case', 'closed', (data as JourneyEventData['CaseClosed']).reason)];
    case 'ContactLost':
      return [status('contact', 'lost', true)];
    case 'ContactReestablished':
      return [status('contact', 'lost', false)];
    case 'ReTraffickingReported':
      return [status('re_trafficking', 'reported', true)];
    case 'ReturnCompleted':
      return [status('return', 'destination_country', (data as JourneyEventData['ReturnCompleted']).destinationCountry)];
    case 'ResidencePermitDecided': {
      const { ground, outcome } = data as JourneyEventData['ResidencePermitDecided'];
      return [status('residence_permit', ground, outcome)];
    }
    default:
      return [];
  }
}

/** The timeline points of one (non-correction) event. */
export function timelinePointsOf(event: ProjectedEvent, personId: string): TimelinePoint[] {
  return pointsOf(event).map((facts, seq) => ({
    personId,
    eventId: event.eventId,
    seq,
    ...facts,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    position: event.position,
  }));
}

export const outcomeTimeline: Projection<TimelinePoint> = {
  name: 'outcome_timeline',
  onePerPerson: false,
  keyOf: (point) => `${point.eventId}/${point.seq}`,
  personOf: (point) => point.personId,
  apply(event) {
    const personId = personIdOf(event.streamId);
    return { kind: 'upsert', rows: personId === undefined ? [] : timelinePointsOf(event, personId) };
  },
  recompute(personId, history) {
    return { kind: 'replacePerson', personId, rows: history.flatMap((event) => timelinePointsOf(event, personId)) };
  },
};
