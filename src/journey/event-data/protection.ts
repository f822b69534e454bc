/** Identification and protection. */
import { DataOf as Data } from '../domain/events';
import {
  EXPLOITATION_TYPES,
  ExploitationType,
  GROUNDS_OUTCOMES,
  GROUNDS_STAGES,
  IDENTIFICATION_CHANNELS,
  IdentificationChannel,
  MEANS_OF_CONTROL,
  MeansOfControl,
  ORGANISATION_TYPES,
  OrganisationType,
  RECRUITER_RELATIONS,
  RecruiterRelation,
  RESIDENCE_PERMIT_GROUNDS,
  RESIDENCE_PERMIT_OUTCOMES,
} from '../domain/vocabulary';
import { CalendarDate, Code, Codes, CountryCode, SnakeCodes } from './fields';

export class VictimIdentifiedData implements Data<'VictimIdentified'> {
  @Code(IDENTIFICATION_CHANNELS)
  channel!: IdentificationChannel;

  @Code(ORGANISATION_TYPES)
  identifyingOrganisationType!: OrganisationType;

  @CountryCode({ description: 'Where the person was identified.' })
  country!: string;
}

export class TraffickingExperienceRecordedData implements Data<'TraffickingExperienceRecorded'> {
  @Codes(EXPLOITATION_TYPES, { description: 'CTDC types of exploitation.' })
  exploitationTypes!: ExploitationType[];

  @SnakeCodes({ optional: true, description: 'Sectors of exploitation, e.g. agriculture, construction.' })
  sectors?: string[];

  @Codes(MEANS_OF_CONTROL, { optional: true, description: 'CTDC means of control.' })
  meansOfControl?: MeansOfControl[];

  @Code(RECRUITER_RELATIONS, { optional: true })
  recruiterRelation?: RecruiterRelation;

  @CountryCode()
  countryOfExploitation!: string;
}

export class ReferredToNRMData {}

export class GroundsDecidedData implements Data<'GroundsDecided'> {
  @Code(GROUNDS_STAGES)
  stage!: Data<'GroundsDecided'>['stage'];

  @Code(GROUNDS_OUTCOMES)
  outcome!: Data<'GroundsDecided'>['outcome'];
}

export class ReflectionPeriodGrantedData implements Data<'ReflectionPeriodGranted'> {
  @CalendarDate({ description: 'First day of the period.' })
  from!: string;

  @CalendarDate({ description: 'Last day of the period: at least 30 days after `from`.' })
  to!: string;
}

export class ReflectionPeriodEndedData {}

export class ResidencePermitDecidedData implements Data<'ResidencePermitDecided'> {
  @Code(RESIDENCE_PERMIT_GROUNDS)
  ground!: Data<'ResidencePermitDecided'>['ground'];

  @Code(RESIDENCE_PERMIT_OUTCOMES)
  outcome!: Data<'ResidencePermitDecided'>['outcome'];

  @CalendarDate({ optional: true })
  validUntil?: string;
}
