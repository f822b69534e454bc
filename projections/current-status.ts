import type { JourneyEventData } from '../src/journey/domain/events';
import type { Programme } from '../src/journey/domain/vocabulary';
import type { EmploymentStatusRecordedV2 } from '../src/journey/domain/upcasters';
import { isLaterOrSame, personIdOf, type ProjectedEvent, type Projection } from './projection';

/**
 * `current_status`: the picture of each person now, one row per person.
 * Facts that move the case along (phase, case, consents, contact, flags) follow the stream's order, as the
 * domain's rules do; measurements (employment, outcome values) keep the latest by `occurredAt`, so history
 * imported late does not overwrite newer news.
 */

export type Phase = 'identified' | 'in_recovery' | 'returned' | 'in_reintegration' | 'closed';

export interface ActiveConsent {
  scope: string;
  /** With whom, for `sharing` consents. */
  organisationId?: string;
}

export interface LatestOutcome {
  indicator: string;
  value: number | string | boolean;
  occurredAt: string;
}

export interface LatestRss {
  round: number;
  scores: { economic: number; social: number; psychosocial: number; composite: number };
  scoringVersion: string;
  occurredAt: string;
}

export interface CurrentStatusRow {
  personId: string;
  /** The organisation holding the case: the last to open, reopen or receive it; else who registered the person. */
  organisationId: string;
  phase: Phase;
  caseOpen: boolean;
  programme: Programme | null;
  closureReason: string | null;
  returned: boolean;
  /** Sorted by scope then organisation, so equal pictures are equal rows. */
  activeConsents: ActiveConsent[];
  /** Scopes of assistance the person declined (`assistance` or a domain), sorted. */
  declinedScopes: string[];
  employmentStatus: string | null;
  employed: boolean | null;
  employmentStatusAt: string | null;
  /** Latest assessed value per outcome domain. */
  latestOutcomes: Record<string, LatestOutcome>;
  latestRss: LatestRss | null;
  /** `occurredAt` of the last fact that needed the person (a service, an assessment, a contact reached...). */
  lastContactAt: string | null;
  contactLost: boolean;
  reTrafficked: boolean;
  servicesByDomain: Record<string, number>;
  personalDataErased: boolean;
  /** Stream revision and global position of the last event of the person this row reflects. */
  revision: number;
  position: number;
}

/** Facts that can only be recorded having reached the person. */
const CONTACT_TYPES: ReadonlySet<string> = new Set([
  'PersonRegistered',
  'VictimIdentified',
  'ConsentGranted',
  'CaseOpened',
  'AssessmentCompleted',
  'ReintegrationPlanAgreed',
  'ServiceDelivered',
  'AssistanceDeclined',
  'ReturnCompleted',
  'OutcomeAssessed',
  'EmploymentStatusRecorded',
  'RSSAdministered',
  'ContactReestablished',
]);

function newRow(personId: string, event: ProjectedEvent): CurrentStatusRow {
  return {
    personId,
    organisationId: event.metadata.organisationId,
    phase: 'identified',
    caseOpen: false,
    programme: null,
    closureReason: null,
    returned: false,
    activeConsents: [],
    declinedScopes: [],
    employmentStatus: null,
    employed: null,
    employmentStatusAt: null,
    latestOutcomes: {},
    latestRss: null,
    lastContactAt: null,
    contactLost: false,
    reTrafficked: false,
    servicesByDomain: {},
    personalDataErased: false,
    revision: event.streamRevision,
    position: event.position,
  };
}

/** The phase of an open case: re/integration wins, then having returned, else recovery. */
function openCasePhase(programme: Programme | null, returned: boolean): Phase {
  if (programme === 'reintegration') return 'in_reintegration';
  return returned ? 'returned' : 'in_recovery';
}

function byScope(a: ActiveConsent, b: ActiveConsent): number {
  return a.scope.localeCompare(b.scope) || (a.organisationId ?? '').localeCompare(b.organisationId ?? '');
}

function sameConsent(a: ActiveConsent, b: ActiveConsent): boolean {
  return a.scope === b.scope && (a.organisationId ?? null) === (b.organisationId ?? null);
}

function consentOf(data: JourneyEventData['ConsentGranted']): ActiveConsent {
  return data.organisationId === undefined ? { scope: data.scope } : { scope: data.scope, organisationId: data.organisationId };
}

