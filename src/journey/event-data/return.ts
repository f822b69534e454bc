/** Return. */
import { DataOf as Data } from '../domain/events';
import { RISK_LEVELS } from '../domain/vocabulary';
import { Code, CountryCode, Flag, Name } from './fields';

export class ReturnRiskAssessedData implements Data<'ReturnRiskAssessed'> {
  @Code(RISK_LEVELS)
  level!: Data<'ReturnRiskAssessed'>['level'];
}

export class ReturnDecidedData implements Data<'ReturnDecided'> {
  @Flag()
  voluntary!: boolean;

  @CountryCode()
  destinationCountry!: string;
}

export class ReturnCompletedData implements Data<'ReturnCompleted'> {
  @CountryCode()
  destinationCountry!: string;

  @Name({ optional: true })
  receivingOrganisation?: string;
}
