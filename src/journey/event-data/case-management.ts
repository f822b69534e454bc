/** Case management. */
import { DataOf as Data } from '../domain/events';
import {
  ASSESSMENT_TYPES,
  CASE_CLOSURE_REASONS,
  CaseClosureReason,
  DECLINABLE_SCOPES,
  Domain,
  DOMAINS,
  Programme,
  PROGRAMMES,
  REFERRAL_OUTCOMES,
} from '../domain/vocabulary';
import { Amount, Code, CurrencyCode, Name, Nested, Result, SnakeCode, Text } from './fields';

export class CaseOpenedData implements Data<'CaseOpened'> {
  @Code(PROGRAMMES)
  programme!: Programme;
}

export class CaseTransferredData implements Data<'CaseTransferred'> {
  @Name({ description: 'The organisation that takes the case over.' })
  toOrganisationId!: string;

  @Text({ optional: true })
  reason?: string;
}

export class CaseClosedData implements Data<'CaseClosed'> {
  @Code(CASE_CLOSURE_REASONS)
  reason!: CaseClosureReason;
}

export class CaseReopenedData implements Data<'CaseReopened'> {
  @Text()
  reason!: string;
}

export class ReferralMadeData implements Data<'ReferralMade'> {
  @Name({ description: 'Chosen by the referring organisation; ReferralResolved names it again.' })
  referralId!: string;

  @Name()
  toOrganisationId!: string;

  @Code(DOMAINS, { optional: true })
  domain?: Domain;

  @SnakeCode({ optional: true, example: 'legal_aid' })
  serviceType?: string;
}

export class ReferralResolvedData implements Data<'ReferralResolved'> {
  @Name()
  referralId!: string;

  @Code(REFERRAL_OUTCOMES)
  outcome!: Data<'ReferralResolved'>['outcome'];
}

export class AssessmentCompletedData implements Data<'AssessmentCompleted'> {
  @Code(ASSESSMENT_TYPES)
  type!: Data<'AssessmentCompleted'>['type'];

  @Name({ description: 'The assessment instrument used.' })
  instrument!: string;

  @Name()
  instrumentVersion!: string;

  @Result({ description: 'The raw result: one answer, or answers by item code.' })
  result!: Data<'AssessmentCompleted'>['result'];
}

export class ReintegrationGoal {
  @Code(DOMAINS)
  domain!: Domain;

  @Text()
  goal!: string;
}

export class ReintegrationPlanAgreedData implements Data<'ReintegrationPlanAgreed'> {
  @Nested(() => ReintegrationGoal, { each: true })
  goals!: ReintegrationGoal[];
}

const isFree = (data: Record<string, unknown>) => data.cost === undefined;

export class ServiceDeliveredData implements Data<'ServiceDelivered'> {
  @Code(DOMAINS)
  domain!: Domain;

  @SnakeCode({ example: 'shelter' })
  serviceType!: string;

  @Name({ optional: true, description: 'The organisation that delivered it.' })
  provider?: string;

  @Amount({ optional: true })
  cost?: number;

  @CurrencyCode({ optional: isFree, description: 'ISO 4217; required with a cost.' })
  currency?: string;

  @Name({ optional: true })
  funder?: string;
}

export class AssistanceDeclinedData implements Data<'AssistanceDeclined'> {
  @Code(DECLINABLE_SCOPES, { description: 'All assistance, or one domain of it.' })
  scope!: Data<'AssistanceDeclined'>['scope'];

  @Text({ optional: true })
  reason?: string;
}