/** What one event changes in the row, in the event's own words. */
function facts(row: CurrentStatusRow, event: ProjectedEvent): Partial<CurrentStatusRow> {
  const { data, occurredAt } = event;
  switch (event.type) {
    case 'ConsentGranted': {
      const consent = consentOf(data as JourneyEventData['ConsentGranted']);
      const others = row.activeConsents.filter((active) => !sameConsent(active, consent));
      return { activeConsents: [...others, consent].sort(byScope) };
    }
    case 'ConsentWithdrawn': {
      const consent = consentOf(data as JourneyEventData['ConsentWithdrawn']);
      return { activeConsents: row.activeConsents.filter((active) => !sameConsent(active, consent)) };
    }
    case 'ReflectionPeriodGranted':
      return row.phase === 'identified' ? { phase: 'in_recovery' } : {};
    case 'ServiceDelivered': {
      const { domain } = data as JourneyEventData['ServiceDelivered'];
      return {
        servicesByDomain: { ...row.servicesByDomain, [domain]: (row.servicesByDomain[domain] ?? 0) + 1 },
        ...(row.phase === 'identified' ? { phase: 'in_recovery' as const } : {}),
      };
    }
    case 'AssistanceDeclined': {
      const { scope } = data as JourneyEventData['AssistanceDeclined'];
      return { declinedScopes: [...new Set([...row.declinedScopes, scope])].sort() };
    }
    case 'CaseOpened': {
      const { programme } = data as JourneyEventData['CaseOpened'];
      return {
        caseOpen: true,
        programme,
        closureReason: null,
        organisationId: event.metadata.organisationId,
        phase: openCasePhase(programme, row.returned),
      };
    }
    case 'CaseReopened':
      return {
        caseOpen: true,
        closureReason: null,
        organisationId: event.metadata.organisationId,
        phase: openCasePhase(row.programme, row.returned),
      };
    case 'CaseTransferred':
      return { organisationId: (data as JourneyEventData['CaseTransferred']).toOrganisationId };
    case 'CaseClosed':
      return { caseOpen: false, closureReason: (data as JourneyEventData['CaseClosed']).reason, phase: 'closed' };
    case 'ReturnCompleted':
      return { returned: true, ...(row.phase === 'closed' || row.phase === 'in_reintegration' ? {} : { phase: 'returned' as const }) };
    case 'ReintegrationPlanAgreed':
      return row.phase === 'closed' ? {} : { phase: 'in_reintegration' };
    case 'EmploymentStatusRecorded': {
      if (!isLaterOrSame(occurredAt, row.employmentStatusAt)) return {};
      const { status, employed } = data as unknown as EmploymentStatusRecordedV2;
      return { employmentStatus: status, employed, employmentStatusAt: occurredAt };
    }
    case 'OutcomeAssessed': {
      const { domain, indicator, value } = data as JourneyEventData['OutcomeAssessed'];
      if (!isLaterOrSame(occurredAt, row.latestOutcomes[domain]?.occurredAt ?? null)) return {};
      return { latestOutcomes: { ...row.latestOutcomes, [domain]: { indicator, value, occurredAt } } };
    }
    case 'RSSAdministered': {
      if (!isLaterOrSame(occurredAt, row.latestRss?.occurredAt ?? null)) return {};
      const { round, scores, scoringVersion } = data as JourneyEventData['RSSAdministered'];
      return { latestRss: { round, scores, scoringVersion, occurredAt } };
    }
    case 'ContactLost':
      return { contactLost: true };
    case 'ContactReestablished':
      return { contactLost: false };
    case 'ReTraffickingReported':
      return { reTrafficked: true };
    case 'PersonalDataErased':
      return { personalDataErased: true };
    default:
      return {};
  }
}

function reachedThePerson(event: ProjectedEvent): boolean {
  if (event.type === 'FollowUpContactAttempted') {
    return (event.data as JourneyEventData['FollowUpContactAttempted']).result === 'reached';
  }
  return CONTACT_TYPES.has(event.type);
}

/**
 * A copy of the row, field by field: every row then has the one shape, which keeps copying and reading rows
 * cheap (a rebuild makes one per event; a spread of a row and of a change is several times slower).
 */
function copyOf(row: CurrentStatusRow): CurrentStatusRow {
  return {
    personId: row.personId,
    organisationId: row.organisationId,
    phase: row.phase,
    caseOpen: row.caseOpen,
    programme: row.programme,
    closureReason: row.closureReason,
    returned: row.returned,
    activeConsents: row.activeConsents,
    declinedScopes: row.declinedScopes,
    employmentStatus: row.employmentStatus,
    employed: row.employed,
    employmentStatusAt: row.employmentStatusAt,
    latestOutcomes: row.latestOutcomes,
    latestRss: row.latestRss,
    lastContactAt: row.lastContactAt,
    contactLost: row.contactLost,
    reTrafficked: row.reTrafficked,
    servicesByDomain: row.servicesByDomain,
    personalDataErased: row.personalDataErased,
    revision: row.revision,
    position: row.position,
  };
}

/** The row after one (non-correction) event of the person. */
export function evolveCurrentStatus(row: CurrentStatusRow | undefined, event: ProjectedEvent, personId: string): CurrentStatusRow {
  const before = row ?? newRow(personId, event);
  const after = Object.assign(copyOf(before), facts(before, event));
  after.revision = event.streamRevision;
  after.position = event.position;
  if (reachedThePerson(event) && isLaterOrSame(event.occurredAt, before.lastContactAt)) after.lastContactAt = event.occurredAt;
  return after;
}

export const currentStatus: Projection<CurrentStatusRow> = {
  name: 'current_status',
  onePerPerson: true,
  keyOf: (row) => row.personId,
  personOf: (row) => row.personId,
  apply(event, personRow) {
    const personId = personIdOf(event.streamId);
    if (personId === undefined) return { kind: 'upsert', rows: [] };
    return { kind: 'upsert', rows: [evolveCurrentStatus(personRow, event, personId)] };
  },
  recompute(personId, history, through) {
    if (history.length === 0) return { kind: 'replacePerson', personId, rows: [] };
    const row = history.reduce<CurrentStatusRow | undefined>((state, event) => evolveCurrentStatus(state, event, personId), undefined);
    return { kind: 'replacePerson', personId, rows: [{ ...row!, revision: through.streamRevision, position: through.position }] };
  },
};
