/** Follow-up and outcomes. */
import { Answer as AnswerValue, DataOf as Data } from '../domain/events';
import { COMPENSATION_OUTCOMES, CONTACT_MODES, CONTACT_RESULTS, Domain, DOMAINS, EMPLOYMENT_STATUSES, EmploymentStatus } from '../domain/vocabulary';
import { Amount, Answer, Code, CurrencyCode, KeyedBy, Name, Nested, Score, SnakeCode, WholeNumber } from './fields';

export class FollowUpContactAttemptedData implements Data<'FollowUpContactAttempted'> {
  @Code(CONTACT_MODES)
  mode!: Data<'FollowUpContactAttempted'>['mode'];

  @Code(CONTACT_RESULTS)
  result!: Data<'FollowUpContactAttempted'>['result'];
}

export class OutcomeAssessedData implements Data<'OutcomeAssessed'> {
  @Code(DOMAINS)
  domain!: Domain;

  @SnakeCode({ example: 'has_safe_accommodation' })
  indicator!: string;

  @Answer()
  value!: AnswerValue;

  @Name({ optional: true, description: 'Who or what gave the answer (self-report, caseworker, record).' })
  source?: string;
}

export class EmploymentStatusRecordedData implements Data<'EmploymentStatusRecorded'> {
  @Code(EMPLOYMENT_STATUSES)
  status!: EmploymentStatus;
}

export class RSSScores {
  @Score()
  economic!: number;

  @Score()
  social!: number;

  @Score()
  psychosocial!: number;

  @Score()
  composite!: number;
}

const isFiniteNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value);

export class RSSAdministeredData implements Data<'RSSAdministered'> {
  @WholeNumber(1, 100, { description: 'Which administration for this person: 1, 2, ...' })
  round!: number;

  @KeyedBy(isFiniteNumber, { type: 'number' }, 'a number', { description: 'Raw item answers by item code.' })
  items!: Record<string, number>;

  @Nested(() => RSSScores, { description: 'Dimension and composite scores, each 0..1.' })
  scores!: RSSScores;

  @Name({ description: 'The scoring method that turned items into scores, so they can be recomputed.' })
  scoringVersion!: string;
}

export class ContactLostData {}

export class ContactReestablishedData {}

export class ReTraffickingReportedData {}

export class LegalProceedingMilestoneData implements Data<'LegalProceedingMilestone'> {
  @SnakeCode({ example: 'charges_filed' })
  milestone!: string;
}

const noAmount = (data: Record<string, unknown>) => data.amount === undefined;

export class CompensationDecidedData implements Data<'CompensationDecided'> {
  @Code(COMPENSATION_OUTCOMES)
  outcome!: Data<'CompensationDecided'>['outcome'];

  @Amount({ optional: true })
  amount?: number;

  @CurrencyCode({ optional: noAmount, description: 'ISO 4217; required with an amount.' })
  currency?: string;
}
